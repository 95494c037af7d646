package testkit

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// Defaults of the Slack fake; a test reads them through SlackAPI's methods.
const (
	slackToken     = "xoxb-1111111111-2222222222-fakeslacktokenvalue"
	slackBotUserID = "U0BOTFAKE1"
	slackBotID     = "B0BOTFAKE1"
	slackAppID     = "A0APPFAKE1"
	slackTeamID    = "T0TEAMFAKE"
)

// Slack's limits as the fake enforces them. Slack answers msg_blocks_too_long at about 13,000 characters of
// blocks; the fake refuses blocks whose JSON is over 12,000 characters, the margin the product keeps.
const (
	slackMaxBlocks      = 50
	slackMaxBlocksJSON  = 12000
	slackMaxText        = 40000
	slackMaxSectionText = 3000
	slackMaxFieldText   = 2000
	slackMaxFields      = 10
	slackMaxHeaderText  = 150
	slackMaxButtonText  = 75
	slackMaxButtonValue = 2000
	slackMaxID          = 255
	slackMaxActions     = 25
	slackMaxContext     = 10
)

// SlackAPI is a fake Slack Web API speaking the wire format slack-go v0.35 uses: form-encoded POSTs to
// {URL}chat.postMessage, chat.update, chat.postEphemeral, conversations.history and users.info, the token in
// the form field "token", answers that always carry "ok" and, when not ok, "error". It gives messages ts values
// from the clock, increasing, keeps each message's latest version, its thread replies and its message metadata,
// enforces Block Kit's limits, records every call and can be told to fail, slow down, or fail after doing the
// work. It is safe for concurrent use.
type SlackAPI struct {
	server *httptest.Server
	token  string

	recorder
	calls    []SlackCall
	messages []*SlackMessage
	users    map[string]string
	failures []SlackFailure
}

// SlackCall is one request the Slack fake received, accepted or not.
type SlackCall struct {
	Method   string // "chat.postMessage", "chat.update", "chat.postEphemeral", "users.info", …
	Channel  string
	TS       string // the ts the fake gave a new message, or the ts chat.update named
	ThreadTS string
	Text     string
	Blocks   json.RawMessage // the blocks as sent; nil when the request had none
	User     string          // the recipient of chat.postEphemeral, the user of users.info
	Form     url.Values      // every form field except the token
	Status   int             // the HTTP status the fake answered
	Error    string          // the error of an ok:false answer; "" when the call succeeded
	// Applied is set when the fake carried the call out (posted or updated the message) and answered with an
	// error all the same (SlackFailure.Applied).
	Applied bool
	At      time.Time
}

// OK reports whether the fake accepted the call.
func (c SlackCall) OK() bool { return c.Status == http.StatusOK && c.Error == "" }

// SlackButton is one button of a message's blocks.
type SlackButton struct {
	BlockID  string
	ActionID string
	Value    string
	Text     string
	Style    string
}

// Buttons lists the buttons in the call's blocks, in order.
func (c SlackCall) Buttons() []SlackButton { return slackButtons(c.Blocks) }

// BlockTexts lists every text string in the call's blocks (section text and fields, headers, context
// elements, button labels), in order.
func (c SlackCall) BlockTexts() []string { return slackBlockTexts(c.Blocks) }

// SlackMessage is a message as the fake holds it: the latest version after any chat.update.
type SlackMessage struct {
	Channel  string
	TS       string
	ThreadTS string // the thread root's ts for a reply; "" for a top-level message
	// Broadcast marks a thread reply also shown in the channel (reply_broadcast).
	Broadcast bool
	Text      string
	Blocks    json.RawMessage
	// Metadata is the message metadata as posted ({"event_type","event_payload"}); nil for none. A chat.update
	// without metadata keeps it.
	Metadata json.RawMessage
	Updates  int // how many times chat.update changed it
}

// Buttons lists the buttons in the message's blocks, in order.
func (m SlackMessage) Buttons() []SlackButton { return slackButtons(m.Blocks) }

// BlockTexts lists every text string in the message's blocks, in order.
func (m SlackMessage) BlockTexts() []string { return slackBlockTexts(m.Blocks) }

