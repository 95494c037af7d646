package slackapp

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/supportd/supportd/internal/testkit"
)

const (
	testSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	testURL    = "http://gateway.test/webhooks/slack/events"
)

func requestParts(t *testing.T, req *http.Request) (http.Header, []byte) {
	t.Helper()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatalf("read request body: %v", err)
	}
	return req.Header, body
}

func TestSignSlackMatchesSlackDocs(t *testing.T) {
	// The example of Slack's "Verifying requests from Slack" page: the fakes sign as Slack does.
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := testkit.SignSlack(testSecret, time.Unix(1531420618, 0), []byte(body))
	if want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; got != want {
		t.Errorf("SignSlack = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	body := testkit.SlackURLVerificationBody("challenge-1")
	now := time.Now()
	tests := []struct {
		name   string
		header func() http.Header
		body   []byte
		secret string
		want   error // nil: must pass; otherwise errors.Is target, or errAny
	}{
		{"valid", func() http.Header { return signed(testSecret, now, body) }, body, testSecret, nil},
		{"valid, clock 4 minutes apart", func() http.Header { return signed(testSecret, now.Add(-4*time.Minute), body) }, body, testSecret, nil},
		{"stale by 6 minutes", func() http.Header { return signed(testSecret, now.Add(-6*time.Minute), body) }, body, testSecret, slack.ErrExpiredTimestamp},
		{"6 minutes in the future", func() http.Header { return signed(testSecret, now.Add(6*time.Minute), body) }, body, testSecret, slack.ErrExpiredTimestamp},
		{"wrong secret", func() http.Header { return signed("another-secret", now, body) }, body, testSecret, slack.ErrInvalidSignature},
		{"body changed", func() http.Header { return signed(testSecret, now, body) }, append([]byte(" "), body...), testSecret, slack.ErrInvalidSignature},
		{"no signature", func() http.Header {
			h := signed(testSecret, now, body)
			h.Del("X-Slack-Signature")
			return h
		}, body, testSecret, slack.ErrMissingHeaders},
		{"no timestamp", func() http.Header {
			h := signed(testSecret, now, body)
			h.Del("X-Slack-Request-Timestamp")
			return h
		}, body, testSecret, slack.ErrMissingHeaders},
		{"no headers", func() http.Header { return http.Header{} }, body, testSecret, slack.ErrMissingHeaders},
		{"no v0= prefix", func() http.Header {
			h := signed(testSecret, now, body)
			h.Set("X-Slack-Signature", strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
			return h
		}, body, testSecret, slack.ErrInvalidSignature},
		{"v1= prefix", func() http.Header {
			h := signed(testSecret, now, body)
			h.Set("X-Slack-Signature", "v1="+strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
			return h
		}, body, testSecret, slack.ErrInvalidSignature},
		{"signature not hex", func() http.Header {
			h := signed(testSecret, now, body)
			h.Set("X-Slack-Signature", "v0=zz")
			return h
		}, body, testSecret, errAny},
		{"timestamp not a number", func() http.Header {
			h := signed(testSecret, now, body)
			h.Set("X-Slack-Request-Timestamp", "soon")
			return h
		}, body, testSecret, errAny},
		{"empty secret", func() http.Header { return signed("", now, body) }, body, "", ErrNoSigningSecret},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.header(), tc.body, tc.secret)
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("Verify refused a valid request: %v", err)
			case tc.want != nil && err == nil:
				t.Errorf("Verify accepted the request")
			case tc.want != nil && tc.want != errAny && !errors.Is(err, tc.want):
				t.Errorf("Verify error = %v, want %v", err, tc.want)
			}
		})
	}
}

// errAny stands for any error in a table of expected errors.
var errAny = errors.New("any error")

func signed(secret string, at time.Time, body []byte) http.Header {
	return http.Header{
		"X-Slack-Request-Timestamp": {strconv.FormatInt(at.Unix(), 10)},
		"X-Slack-Signature":         {testkit.SignSlack(secret, at, body)},
	}
}

