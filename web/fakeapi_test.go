package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// fakeBackend is an in-memory stand-in for the gateway as the two pages see it: the agent API under /api/,
// the simulator API under /simulator/api/, and the pages themselves at /agent/ and /simulator/. It speaks
// the same JSON as the real server, records what the pages post, and plays a tiny bot that offers a person
// with reply buttons, so that a browser test can run the whole loop with no Temporal, Redis or WhatsApp.
type fakeBackend struct {
	mu      sync.Mutex
	token   string
	now     func() time.Time
	convs   map[string]*fakeConversation
	sim     []simMessage
	replies []fakeReply
	actions []fakeAction
	sends   []simSendRequest
	// streams are the consoles' open event streams; streamed is what each conversation's row was when it
	// was last sent on them.
	streams  map[chan []byte]struct{}
	streamed map[string]string
	// blockEvents answers the event stream 502, as a proxy that does not pass it; lists counts list reads.
	blockEvents bool
	lists       int
	// replyKeys is the Idempotency-Key of every reply request, "" for none; sentKeys are the keys of the
	// replies sent, whose repeats are answered as the first was and send nothing; lostAnswers is how many of
	// the next replies sent are answered 504 all the same, as by a proxy that gave up waiting.
	replyKeys   []string
	sentKeys    map[string]bool
	lostAnswers int
}

// fakeConversation is the fake's state of one customer.
type fakeConversation struct {
	phone, name, status, assignee string
	reason, summary, note         string
	handoffAt, lastActivity       time.Time
	transcript                    []transcriptEntry
}

// fakeReply is an agent reply the fake accepted.
type fakeReply struct{ Phone, Agent, Text string }

// fakeAction is a takeover, return-to-bot or keep the fake accepted.
type fakeAction struct{ Phone, Action, Agent string }

// conversationJSON is one conversation on the wire, in the list (no transcript) and alone (with it).
type conversationJSON struct {
	Phone              string            `json:"phone"`
	Name               string            `json:"name"`
	Status             string            `json:"status"`
	Assignee           string            `json:"assignee"`
	HandoffReason      string            `json:"handoff_reason"`
	HandoffReasonLabel string            `json:"handoff_reason_label"`
	Summary            string            `json:"summary"`
	LastMessage        string            `json:"last_message,omitempty"`
	LastActivity       string            `json:"last_activity,omitempty"`
	HandoffAt          string            `json:"handoff_at,omitempty"`
	TemporalURL        string            `json:"temporal_url"`
	OutOfHoursNote     string            `json:"out_of_hours_note,omitempty"`
	Transcript         []transcriptEntry `json:"transcript,omitempty"`
}

// transcriptEntry is one line of a transcript on the wire.
type transcriptEntry struct {
	From     string `json:"from"`
	Text     string `json:"text"`
	At       string `json:"at"`
	Agent    string `json:"agent,omitempty"`
	Delivery string `json:"delivery,omitempty"`
	Error    string `json:"error,omitempty"`
}

// simMessage is one message of the simulator's feed on the wire.
type simMessage struct {
	Seq       int         `json:"seq"`
	Direction string      `json:"direction"`
	From      string      `json:"from"`
	Type      string      `json:"type"`
	Text      string      `json:"text"`
	Buttons   []simButton `json:"buttons,omitempty"`
	At        string      `json:"at"`
	phone     string
}

// simButton is a reply button on the wire.
type simButton struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// simSendRequest is the body of POST /simulator/api/send.
type simSendRequest struct {
	Phone       string `json:"phone"`
	Name        string `json:"name"`
	Text        string `json:"text"`
	ButtonID    string `json:"button_id"`
	ButtonTitle string `json:"button_title"`
}

var reasonLabels = map[string]string{
	"refund_request":  "Refund request",
	"human_requested": "Asked for a person",
	"complaint":       "Complaint (damaged, missing or wrong item, poor service)",
	"agent_takeover":  "Taken over by an agent",
}

var waID = regexp.MustCompile(`^[0-9]{7,15}$`)

func newFakeBackend(token string) *fakeBackend {
	return &fakeBackend{token: token, now: time.Now, convs: map[string]*fakeConversation{}, sentKeys: map[string]bool{}}
}