// SlackFailure tells the Slack fake to answer calls with an error instead of handling them.
type SlackFailure struct {
	// Method limits the failure to one Web API method, such as "chat.postMessage"; empty means any.
	Method string
	// Times is how many calls fail; 0 means every matching call until ClearFailures.
	Times int
	// Status is the HTTP status; 0 means 200 (an ok:false answer).
	Status int
	// RetryAfter, in seconds, is sent as the Retry-After header when positive.
	RetryAfter int
	// Error is the error code of the ok:false body, such as "channel_not_found" or "ratelimited". With a 5xx
	// status and no Error, the fake answers with an HTML error page, as Slack does.
	Error string
	// Applied makes the fake carry the call out (post or update the message) before it answers with the
	// failure, as when Slack fails after doing the work. With neither Status nor Error, the answer is the
	// call's own: a slow call (see Delay).
	Applied bool
	// Delay holds the answer this long, without holding up other calls, as a Slack slow enough for a client
	// to give up (which then gets no answer).
	Delay time.Duration
}

// SlackServerError is a failure answering 500 with an HTML page; slack-go reports slack.StatusCodeError.
func SlackServerError() SlackFailure { return SlackFailure{Status: http.StatusInternalServerError} }

// SlackRateLimited is Slack's rate limit: 429, Retry-After in seconds and {"ok":false,"error":"ratelimited"};
// slack-go reports *slack.RateLimitedError. With retryAfter 0 the header is left out and slack-go reports a
// slack.StatusCodeError.
func SlackRateLimited(retryAfter int) SlackFailure {
	return SlackFailure{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Error: "ratelimited"}
}

// SlackAPIError is a 200 answer {"ok":false,"error":code}; slack-go reports slack.SlackErrorResponse.
func SlackAPIError(code string) SlackFailure { return SlackFailure{Error: code} }

// SlackServerErrorAfterPosting is Slack posting the message and then answering 500 with an HTML page: the
// client cannot tell that the message is in the channel.
func SlackServerErrorAfterPosting() SlackFailure {
	return SlackFailure{Method: "chat.postMessage", Status: http.StatusInternalServerError, Applied: true}
}

// SlackSlow is a call carried out at once and answered after d.
func SlackSlow(method string, d time.Duration) SlackFailure {
	return SlackFailure{Method: method, Applied: true, Delay: d}
}

// NewSlackAPI starts a Slack fake that is closed when the test ends.
func NewSlackAPI(t testing.TB) *SlackAPI {
	t.Helper()
	s := &SlackAPI{
		token: slackToken,
		users: make(map[string]string),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", s.handle)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not found", http.StatusNotFound)
	})
	s.server = httptest.NewServer(mux)
	t.Cleanup(s.server.Close)
	return s
}

// URL is the Web API base with its trailing "/", the value for SLACK_API_URL.
func (s *SlackAPI) URL() string { return s.server.URL + "/api/" }

// Token is the bot token the fake accepts, the value for SLACK_BOT_TOKEN.
func (s *SlackAPI) Token() string { return s.token }

// BotUserID is the user ID of the app's bot user, as it would appear in events echoing the app's own posts.
func (s *SlackAPI) BotUserID() string { return slackBotUserID }

// BotID is the bot_id the app's own posts carry.
func (s *SlackAPI) BotID() string { return slackBotID }

// AddUser makes users.info know a user; name is used as the user name, the real name and the display name.
func (s *SlackAPI) AddUser(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = name
}

// Fail adds a failure rule. Rules are tried in the order they were added; the first that matches a call answers
// it. Calls with a bad token are refused before any rule is tried.
func (s *SlackAPI) Fail(f SlackFailure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, f)
}

// FailNext makes the next n calls matching f.Method fail as f says.
func (s *SlackAPI) FailNext(n int, f SlackFailure) {
	f.Times = n
	s.Fail(f)
}

// ClearFailures removes every failure rule.
func (s *SlackAPI) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = nil
}

// Calls returns every call to method ("" for all), accepted or not, in the order received.
func (s *SlackAPI) Calls(method string) []SlackCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsTo(method, false)
}

// Message returns the latest version of the message at ts in channel.
func (s *SlackAPI) Message(channel, ts string) (SlackMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.find(channel, ts); m != nil {
		return *m, true
	}
	return SlackMessage{}, false
}