func TestVerifyFakeRequests(t *testing.T) {
	p := testkit.SlackInteraction{UserID: "UAGENT1", ChannelID: testChannel, MessageTS: "1700000001.000100", ActionID: ActionTake, Value: testPhone}
	h, body := requestParts(t, testkit.SlackInteractionRequest(testURL, testSecret, p))
	if err := Verify(h, body, testSecret); err != nil {
		t.Errorf("interaction request refused: %v", err)
	}
	if ct := h.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("interaction content type = %q", ct)
	}
	h, body = requestParts(t, testkit.SlackEventRequest(testURL, testSecret, testkit.SlackMessageEvent{Channel: testChannel, User: "U1", Text: "hi"}.Body(), 2))
	if err := Verify(h, body, testSecret); err != nil {
		t.Errorf("event request refused: %v", err)
	}
	if h.Get("X-Slack-Retry-Num") != "2" || h.Get("X-Slack-Retry-Reason") != "http_timeout" {
		t.Errorf("retry headers = %v", h)
	}
	h, body = requestParts(t, testkit.SlackSignedRequest(testURL, testSecret, time.Now().Add(-6*time.Minute), "application/json", []byte("{}")))
	if err := Verify(h, body, testSecret); !errors.Is(err, slack.ErrExpiredTimestamp) {
		t.Errorf("stale request: %v", err)
	}
}

func TestParseInteraction(t *testing.T) {
	p := testkit.SlackInteraction{
		UserID: "UAGENT1", UserName: "alice", TeamID: "T1", ChannelID: testChannel, MessageTS: "1700000001.000100",
		ActionID: ActionTake, BlockID: "handoff:" + testPhone, Value: testPhone, ResponseURL: "https://hooks.slack.com/actions/T1/1/x",
	}
	got, err := ParseInteraction(p.Body())
	if err != nil {
		t.Fatalf("ParseInteraction: %v", err)
	}
	if got.Type != InteractionBlockActions || got.UserID != "UAGENT1" || got.UserName != "alice" || got.TeamID != "T1" ||
		got.ChannelID != testChannel || got.MessageTS != "1700000001.000100" || got.ThreadTS != "" ||
		got.ResponseURL != "https://hooks.slack.com/actions/T1/1/x" || got.TriggerID == "" {
		t.Errorf("interaction = %+v", got)
	}
	want := []Action{{ActionID: ActionTake, BlockID: "handoff:" + testPhone, Value: testPhone}}
	if len(got.Actions) == 1 && got.Actions[0].ActionTS == "" {
		t.Error("the press has no action_ts")
	}
	if len(got.Actions) == 1 {
		got.Actions[0].ActionTS = ""
	}
	if len(got.Actions) != 1 || got.Actions[0] != want[0] {
		t.Errorf("actions = %+v, want %+v", got.Actions, want)
	}

	// A press on the confirmation prompt, a reply in the card's thread.
	p.ActionID, p.MessageTS, p.ThreadTS = ActionKeep, "1700000009.000100", "1700000001.000100"
	got, err = ParseInteraction(p.Body())
	if err != nil {
		t.Fatalf("ParseInteraction: %v", err)
	}
	if got.MessageTS != "1700000009.000100" || got.ThreadTS != "1700000001.000100" || got.Actions[0].ActionID != ActionKeep {
		t.Errorf("prompt interaction = %+v", got)
	}
}

// formBody wraps a JSON payload as Slack's form body.
func formBody(payload string) []byte {
	return []byte(url.Values{"payload": {payload}}.Encode())
}