// seedDemo adds three conversations: an unassigned refund waiting 12 minutes, a complaint kept by Sipho
// that waits for confirmation after 48 minutes, and one the bot answers.
func (f *fakeBackend) seedDemo() {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	ago := func(m int) time.Time { return now.Add(-time.Duration(m) * time.Minute) }

	f.convs["27823334444"] = &fakeConversation{
		phone: "27823334444", name: "Ayesha", status: "handoff", reason: "refund_request",
		summary:   "Order #1042 arrived late; the customer wants a refund of R450 to her card.",
		handoffAt: ago(12), lastActivity: ago(11),
		transcript: []transcriptEntry{
			entry("customer", "Hi, my order #1042 came 5 days late", ago(14), ""),
			entry("bot", "I'm sorry about the delay. How can I help?", ago(14), ""),
			entry("customer", "I want a refund please", ago(12), ""),
			entry("system", "Handed to a person: Refund request", ago(12), ""),
			entry("customer", "Hello? Anyone there?", ago(11), ""),
		},
	}
	f.convs["27829876543"] = &fakeConversation{
		phone: "27829876543", name: "Pieter", status: "awaiting_confirmation", assignee: "Sipho",
		reason: "complaint", summary: "The kettle arrived with a cracked lid; Sipho offered a replacement.",
		handoffAt: ago(48), lastActivity: ago(40),
		transcript: []transcriptEntry{
			entry("customer", "The kettle I got has a cracked lid. Not happy.", ago(48), ""),
			entry("system", "Handed to a person: Complaint", ago(48), ""),
			entry("agent", "Sorry Pieter! I'll send a replacement today.", ago(41), "Sipho"),
			entry("customer", "Thanks", ago(40), ""),
			failed(entry("agent", "The courier comes tomorrow at 10.", ago(39), "Sipho"), "the customer's phone is off WhatsApp or cannot receive messages"),
		},
	}
	f.convs["27825550101"] = &fakeConversation{
		phone: "27825550101", name: "Lerato", status: "active", lastActivity: ago(3),
		transcript: []transcriptEntry{
			entry("customer", "What are your trading hours?", ago(3), ""),
			entry("bot", "We're open Monday to Friday 08:00-17:00 and Saturday 09:00-13:00.", ago(3), ""),
		},
	}
}

// failed marks an outbound line as WhatsApp reports a failed delivery.
func failed(e transcriptEntry, reason string) transcriptEntry {
	e.Delivery, e.Error = "failed", reason
	return e
}

func entry(from, text string, at time.Time, agent string) transcriptEntry {
	return transcriptEntry{From: from, Text: text, At: at.UTC().Format(time.RFC3339), Agent: agent}
}

// setToken changes the agent token, as an operator rotating AGENT_API_TOKEN would (restarting the gateways,
// which ends the consoles' event streams).
func (f *fakeBackend) setToken(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = token
	for ch := range f.streams {
		close(ch)
	}
	f.streams = nil
}

// events is the consoles' event stream, as the gateway serves it: ready, then each changed row.
func (f *fakeBackend) events(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	blocked := f.blockEvents
	f.mu.Unlock()
	if blocked {
		writeError(w, http.StatusBadGateway, "bad gateway")
		return
	}
	ch := make(chan []byte, 64)
	f.mu.Lock()
	if f.streams == nil {
		f.streams = map[chan []byte]struct{}{}
	}
	f.streams[ch] = struct{}{}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.streams, ch)
		f.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprint(w, "retry: 1000\n\nevent: ready\ndata: {}\n\n")
	w.(http.Flusher).Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case frame, ok := <-ch:
			if !ok {
				return
			}
			_, _ = w.Write(frame)
			w.(http.Flusher).Flush()
		}
	}
}

// changes runs next, then sends every conversation row it changed on the event streams, as the workflows'
// mirror does.
func (f *fakeBackend) changes(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next(w, r)
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.streamed == nil {
			f.streamed = map[string]string{}
		}
		for phone, c := range f.convs {
			row, _ := json.Marshal(c.json(false))
			if f.streamed[phone] == string(row) {
				continue
			}
			f.streamed[phone] = string(row)
			for ch := range f.streams {
				select {
				case ch <- fmt.Appendf(nil, "event: conversation\ndata: %s\n\n", row):
				default:
				}
			}
		}
	}
}

// handler serves the pages and both APIs on the paths the gateway uses.
func (f *fakeBackend) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/agent/", http.StripPrefix("/agent/", Console()))
	mux.Handle("/simulator/", http.StripPrefix("/simulator/", Simulator()))
	mux.HandleFunc("GET /api/events", f.authorized(f.events))
	mux.HandleFunc("GET /api/conversations", f.authorized(f.list))
	mux.HandleFunc("GET /api/conversations/{phone}", f.authorized(f.get))
	mux.HandleFunc("POST /api/conversations/{phone}/{action}", f.authorized(f.changes(f.act)))
	mux.HandleFunc("POST /simulator/api/send", f.changes(f.simSend))
	mux.HandleFunc("GET /simulator/api/messages", f.simMessages)
	return mux
}