// ChannelMessages returns the messages shown in channel, oldest first: the top-level ones and the thread
// replies also sent to the channel. A handoff card posted twice shows twice here.
func (s *SlackAPI) ChannelMessages(channel string) []SlackMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SlackMessage
	for _, m := range s.messages {
		if m.Channel == channel && (m.ThreadTS == "" || m.Broadcast) {
			out = append(out, *m)
		}
	}
	return out
}

// Replies returns the replies in the thread of threadTS in channel, in the order they were posted.
func (s *SlackAPI) Replies(channel, threadTS string) []SlackMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repliesTo(channel, threadTS)
}

// WaitForCalls waits until at least n calls to method ("" for any) have been accepted and returns the accepted
// calls; after timeout it fails the test. Call it from the test's goroutine.
func (s *SlackAPI) WaitForCalls(t testing.TB, method string, n int, timeout time.Duration) []SlackCall {
	t.Helper()
	var got []SlackCall
	s.wait(timeout, func() bool {
		got = s.callsTo(method, true)
		return len(got) >= n
	})
	if len(got) < n {
		t.Fatalf("slack fake: %d accepted %q calls after %v, want %d; all calls: %s", len(got), method, timeout, n, describeSlackCalls(s.Calls("")))
	}
	return got
}

// WaitForReplies waits until the thread of threadTS in channel has at least n replies and returns them; after
// timeout it fails the test. Call it from the test's goroutine.
func (s *SlackAPI) WaitForReplies(t testing.TB, channel, threadTS string, n int, timeout time.Duration) []SlackMessage {
	t.Helper()
	var got []SlackMessage
	s.wait(timeout, func() bool {
		got = s.repliesTo(channel, threadTS)
		return len(got) >= n
	})
	if len(got) < n {
		t.Fatalf("slack fake: %d replies in thread %s after %v, want %d; all calls: %s", len(got), threadTS, timeout, n, describeSlackCalls(s.Calls("")))
	}
	return got
}

func (s *SlackAPI) callsTo(method string, acceptedOnly bool) []SlackCall {
	var out []SlackCall
	for _, c := range s.calls {
		if (method == "" || c.Method == method) && (!acceptedOnly || c.OK()) {
			out = append(out, c)
		}
	}
	return out
}

func (s *SlackAPI) repliesTo(channel, threadTS string) []SlackMessage {
	var out []SlackMessage
	for _, m := range s.messages {
		if m.Channel == channel && m.ThreadTS == threadTS && m.TS != threadTS {
			out = append(out, *m)
		}
	}
	return out
}

func (s *SlackAPI) find(channel, ts string) *SlackMessage {
	for _, m := range s.messages {
		if m.Channel == channel && m.TS == ts {
			return m
		}
	}
	return nil
}

func (s *SlackAPI) handle(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form := r.PostForm
	call := SlackCall{
		Method:   r.PathValue("method"),
		Channel:  form.Get("channel"),
		TS:       form.Get("ts"),
		ThreadTS: form.Get("thread_ts"),
		Text:     form.Get("text"),
		User:     form.Get("user"),
		Form:     url.Values{},
		At:       time.Now(),
	}
	if blocks := form.Get("blocks"); blocks != "" {
		call.Blocks = json.RawMessage(blocks)
	}
	for k, v := range form {
		if k != "token" {
			call.Form[k] = v
		}
	}
	// The answer is written once the fake's lock is released, so that a delayed one holds up no other call.
	answer := httptest.NewRecorder()
	if delay := s.serve(answer, &call, form.Get("token")); delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return // the client gave up
		}
	}
	for k, v := range answer.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(answer.Code)
	_, _ = w.Write(answer.Body.Bytes())
}

// serve answers one call into w and returns how long the answer is to be held.
func (s *SlackAPI) serve(w http.ResponseWriter, call *SlackCall, token string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notify()

	switch {
	case token == "":
		s.answerError(w, call, "not_authed")
		return 0
	case token != s.token:
		s.answerError(w, call, "invalid_auth")
		return 0
	}
	f, failing := s.takeFailure(call.Method)
	switch {
	case !failing:
		s.dispatch(w, call)
	case !f.Applied:
		s.answerFailure(w, call, f)
	case f.Status == 0 && f.Error == "":
		s.dispatch(w, call) // slow, not failing
	default:
		// Carried out, then answered with the failure: one call recorded, with what the client was told.
		s.dispatch(httptest.NewRecorder(), call)
		done := s.calls[len(s.calls)-1]
		s.calls = s.calls[:len(s.calls)-1]
		call.TS, call.Applied = done.TS, done.OK()
		s.answerFailure(w, call, f)
	}
	return f.Delay
}