func TestParseInteractionEdgeCases(t *testing.T) {
	const press = `{"type":"block_actions","user":{"id":"U1","username":"alice","name":"alice","team_id":"T1"},` +
		`"container":{"type":"message","message_ts":"1.1","channel_id":"C1","is_ephemeral":false},"channel":{"id":"C1"},` +
		`"message":{"ts":"1.1","blocks":%s},"actions":[{"type":"button","action_id":"handoff_take","block_id":%s,"value":"27821234567"}]}`
	format := func(blocks, blockID string) string {
		return strings.Replace(strings.Replace(press, "%s", blocks, 1), "%s", blockID, 1)
	}

	// slack-go cannot decode this echo of the message, but the press is still read.
	got, err := ParseInteraction(formBody(format(`[{"type":"section","text":{"type":"mrkdwn","text":5}}]`, `"b1"`)))
	if err != nil {
		t.Fatalf("press on a message slack-go cannot decode: %v", err)
	}
	if got.UserID != "U1" || got.UserName != "alice" || got.ChannelID != "C1" || got.MessageTS != "1.1" ||
		len(got.Actions) != 1 || got.Actions[0] != (Action{ActionID: ActionTake, BlockID: "b1", Value: "27821234567"}) {
		t.Errorf("fallback interaction = %+v", got)
	}
	// Both decodings agree.
	clean, err := ParseInteraction(formBody(format(`[]`, `"b1"`)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(strings.Join([]string{clean.UserID, clean.UserName, clean.TeamID, clean.ChannelID, clean.MessageTS}, ",")) !=
		strings.Join([]string{got.UserID, got.UserName, got.TeamID, got.ChannelID, got.MessageTS}, ",") {
		t.Errorf("decodings differ: %+v vs %+v", clean, got)
	}

	// A non-string block_id is not a block action (as in slack-go).
	got, err = ParseInteraction(formBody(format(`[]`, `7`)))
	if err != nil || len(got.Actions) != 0 {
		t.Errorf("numeric block_id: %+v, %v", got, err)
	}

	// Other interaction types are reported, with no actions.
	got, err = ParseInteraction(formBody(`{"type":"view_closed","user":{"id":"U1"}}`))
	if err != nil || got.Type != "view_closed" || len(got.Actions) != 0 {
		t.Errorf("view_closed: %+v, %v", got, err)
	}

	for name, body := range map[string][]byte{
		"empty body":             nil,
		"no payload":             []byte("foo=bar"),
		"payload not JSON":       formBody("{not json"),
		"payload a string":       formBody(`"block_actions"`),
		"bad form escape":        []byte("payload=%zz"),
		"actions not a list":     formBody(`{"type":"block_actions","actions":{}}`),
		"user not an object":     formBody(`{"type":"block_actions","user":"U1"}`),
		"JSON, not form-encoded": []byte(`{"type":"block_actions"}`),
	} {
		if _, err := ParseInteraction(body); err == nil {
			t.Errorf("%s: ParseInteraction accepted %q", name, body)
		}
	}
}

func TestParseEvent(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want Event
		bot  bool
	}{
		{
			name: "url_verification",
			body: testkit.SlackURLVerificationBody("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
			want: Event{Kind: EventURLVerification, Type: "url_verification", Challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"},
		},
		{
			name: "agent reply in a thread",
			body: testkit.SlackMessageEvent{EventID: "Ev1", TeamID: "T1", Channel: "C1", User: "UAGENT1", Text: "Your refund is on its way",
				TS: "1700000005.000200", ThreadTS: "1700000001.000100"}.Body(),
			want: Event{Kind: EventMessage, Type: "message", EventID: "Ev1", TeamID: "T1", Channel: "C1", User: "UAGENT1",
				Text: "Your refund is on its way", TS: "1700000005.000200", ThreadTS: "1700000001.000100", ChannelType: "channel"},
		},
		{
			name: "the app's own post echoed",
			body: testkit.SlackMessageEvent{EventID: "Ev2", TeamID: "T1", Channel: "C1", User: "UBOT", Text: "*Customer:* hi",
				TS: "1700000006.000100", ThreadTS: "1700000001.000100", BotID: "B1"}.Body(),
			want: Event{Kind: EventMessage, Type: "message", EventID: "Ev2", TeamID: "T1", Channel: "C1", User: "UBOT",
				Text: "*Customer:* hi", TS: "1700000006.000100", ThreadTS: "1700000001.000100", BotID: "B1", ChannelType: "channel"},
			bot: true,
		},
		{
			name: "legacy bot_message",
			body: testkit.SlackMessageEvent{EventID: "Ev3", TeamID: "T1", Channel: "C1", Text: "beep", TS: "1.2", BotID: "B2", SubType: "bot_message"}.Body(),
			want: Event{Kind: EventMessage, Type: "message", EventID: "Ev3", TeamID: "T1", Channel: "C1", Text: "beep", TS: "1.2",
				BotID: "B2", SubType: "bot_message", ChannelType: "channel"},
			bot: true,
		},
		{
			name: "message_changed",
			body: testkit.SlackMessageEvent{EventID: "Ev4", TeamID: "T1", Channel: "C1", User: "UAGENT1", Text: "edited", TS: "1.3",
				ThreadTS: "1.1", SubType: "message_changed"}.Body(),
			want: Event{Kind: EventMessage, Type: "message", EventID: "Ev4", TeamID: "T1", Channel: "C1", TS: "1.3",
				SubType: "message_changed", ChannelType: "channel"},
			bot: true,
		},
		{
			name: "message_deleted",
			body: testkit.SlackMessageEvent{EventID: "Ev5", TeamID: "T1", Channel: "C1", User: "UAGENT1", Text: "gone", TS: "1.4", SubType: "message_deleted"}.Body(),
			want: Event{Kind: EventMessage, Type: "message", EventID: "Ev5", TeamID: "T1", Channel: "C1", TS: "1.4",
				SubType: "message_deleted", ChannelType: "channel"},
			bot: true,
		},
		{
			name: "reaction_added",
			body: testkit.SlackCallbackBody("Ev6", "T1", map[string]any{"type": "reaction_added", "user": "U1", "reaction": "eyes",
				"item": map[string]any{"type": "message", "channel": "C1", "ts": "1.1"}, "event_ts": "1.5"}),
			want: Event{Kind: EventIgnored, Type: "reaction_added", EventID: "Ev6", TeamID: "T1"},
		},
		{
			name: "an inner event type slack-go does not know",
			body: testkit.SlackCallbackBody("Ev7", "T1", map[string]any{"type": "brand_new_event", "x": 1}),
			want: Event{Kind: EventIgnored, Type: "brand_new_event", EventID: "Ev7", TeamID: "T1"},
		},
		{
			name: "a message with blocks slack-go cannot decode",
			body: testkit.SlackCallbackBody("Ev8", "T1", map[string]any{"type": "message", "channel": "C1", "user": "UAGENT1",
				"text": "still relayed", "ts": "1.6", "thread_ts": "1.1", "channel_type": "channel",
				"blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": 5}}}}),
			want: Event{Kind: EventMessage, Type: "message", EventID: "Ev8", TeamID: "T1", Channel: "C1", User: "UAGENT1",
				Text: "still relayed", TS: "1.6", ThreadTS: "1.1", ChannelType: "channel"},
		},
		{
			name: "an unknown inner event whose fields are not a message's",
			body: testkit.SlackCallbackBody("Ev9", "T1", map[string]any{"type": "brand_new_event", "user": 5, "ts": []any{1}}),
			want: Event{Kind: EventIgnored, Type: "brand_new_event", EventID: "Ev9", TeamID: "T1"},
		},
		{
			name: "a bot's message with blocks slack-go cannot decode",
			body: testkit.SlackCallbackBody("Ev10", "T1", map[string]any{"type": "message", "channel": "C1", "bot_id": "B1",
				"text": "*Customer:* hi", "ts": "1.7", "thread_ts": "1.1", "channel_type": "channel",
				"blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": 5}}}}),
			want: Event{Kind: EventMessage, Type: "message", EventID: "Ev10", TeamID: "T1", Channel: "C1", BotID: "B1",
				Text: "*Customer:* hi", TS: "1.7", ThreadTS: "1.1", ChannelType: "channel"},
			bot: true,
		},
		{
			name: "app_rate_limited",
			body: []byte(`{"token":"x","type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}`),
			want: Event{Kind: EventIgnored, Type: "app_rate_limited", TeamID: "T1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEvent(tc.body)
			if err != nil {
				t.Fatalf("ParseEvent: %v\n%s", err, tc.body)
			}
			if got != tc.want {
				t.Errorf("ParseEvent =\n%+v\nwant\n%+v", got, tc.want)
			}
			if got.Kind == EventMessage && IsFromBot(got) != tc.bot {
				t.Errorf("IsFromBot = %v, want %v", IsFromBot(got), tc.bot)
			}
		})
	}
}