func (f *fakeBackend) authorized(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		want := "Bearer " + f.token
		f.mu.Unlock()
		if r.Header.Get("Authorization") != want {
			writeError(w, http.StatusUnauthorized, "missing or wrong agent token")
			return
		}
		next(w, r)
	}
}

func (f *fakeBackend) list(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	out := []conversationJSON{}
	for _, c := range f.convs {
		if status == "" || c.status == status {
			out = append(out, c.json(false))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LastActivity > out[j].LastActivity })
	writeJSON(w, http.StatusOK, out)
}

func (f *fakeBackend) get(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.convs[r.PathValue("phone")]
	if !ok {
		writeError(w, http.StatusNotFound, "no conversation with this number")
		return
	}
	writeJSON(w, http.StatusOK, c.json(true))
}

func (f *fakeBackend) act(w http.ResponseWriter, r *http.Request) {
	var body struct{ Agent, Text string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "body must be JSON")
		return
	}
	agent := strings.TrimSpace(body.Agent)
	if agent == "" {
		writeError(w, http.StatusBadRequest, "agent is required")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.convs[r.PathValue("phone")]
	if !ok {
		writeError(w, http.StatusNotFound, "no conversation with this number")
		return
	}
	action := r.PathValue("action")
	now := f.now()
	switch action {
	case "takeover":
		if c.assignee != "" && c.assignee != agent {
			writeError(w, http.StatusConflict, "already taken by "+c.assignee)
			return
		}
		if c.status == "active" {
			c.reason, c.handoffAt = "agent_takeover", now
		}
		c.status, c.assignee = "handoff", agent
		c.add(entry("system", agent+" took over", now, ""))
	case "reply":
		key := r.Header.Get("Idempotency-Key")
		f.replyKeys = append(f.replyKeys, key)
		if key != "" && f.sentKeys[key] {
			writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
			return
		}
		text := strings.TrimSpace(body.Text)
		switch {
		case text == "":
			writeError(w, http.StatusBadRequest, "text is empty")
			return
		case utf8.RuneCountInString(text) > 4096:
			writeError(w, http.StatusBadRequest, "text is longer than 4096 characters")
			return
		case c.status == "active":
			writeError(w, http.StatusConflict, "the bot holds this conversation: take it over first")
			return
		case c.assignee != "" && c.assignee != agent:
			writeError(w, http.StatusConflict, "already taken by "+c.assignee)
			return
		}
		c.assignee = agent
		c.add(entry("agent", text, now, agent))
		f.pushSim(c.phone, "out", "business", text, nil)
		f.replies = append(f.replies, fakeReply{Phone: c.phone, Agent: agent, Text: text})
		f.actions = append(f.actions, fakeAction{Phone: c.phone, Action: action, Agent: agent})
		if key != "" {
			f.sentKeys[key] = true
		}
		if f.lostAnswers > 0 {
			f.lostAnswers--
			writeError(w, http.StatusGatewayTimeout, "the gateway did not answer in time")
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
		return
	case "return-to-bot":
		c.status, c.assignee, c.reason, c.summary, c.handoffAt = "active", "", "", "", time.Time{}
		c.add(entry("system", agent+" returned the conversation to the bot", now, ""))
		f.botSays(c, "You're chatting with our assistant again. Ask me anything.", nil)
	case "keep":
		if c.status != "awaiting_confirmation" {
			writeError(w, http.StatusConflict, "nothing to confirm: the conversation is not awaiting confirmation")
			return
		}
		c.status, c.assignee = "handoff", agent
		c.add(entry("system", agent+" kept the conversation", now, ""))
	default:
		writeError(w, http.StatusNotFound, "unknown action "+action)
		return
	}
	f.actions = append(f.actions, fakeAction{Phone: c.phone, Action: action, Agent: agent})
	writeJSON(w, http.StatusOK, c.json(true))
}

// simSend takes a customer message, as the gateway would after a signed webhook, and lets the fake bot
// answer while the conversation is with the bot.
func (f *fakeBackend) simSend(w http.ResponseWriter, r *http.Request) {
	var req simSendRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "body must be JSON")
		return
	}
	text := strings.TrimSpace(req.Text)
	if req.ButtonID != "" {
		text = req.ButtonTitle
	}
	switch {
	case !waID.MatchString(req.Phone):
		writeError(w, http.StatusBadRequest, "phone must be 7 to 15 digits")
		return
	case text == "":
		writeError(w, http.StatusBadRequest, "text or button_id is required")
		return
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	f.sends = append(f.sends, req)
	c, ok := f.convs[req.Phone]
	if !ok {
		c = &fakeConversation{phone: req.Phone, status: "active"}
		f.convs[req.Phone] = c
	}
	if req.Name != "" {
		c.name = req.Name
	}
	now := f.now()
	c.add(entry("customer", text, now, ""))
	seq := f.pushSim(req.Phone, "in", "customer", text, nil)

	if c.status == "active" {
		switch req.ButtonID {
		case "handoff_yes":
			c.status, c.reason, c.handoffAt = "handoff", "human_requested", now
			c.summary = "The customer asked for a person after: " + firstCustomerText(c)
			c.add(entry("system", "Handed to a person: Asked for a person", now, ""))
			f.botSays(c, "Connecting you with a person. They will reply here shortly.", nil)
		case "handoff_no":
			f.botSays(c, "No problem. Ask me anything about orders, delivery or returns.", nil)
		default:
			f.botSays(c, "Thanks for your message. I can help with orders, delivery and returns. "+
				"Would you like to talk to a person?", []simButton{
				{ID: "handoff_yes", Title: "Yes, a person"},
				{ID: "handoff_no", Title: "No, thanks"},
			})
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": "wamid.fake." + strconv.Itoa(seq)})
}

func (f *fakeBackend) simMessages(w http.ResponseWriter, r *http.Request) {
	phone := r.URL.Query().Get("phone")
	if !waID.MatchString(phone) {
		writeError(w, http.StatusBadRequest, "phone must be 7 to 15 digits")
		return
	}
	after, _ := strconv.Atoi(r.URL.Query().Get("after"))
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []simMessage{}
	for _, m := range f.sim {
		if m.phone == phone && m.Seq > after {
			out = append(out, m)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}

// botSays records a bot message in the transcript and delivers it to the simulator. The caller holds f.mu.
func (f *fakeBackend) botSays(c *fakeConversation, text string, buttons []simButton) {
	c.add(entry("bot", text, f.now(), ""))
	f.pushSim(c.phone, "out", "business", text, buttons)
}

// pushSim appends to the simulator feed and returns the new message's seq. The caller holds f.mu.
func (f *fakeBackend) pushSim(phone, direction, from, text string, buttons []simButton) int {
	m := simMessage{
		Seq: len(f.sim) + 1, Direction: direction, From: from, Type: "text", Text: text,
		At: f.now().UTC().Format(time.RFC3339), phone: phone,
	}
	if len(buttons) > 0 {
		m.Type, m.Buttons = "buttons", buttons
	}
	f.sim = append(f.sim, m)
	return m.Seq
}

// loseReplyAnswers makes the next n replies sent be answered 504.
func (f *fakeBackend) loseReplyAnswers(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lostAnswers = n
}

// keys returns the Idempotency-Key of every reply request so far.
func (f *fakeBackend) keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.replyKeys...)
}

// recorded returns copies of what the pages posted, for assertions.
func (f *fakeBackend) recorded() ([]fakeReply, []fakeAction, []simSendRequest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeReply(nil), f.replies...), append([]fakeAction(nil), f.actions...),
		append([]simSendRequest(nil), f.sends...)
}

func (c *fakeConversation) add(e transcriptEntry) {
	c.transcript = append(c.transcript, e)
	if at, err := time.Parse(time.RFC3339, e.At); err == nil {
		c.lastActivity = at
	}
}

func (c *fakeConversation) json(withTranscript bool) conversationJSON {
	out := conversationJSON{
		Phone: c.phone, Name: c.name, Status: c.status, Assignee: c.assignee,
		HandoffReason: c.reason, HandoffReasonLabel: reasonLabels[c.reason], Summary: c.summary,
		LastActivity:   c.lastActivity.UTC().Format(time.RFC3339),
		TemporalURL:    fmt.Sprintf("http://localhost:8233/namespaces/default/workflows/conversation-%s", c.phone),
		OutOfHoursNote: c.note,
	}
	if !c.handoffAt.IsZero() {
		out.HandoffAt = c.handoffAt.UTC().Format(time.RFC3339)
	}
	if n := len(c.transcript); n > 0 {
		out.LastMessage = c.transcript[n-1].Text
	}
	if withTranscript {
		out.Transcript = append([]transcriptEntry{}, c.transcript...)
	}
	return out
}

func firstCustomerText(c *fakeConversation) string {
	for _, e := range c.transcript {
		if e.From == "customer" {
			return e.Text
		}
	}
	return ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}