func (s *SlackAPI) dispatch(w http.ResponseWriter, call *SlackCall) {
	switch call.Method {
	case "chat.postMessage":
		s.postMessage(w, call)
	case "chat.update":
		s.update(w, call)
	case "chat.postEphemeral":
		s.postEphemeral(w, call)
	case "conversations.history":
		s.history(w, call)
	case "users.info":
		s.userInfo(w, call)
	default:
		s.answerError(w, call, "unknown_method")
	}
}

func (s *SlackAPI) postMessage(w http.ResponseWriter, call *SlackCall) {
	if code := validateSlackMessage(call); code != "" {
		s.answerError(w, call, code)
		return
	}
	metadata, code := slackMetadata(call.Form)
	if code != "" {
		s.answerError(w, call, code)
		return
	}
	call.TS = nextSlackTS()
	m := &SlackMessage{
		Channel: call.Channel, TS: call.TS, ThreadTS: call.ThreadTS, Text: call.Text, Blocks: call.Blocks,
		Broadcast: call.ThreadTS != "" && slackTrue(call.Form.Get("reply_broadcast")), Metadata: metadata,
	}
	s.messages = append(s.messages, m)
	s.answer(w, call, map[string]any{"ok": true, "channel": call.Channel, "ts": call.TS, "message": s.messageJSON(m, true)})
}

// messageJSON is m as Slack shows it in an answer; its metadata only when withMetadata (conversations.history
// leaves it out unless asked with include_all_metadata).
func (s *SlackAPI) messageJSON(m *SlackMessage, withMetadata bool) map[string]any {
	out := map[string]any{
		"type": "message", "text": m.Text, "user": slackBotUserID, "bot_id": slackBotID, "app_id": slackAppID,
		"ts": m.TS, "team": slackTeamID,
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
		out["parent_user_id"] = slackBotUserID
		if m.Broadcast {
			out["subtype"] = "thread_broadcast"
		}
	} else if replies := len(s.repliesTo(m.Channel, m.TS)); replies > 0 {
		out["thread_ts"], out["reply_count"] = m.TS, replies
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	if withMetadata && m.Metadata != nil {
		out["metadata"] = m.Metadata
	}
	return out
}

// slackMaxHistory is the most messages one conversations.history call returns: the fake is the strictest
// Slack, which caps limit at 15 for a commercially distributed app outside the Marketplace (wire-formats.md
// B11; a business's own app gets up to 999).
const slackMaxHistory = 15

// history answers conversations.history: the channel's messages (top-level ones and thread replies sent to the
// channel), newest first, between oldest and latest (both excluded unless inclusive=1), at most limit (100
// when unset, never more than slackMaxHistory) a page, with a cursor to the next page; message metadata only
// with include_all_metadata=1 (or true).
func (s *SlackAPI) history(w http.ResponseWriter, call *SlackCall) {
	if call.Channel == "" {
		s.answerError(w, call, "channel_not_found")
		return
	}
	form := call.Form
	limit := 100
	if v := form.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.answerError(w, call, "invalid_limit")
			return
		}
		if n > 0 {
			limit = n
		}
	}
	limit = min(limit, slackMaxHistory)
	oldest, latest, inclusive := form.Get("oldest"), form.Get("latest"), slackTrue(form.Get("inclusive"))
	upTo := ""
	if cursor := form.Get("cursor"); cursor != "" {
		raw, err := base64.StdEncoding.DecodeString(cursor)
		next, ok := strings.CutPrefix(string(raw), "next_ts:")
		if err != nil || !ok {
			s.answerError(w, call, "invalid_cursor")
			return
		}
		upTo = next
	}
	var page []map[string]any
	hasMore, nextCursor := false, ""
	for i := len(s.messages) - 1; i >= 0; i-- {
		m := s.messages[i]
		if m.Channel != call.Channel || (m.ThreadTS != "" && !m.Broadcast) || !slackBetween(m.TS, oldest, latest, inclusive) {
			continue
		}
		if upTo != "" && slackTSAfter(m.TS, upTo) {
			continue
		}
		if len(page) == limit {
			hasMore, nextCursor = true, base64.StdEncoding.EncodeToString([]byte("next_ts:"+m.TS))
			break
		}
		page = append(page, s.messageJSON(m, slackTrue(form.Get("include_all_metadata"))))
	}
	if page == nil {
		page = []map[string]any{}
	}
	s.answer(w, call, map[string]any{"ok": true, "messages": page, "has_more": hasMore, "pin_count": 0,
		"response_metadata": map[string]any{"next_cursor": nextCursor}})
}