func TestParseEventErrors(t *testing.T) {
	for name, body := range map[string]string{
		"empty":                    "",
		"not JSON":                 "{",
		"a list":                   "[]",
		"no type":                  "{}",
		"callback without event":   `{"type":"event_callback","event_id":"Ev1"}`,
		"callback, null event":     `{"type":"event_callback","event_id":"Ev1","event":null}`,
		"message with a bad user":  `{"type":"event_callback","event_id":"Ev1","event":{"type":"message","user":5}}`,
		"callback, event a number": `{"type":"event_callback","event_id":"Ev1","event":5}`,
		"message, blocks slack-go cannot decode, bad text": `{"type":"event_callback","event_id":"Ev1","event":{"type":"message","text":5,` +
			`"blocks":[{"type":"section","text":{"type":"mrkdwn","text":5}}]}}`,
	} {
		if ev, err := ParseEvent([]byte(body)); err == nil {
			t.Errorf("%s: ParseEvent accepted %q as %+v", name, body, ev)
		}
	}
}

func TestEventIsThreadReply(t *testing.T) {
	for _, tc := range []struct {
		ts, thread string
		want       bool
	}{
		{"1.2", "1.1", true},
		{"1.1", "1.1", false},
		{"1.1", "", false},
	} {
		if got := (Event{TS: tc.ts, ThreadTS: tc.thread}).IsThreadReply(); got != tc.want {
			t.Errorf("IsThreadReply(ts %s, thread %s) = %v", tc.ts, tc.thread, got)
		}
	}
}

func TestIsNote(t *testing.T) {
	for text, want := range map[string]bool{
		"// checking with the warehouse": true,
		"  //note":                       true,
		"//":                             true,
		"\n// on a new line":             true,
		"/ not a note":                   false,
		"see https://x.example//path":    false,
		"":                               false,
		"Your refund // is coming":       false,
	} {
		if got := IsNote(text); got != want {
			t.Errorf("IsNote(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestIsFromBot(t *testing.T) {
	for _, tc := range []struct {
		ev   Event
		want bool
	}{
		{Event{User: "U1"}, false},
		{Event{User: "U1", BotID: "B1"}, true},
		{Event{SubType: "bot_message"}, true},
		{Event{User: "U1", SubType: "message_changed"}, true},
		{Event{User: "U1", SubType: "thread_broadcast"}, true},
	} {
		if got := IsFromBot(tc.ev); got != tc.want {
			t.Errorf("IsFromBot(%+v) = %v, want %v", tc.ev, got, tc.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"Your refund is on its way":                           "Your refund is on its way",
		"See <https://shop.example/returns|our returns page>": "See our returns page (https://shop.example/returns)",
		"See <https://shop.example/returns>":                  "See https://shop.example/returns",
		"See <https://shop.example|shop.example>":             "See https://shop.example",
		"<http://x|y>": "y (http://x)",
		"Mail <mailto:help@shop.example|help@shop.example>": "Mail help@shop.example",
		"Mail <mailto:help@shop.example|our team>":          "Mail our team (help@shop.example)",
		"Call <tel:+27821234567|+27821234567>":              "Call +27821234567",
		"Ask <@U024BE7LH>":                                  "Ask @U024BE7LH",
		"Ask <@U024BE7LH|alice>":                            "Ask @alice",
		"In <#C123|general>":                                "In #general",
		"In <#C123>":                                        "In #C123",
		"<!here> and <!channel>":                            "@here and @channel",
		"<!subteam^S123|@support>":                          "@support",
		"On <!date^1392734382^{date}|Feb 18, 2014>":         "On Feb 18, 2014",
		"1 &lt; 2 &amp;&amp; 3 &gt; 2":                      "1 < 2 && 3 > 2",
		"&amp;lt; stays literal":                            "&lt; stays literal",
		"*bold* _italic_ ~strike~ `code`":                   "*bold* _italic_ ~strike~ `code`",
		"<https://x.example/?a=1&amp;b=2|link>":             "link (https://x.example/?a=1&b=2)",
		"no token < here":                                   "no token < here",
		"":                                                  "",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseInteraction(f *testing.F) {
	f.Add(testkit.SlackInteraction{UserID: "U1", ChannelID: "C1", MessageTS: "1.1", ActionID: ActionTake, Value: testPhone}.Body())
	f.Add(testkit.SlackInteraction{UserID: "U1", ChannelID: "C1", MessageTS: "1.2", ThreadTS: "1.1", ActionID: ActionKeep, Value: testPhone}.Body())
	f.Add(formBody(`{"type":"block_actions","actions":[{"block_id":1}],"message":{"blocks":[{"type":"section","text":{"text":5}}]}}`))
	f.Add(formBody(`{"type":"block_actions","container":{"attachment_id":""}}`))
	f.Add(formBody(`{"type":"view_submission","view":{"blocks":[{"type":"input"}]},"state":{"values":{"a":{"b":{"type":"x"}}}}}`))
	f.Add([]byte("payload=%zz"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := ParseInteraction(body)
		if err != nil && (in.Type != "" || len(in.Actions) != 0) {
			t.Fatalf("error %v with a result %+v", err, in)
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	f.Add(testkit.SlackURLVerificationBody("c"))
	f.Add(testkit.SlackMessageEvent{EventID: "Ev1", Channel: "C1", User: "U1", Text: "hi", TS: "1.2", ThreadTS: "1.1"}.Body())
	f.Add(testkit.SlackMessageEvent{EventID: "Ev2", Channel: "C1", Text: "hi", TS: "1.2", BotID: "B1"}.Body())
	f.Add(testkit.SlackMessageEvent{EventID: "Ev3", Channel: "C1", User: "U1", Text: "hi", TS: "1.2", SubType: "message_changed"}.Body())
	f.Add(testkit.SlackCallbackBody("Ev4", "T1", map[string]any{"type": "reaction_added"}))
	f.Add([]byte(`{"type":"event_callback","event":{"type":"message","blocks":[{"type":"rich_text","elements":[{"type":"x"}]}]}}`))
	f.Add([]byte(`{"type":"event_callback","event":null}`))
	f.Add([]byte(`{"type":"app_rate_limited"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseEvent(body)
		if err != nil && ev.Kind != "" {
			t.Fatalf("error %v with a result %+v", err, ev)
		}
		if err == nil && ev.Kind == "" {
			t.Fatalf("no error and no kind for %q", body)
		}
	})
}

func FuzzPlainText(f *testing.F) {
	for _, seed := range []string{"<http://x|y>", "<@U1|a>", "<!date^1^{date}|d>", "&amp;lt;", "<<>>", "<mailto:|>", "<!>", "<@>", "<#>"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		_ = PlainText(text)
	})
}

func FuzzVerify(f *testing.F) {
	body := testkit.SlackURLVerificationBody("c")
	h := signed(testSecret, time.Now(), body)
	f.Add(body, h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp"))
	f.Add([]byte("x"), "v0=", "0")
	f.Fuzz(func(t *testing.T, body []byte, signature, timestamp string) {
		header := http.Header{"X-Slack-Signature": {signature}, "X-Slack-Request-Timestamp": {timestamp}}
		if Verify(header, body, testSecret) == nil && signature != testkit.SignSlack(testSecret, parseUnix(timestamp), body) {
			t.Fatalf("Verify accepted a signature it did not make: %q", signature)
		}
	})
}

func parseUnix(s string) time.Time {
	n, _ := strconv.ParseInt(s, 10, 64)
	return time.Unix(n, 0)
}