// slackMetadata reads the message metadata of a post or an update: nil when the form has none, and the error
// code Slack answers for a malformed one.
func slackMetadata(form url.Values) (json.RawMessage, string) {
	raw, ok := form["metadata"]
	if !ok {
		return nil, ""
	}
	var m struct {
		EventType    *string         `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(raw[0]), &m); err != nil {
		return nil, "invalid_metadata_format"
	}
	var payload map[string]any
	if m.EventType == nil || *m.EventType == "" || json.Unmarshal(m.EventPayload, &payload) != nil || payload == nil {
		return nil, "invalid_metadata_schema"
	}
	return json.RawMessage(raw[0]), ""
}

// slackTrue reads a boolean form field as Slack does: "1" or "true".
func slackTrue(v string) bool { return v == "1" || v == "true" }

// slackBetween reports whether ts lies between oldest and latest (either may be empty: no bound).
func slackBetween(ts, oldest, latest string, inclusive bool) bool {
	if oldest != "" && !(slackTSAfter(ts, oldest) || inclusive && slackTSEqual(ts, oldest)) {
		return false
	}
	if latest != "" && !(slackTSAfter(latest, ts) || inclusive && slackTSEqual(ts, latest)) {
		return false
	}
	return true
}

// slackTSAfter reports whether ts a is later than b; Slack ts values are decimal seconds.
func slackTSAfter(a, b string) bool { return slackTSValue(a) > slackTSValue(b) }

func slackTSEqual(a, b string) bool { return slackTSValue(a) == slackTSValue(b) }

// slackTSValue is a ts in microseconds ("1767225600.000100" or "1767225600").
func slackTSValue(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	frac = (frac + "000000")[:6]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return s*1e6 + f
}

func (s *SlackAPI) update(w http.ResponseWriter, call *SlackCall) {
	m := s.find(call.Channel, call.TS)
	if call.TS == "" || m == nil {
		s.answerError(w, call, "message_not_found")
		return
	}
	if code := validateSlackMessage(call); code != "" {
		s.answerError(w, call, code)
		return
	}
	metadata, code := slackMetadata(call.Form)
	if code != "" {
		s.answerError(w, call, code)
		return
	}
	m.Text, m.Updates = call.Text, m.Updates+1
	if _, ok := call.Form["blocks"]; ok {
		m.Blocks = call.Blocks
	}
	if metadata != nil {
		m.Metadata = metadata
	}
	s.answer(w, call, map[string]any{"ok": true, "channel": call.Channel, "ts": call.TS, "text": call.Text})
}

func (s *SlackAPI) postEphemeral(w http.ResponseWriter, call *SlackCall) {
	if call.User == "" {
		s.answerError(w, call, "user_not_found")
		return
	}
	if code := validateSlackMessage(call); code != "" {
		s.answerError(w, call, code)
		return
	}
	s.answer(w, call, map[string]any{"ok": true, "message_ts": nextSlackTS()})
}

func (s *SlackAPI) userInfo(w http.ResponseWriter, call *SlackCall) {
	name, ok := s.users[call.User]
	if !ok {
		s.answerError(w, call, "user_not_found")
		return
	}
	s.answer(w, call, map[string]any{"ok": true, "user": map[string]any{
		"id": call.User, "team_id": slackTeamID, "name": name, "real_name": name, "deleted": false, "is_bot": false,
		"profile": map[string]any{"real_name": name, "display_name": name},
	}})
}

func (s *SlackAPI) takeFailure(method string) (SlackFailure, bool) {
	for i, f := range s.failures {
		if f.Method != "" && f.Method != method {
			continue
		}
		if f.Times > 0 {
			s.failures[i].Times--
			if s.failures[i].Times == 0 {
				s.failures = append(s.failures[:i], s.failures[i+1:]...)
			}
		}
		return f, true
	}
	return SlackFailure{}, false
}

func (s *SlackAPI) answerFailure(w http.ResponseWriter, call *SlackCall, f SlackFailure) {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	code := f.Error
	htmlPage := status >= 500 && code == ""
	if code == "" && !htmlPage {
		code = "fatal_error"
	}
	call.Status, call.Error = status, code
	if htmlPage {
		call.Error = http.StatusText(status)
	}
	s.calls = append(s.calls, *call)
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	if htmlPage {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><h1>Slack is having trouble</h1></body></html>\n", status, http.StatusText(status))
		return
	}
	slackWriteJSON(w, status, map[string]any{"ok": false, "error": code})
}

// answerError answers 200 {"ok":false,"error":code}: Slack always names the error, and slack-go treats an
// ok:false answer without one as success.
func (s *SlackAPI) answerError(w http.ResponseWriter, call *SlackCall, code string) {
	call.Status, call.Error = http.StatusOK, code
	s.calls = append(s.calls, *call)
	slackWriteJSON(w, http.StatusOK, map[string]any{"ok": false, "error": code})
}

func (s *SlackAPI) answer(w http.ResponseWriter, call *SlackCall, body map[string]any) {
	call.Status = http.StatusOK
	s.calls = append(s.calls, *call)
	slackWriteJSON(w, http.StatusOK, body)
}

// slackLastTS is the last message ts, in microseconds, that any fake Slack of the process gave, so that fakes of
// tests running in parallel never give two messages the same ts (the thread index in the shared Redis is keyed
// by it).
var slackLastTS atomic.Int64

// nextSlackTS returns a new message ts: the clock's time in seconds with six decimals
// ("1767225600.123456"), later than every ts given before, as Slack's are, so that oldest and latest bounds
// of conversations.history work as they do in Slack.
func nextSlackTS() string {
	for {
		last := slackLastTS.Load()
		next := max(time.Now().UnixMicro(), last+1)
		if slackLastTS.CompareAndSwap(last, next) {
			return fmt.Sprintf("%d.%06d", next/1e6, next%1e6)
		}
	}
}

func slackWriteJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// validateSlackMessage returns the error code Slack would answer for the message's text and blocks, or "".
func validateSlackMessage(call *SlackCall) string {
	if call.Channel == "" {
		return "channel_not_found"
	}
	if call.Text == "" && len(call.Blocks) == 0 {
		return "no_text"
	}
	if utf8.RuneCountInString(call.Text) > slackMaxText {
		return "msg_too_long"
	}
	if call.Blocks == nil {
		return ""
	}
	return validateSlackBlocks(call.Blocks)
}

// validateSlackBlocks checks Block Kit's structure and limits for the block types the product sends.
func validateSlackBlocks(raw json.RawMessage) string {
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return "invalid_blocks_format"
	}
	if len(blocks) > slackMaxBlocks {
		return "invalid_blocks"
	}
	blockIDs, actionIDs := map[string]bool{}, map[string]bool{}
	for _, b := range blocks {
		if id, ok := b["block_id"]; ok {
			s, isString := id.(string)
			if !isString || s == "" || len(s) > slackMaxID || blockIDs[s] {
				return "invalid_blocks"
			}
			blockIDs[s] = true
		}
		if !validSlackBlock(b, actionIDs) {
			return "invalid_blocks"
		}
	}
	if slackBlocksSize(blocks) > slackMaxBlocksJSON {
		return "msg_blocks_too_long"
	}
	return ""
}

// slackBlocksSize counts the characters of the blocks' JSON as Slack reads it, after decoding escapes such as
// \u003c.
func slackBlocksSize(blocks []map[string]any) int {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(blocks); err != nil {
		return slackMaxBlocksJSON + 1
	}
	return utf8.RuneCount(bytes.TrimSpace(b.Bytes()))
}

func validSlackBlock(b map[string]any, actionIDs map[string]bool) bool {
	switch b["type"] {
	case "section":
		text, hasText := b["text"].(map[string]any)
		fields, _ := b["fields"].([]any)
		if !hasText && len(fields) == 0 {
			return false
		}
		if hasText && !validSlackText(text, slackMaxSectionText, false) {
			return false
		}
		if len(fields) > slackMaxFields {
			return false
		}
		for _, f := range fields {
			obj, ok := f.(map[string]any)
			if !ok || !validSlackText(obj, slackMaxFieldText, false) {
				return false
			}
		}
		return true
	case "header":
		text, ok := b["text"].(map[string]any)
		return ok && validSlackText(text, slackMaxHeaderText, true)
	case "context":
		elements, _ := b["elements"].([]any)
		if len(elements) == 0 || len(elements) > slackMaxContext {
			return false
		}
		for _, e := range elements {
			obj, ok := e.(map[string]any)
			if !ok {
				return false
			}
			if obj["type"] != "image" && !validSlackText(obj, slackMaxSectionText, false) {
				return false
			}
		}
		return true
	case "actions":
		elements, _ := b["elements"].([]any)
		if len(elements) == 0 || len(elements) > slackMaxActions {
			return false
		}
		for _, e := range elements {
			obj, ok := e.(map[string]any)
			if !ok || !validSlackButton(obj, actionIDs) {
				return false
			}
		}
		return true
	case "divider":
		return true
	case "rich_text", "image", "markdown":
		return true // not sent by the product; accepted unchecked
	}
	return false
}

func validSlackButton(b map[string]any, actionIDs map[string]bool) bool {
	if b["type"] != "button" {
		return true // other elements are not sent by the product; accepted unchecked
	}
	actionID, _ := b["action_id"].(string)
	if actionID == "" || len(actionID) > slackMaxID || actionIDs[actionID] {
		return false
	}
	actionIDs[actionID] = true
	text, ok := b["text"].(map[string]any)
	if !ok || !validSlackText(text, slackMaxButtonText, true) {
		return false
	}
	if value, ok := b["value"]; ok {
		s, isString := value.(string)
		if !isString || utf8.RuneCountInString(s) > slackMaxButtonValue {
			return false
		}
	}
	switch b["style"] {
	case nil, "primary", "danger":
		return true
	}
	return false
}

// validSlackText checks a text object: a known type (plain_text only when plainOnly), non-empty text within max.
func validSlackText(obj map[string]any, max int, plainOnly bool) bool {
	switch obj["type"] {
	case "plain_text":
	case "mrkdwn":
		if plainOnly {
			return false
		}
	default:
		return false
	}
	text, ok := obj["text"].(string)
	return ok && text != "" && utf8.RuneCountInString(text) <= max
}

func slackButtons(raw json.RawMessage) []SlackButton {
	var blocks []map[string]any
	if json.Unmarshal(raw, &blocks) != nil {
		return nil
	}
	var out []SlackButton
	for _, b := range blocks {
		if b["type"] != "actions" {
			continue
		}
		blockID, _ := b["block_id"].(string)
		elements, _ := b["elements"].([]any)
		for _, e := range elements {
			el, _ := e.(map[string]any)
			if el["type"] != "button" {
				continue
			}
			button := SlackButton{BlockID: blockID}
			button.ActionID, _ = el["action_id"].(string)
			button.Value, _ = el["value"].(string)
			button.Style, _ = el["style"].(string)
			if text, ok := el["text"].(map[string]any); ok {
				button.Text, _ = text["text"].(string)
			}
			out = append(out, button)
		}
	}
	return out
}

func slackBlockTexts(raw json.RawMessage) []string {
	var blocks []any
	if json.Unmarshal(raw, &blocks) != nil {
		return nil
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if text, ok := v["text"].(string); ok {
				out = append(out, text)
			}
			for _, key := range []string{"text", "fields", "elements"} {
				if child, ok := v[key]; ok {
					walk(child)
				}
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(blocks)
	return out
}

func describeSlackCalls(calls []SlackCall) string {
	parts := make([]string, 0, len(calls))
	for _, c := range calls {
		outcome := "ok"
		if !c.OK() {
			outcome = fmt.Sprintf("%d %s", c.Status, c.Error)
		}
		parts = append(parts, fmt.Sprintf("%s channel=%s ts=%s thread_ts=%s (%s) %q", c.Method, c.Channel, c.TS, c.ThreadTS, outcome, slackShorten(c.Text, 80)))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func slackShorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
