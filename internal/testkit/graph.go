package testkit

import (
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Defaults of the Graph fake; a test reads them through Graph's methods.
const (
	graphVersion       = "v23.0"
	graphPhoneNumberID = "106540352242922"
	graphAccessToken   = "test-whatsapp-access-token"
)

// Graph is a fake WhatsApp Cloud API messages endpoint, POST /{version}/{phone_number_id}/messages, speaking
// the wire format of the real one: Bearer auth, messaging_product, WhatsApp's limits, the success shapes with
// generated WAMIDs and {"error":{...}} bodies. It records every accepted request and can be told to fail.
// It is safe for concurrent use.
type Graph struct {
	server        *httptest.Server
	phoneNumberID string
	accessToken   string

	recorder
	requests int
	messages []GraphMessage
	dropped  []GraphMessage
	reads    []GraphRead
	failures []GraphFailure
	latency  time.Duration
	// users maps a phone (wa_id) to the business-scoped user ID LinkUser gave it.
	users map[string]string

	// Status webhooks and hanging sends (graph_status.go).
	statusOpts     *GraphStatuses
	statusURL      string
	statusFailures []graphStatusFailure
	statuses       []GraphStatusDelivery
	hangNext       int
	hung           int
	closed         chan struct{}

	// Media metadata and downloads (graph_media.go).
	graphMediaState
}

// GraphMessage is a message the Graph fake accepted.
type GraphMessage struct {
	// ID is the WAMID the fake returned.
	ID            string
	PhoneNumberID string
	// To is the "to" as the client sent it (perhaps with a "+"); empty for a send to a business-scoped
	// user ID.
	To string
	// Recipient is the "recipient" (a business-scoped user ID) as the client sent it, or "".
	Recipient string
	Type      string
	// Text is the body of a text message, or the body text of an interactive one.
	Text    string
	Buttons []GraphButton
	// ReplyTo is the WAMID in context.message_id, for a quoted reply.
	ReplyTo string
	// Template is the template name of a template message, TemplateLanguage its language code and
	// TemplateParams the texts of its body parameters.
	Template         string
	TemplateLanguage string
	TemplateParams   []string
	// CallbackData is the message's biz_opaque_callback_data, echoed in its status webhooks.
	CallbackData string
	// Body is the request body as received.
	Body json.RawMessage
	At   time.Time
}

// GraphButton is one reply button of an interactive message the Graph fake accepted.
type GraphButton struct {
	ID    string
	Title string
}

// GraphRead is a read receipt (status "read") the Graph fake accepted.
type GraphRead struct {
	MessageID string
	Typing    bool
	At        time.Time
}

// GraphFailure tells the Graph fake to answer message sends with an error instead of accepting them.
type GraphFailure struct {
	// To limits the failure to sends to this recipient, a phone or a business-scoped user ID (see
	// LinkUser); empty means any send.
	To string
	// Times is how many requests fail; 0 means every matching request until ClearFailures.
	Times int
	// Status is the HTTP status; 0 means 400.
	Status int
	// Code is the Graph error code in the body, such as 131047 (window closed) or 130429 (throughput).
	Code int
	// HTML answers with an HTML error page instead of a Graph error, as a proxy in front of Meta would.
	HTML bool
	// IncludeReads makes read receipts fail too.
	IncludeReads bool
}

// NewGraph starts a Graph fake that is closed when the test ends.
func NewGraph(t testing.TB) *Graph {
	t.Helper()
	g := &Graph{
		phoneNumberID: graphPhoneNumberID,
		accessToken:   graphAccessToken,
		closed:        make(chan struct{}),
		users:         map[string]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{version}/{phoneNumberID}/messages", g.handleMessages)
	g.startMedia(mux)
	t.Cleanup(g.mediaServer.Close)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeGraphError(w, http.StatusBadRequest, 100, "Unsupported request - method type: "+strings.ToLower(r.Method), "")
	})
	g.server = httptest.NewServer(mux)
	t.Cleanup(g.server.Close)
	// Runs before the server closes: hung requests and status deliveries end first.
	t.Cleanup(func() { close(g.closed) })
	return g
}

// URL is the Graph API base URL with the version, the value for WHATSAPP_API_URL.
func (g *Graph) URL() string { return g.server.URL + "/" + graphVersion }

// PhoneNumberID is the business phone number ID the fake serves, the value for WHATSAPP_PHONE_NUMBER_ID.
func (g *Graph) PhoneNumberID() string { return g.phoneNumberID }

// AccessToken is the token the fake accepts, the value for WHATSAPP_ACCESS_TOKEN.
func (g *Graph) AccessToken() string { return g.accessToken }

// Fail adds a failure rule. Rules are tried in the order they were added; the first that matches a request
// answers it.
func (g *Graph) Fail(f GraphFailure) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failures = append(g.failures, f)
}

// FailNext makes the next n message sends fail with the HTTP status and Graph error code.
func (g *Graph) FailNext(n, status, code int) {
	g.Fail(GraphFailure{Times: n, Status: status, Code: code})
}

// CloseWindow makes every free-form send to the recipient fail with 131047, as when the customer has not
// written for 24 hours, until ClearFailures. Templates still go through, as they do on WhatsApp.
func (g *Graph) CloseWindow(to string) {
	g.Fail(GraphFailure{To: to, Status: http.StatusBadRequest, Code: 131047})
}

// ClearFailures removes every failure rule.
func (g *Graph) ClearFailures() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failures = nil
}

// SetLatency delays every answer by d, to exercise client timeouts.
func (g *Graph) SetLatency(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.latency = d
}

// Requests counts every request to the messages endpoint, including refused and failed ones.
func (g *Graph) Requests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

// LinkUser tells the fake that the customer with phone (wa_id) has the business-scoped user ID userID, as
// WhatsApp knows: send responses and status webhooks then carry both, and Messages, WaitForMessages and
// failure rules find the customer's messages by either.
func (g *Graph) LinkUser(phone, userID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.users[whatsAppRecipient(phone)] = userID
}

// Dropped returns the messages whose "to" held a business-scoped user ID: WhatsApp answers them 200 with a
// message id, reads the BSUID as a phone number and delivers nothing, and so does the fake (no status
// webhooks either). They are never among Messages.
func (g *Graph) Dropped() []GraphMessage {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]GraphMessage(nil), g.dropped...)
}

// Messages returns the accepted messages to the recipient, or all of them for "". The recipient is a phone
// (with or without "+") or a business-scoped user ID; either finds the messages sent to the other when
// LinkUser linked them.
func (g *Graph) Messages(to string) []GraphMessage {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.messagesTo(to)
}

// Reads returns the accepted read receipts.
func (g *Graph) Reads() []GraphRead {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]GraphRead(nil), g.reads...)
}

// WaitForMessages waits until at least n messages to the recipient (a phone or a business-scoped user ID as
// for Messages; "" for anyone) have been accepted and
// returns all of them; after timeout it fails the test. Call it from the test's goroutine.
func (g *Graph) WaitForMessages(t testing.TB, to string, n int, timeout time.Duration) []GraphMessage {
	t.Helper()
	var got []GraphMessage
	g.wait(timeout, func() bool {
		got = g.messagesTo(to)
		return len(got) >= n
	})
	if len(got) < n {
		t.Fatalf("whatsapp graph fake: %d messages to %q after %v, want %d: %s", len(got), to, timeout, n, describeGraphMessages(got))
	}
	return got
}

// WaitForReads waits until at least n read receipts have been accepted and returns all of them; after
// timeout it fails the test. Call it from the test's goroutine.
func (g *Graph) WaitForReads(t testing.TB, n int, timeout time.Duration) []GraphRead {
	t.Helper()
	var got []GraphRead
	g.wait(timeout, func() bool {
		got = append([]GraphRead(nil), g.reads...)
		return len(got) >= n
	})
	if len(got) < n {
		t.Fatalf("whatsapp graph fake: %d read receipts after %v, want %d", len(got), timeout, n)
	}
	return got
}

func (g *Graph) messagesTo(to string) []GraphMessage {
	var out []GraphMessage
	for _, m := range g.messages {
		if to == "" || g.isFor(m.To, m.Recipient, to) {
			out = append(out, m)
		}
	}
	return out
}

// isFor reports whether a message sent with the "to" and "recipient" reaches the customer known by key, a
// phone or a business-scoped user ID. The caller holds g.mu.
func (g *Graph) isFor(to, recipient, key string) bool {
	key = whatsAppRecipient(key)
	phone := whatsAppRecipient(to)
	userID := recipient
	if phone != "" {
		userID = g.users[phone]
	}
	if key == phone || (userID != "" && key == userID) {
		return true
	}
	// A send to the user ID reaches the phone linked to it.
	return phone == "" && userID != "" && g.users[key] == userID
}

// graphRequest is the union of the request bodies the fake understands.
type graphRequest struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type"`
	To               string `json:"to"`
	Recipient        string `json:"recipient"`
	Type             string `json:"type"`
	Status           string `json:"status"`
	MessageID        string `json:"message_id"`
	TypingIndicator  *struct {
		Type string `json:"type"`
	} `json:"typing_indicator"`
	Context *struct {
		MessageID string `json:"message_id"`
	} `json:"context"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type string `json:"type"`
		Body *struct {
			Text string `json:"text"`
		} `json:"body"`
		Action struct {
			Buttons []struct {
				Type  string `json:"type"`
				Reply struct {
					ID    string `json:"id"`
					Title string `json:"title"`
				} `json:"reply"`
			} `json:"buttons"`
		} `json:"action"`
	} `json:"interactive"`
	Template *struct {
		Name     string `json:"name"`
		Language *struct {
			Code string `json:"code"`
		} `json:"language"`
		Components []struct {
			Type       string `json:"type"`
			Parameters []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"parameters"`
		} `json:"components"`
	} `json:"template"`
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data"`
}

func (g *Graph) handleMessages(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	g.mu.Lock()
	g.requests++
	latency := g.latency
	g.mu.Unlock()
	// Reading the body first lets the server notice a client that gives up during the delay.
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if err != nil {
		writeGraphError(w, http.StatusBadRequest, 100, "Invalid parameter", "Request body could not be read.")
		return
	}

	if r.Header.Get("Authorization") != "Bearer "+g.accessToken {
		writeGraphError(w, http.StatusUnauthorized, 190, "Invalid OAuth access token - Cannot parse access token", "")
		return
	}
	if id := r.PathValue("phoneNumberID"); id != g.phoneNumberID {
		writeGraphError(w, http.StatusBadRequest, 100,
			fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation", id), "")
		return
	}
	var req graphRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeGraphError(w, http.StatusBadRequest, 100, "Invalid parameter", "Request body is not valid JSON.")
		return
	}
	if req.MessagingProduct != "whatsapp" {
		writeGraphError(w, http.StatusBadRequest, 100, "The parameter messaging_product is required.", "")
		return
	}
	isRead := req.Status == "read"
	if f, ok := g.takeFailure(req.To, req.Recipient, isRead, req.Type == "template"); ok {
		writeGraphFailure(w, f)
		return
	}
	if isRead {
		g.acceptRead(w, req, at)
		return
	}
	g.acceptMessage(w, r, req, body, at)
}

// takeFailure returns the first failure rule matching a request, using up one of its times.
func (g *Graph) takeFailure(to, recipient string, isRead, isTemplate bool) (GraphFailure, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, f := range g.failures {
		if isRead && !f.IncludeReads {
			continue
		}
		if isTemplate && f.Code == 131047 {
			continue // a closed window still lets approved templates through
		}
		if f.To != "" && !g.isFor(to, recipient, f.To) {
			continue
		}
		if f.Times > 0 {
			g.failures[i].Times--
			if g.failures[i].Times == 0 {
				g.failures = append(g.failures[:i:i], g.failures[i+1:]...)
			}
		}
		return f, true
	}
	return GraphFailure{}, false
}

func (g *Graph) acceptRead(w http.ResponseWriter, req graphRequest, at time.Time) {
	if req.MessageID == "" {
		writeGraphError(w, http.StatusBadRequest, 100, "Invalid parameter", "The parameter message_id is required.")
		return
	}
	g.record(func() {
		g.reads = append(g.reads, GraphRead{MessageID: req.MessageID, Typing: req.TypingIndicator != nil, At: at})
	})
	writeGraphJSON(w, http.StatusOK, map[string]any{"success": true})
}

func (g *Graph) acceptMessage(w http.ResponseWriter, r *http.Request, req graphRequest, body []byte, at time.Time) {
	msg := GraphMessage{PhoneNumberID: g.phoneNumberID, To: req.To, Recipient: req.Recipient, Type: req.Type,
		CallbackData: req.BizOpaqueCallbackData, Body: body, At: at}
	if msg.Type == "" {
		msg.Type = "text"
	}
	if req.Context != nil {
		msg.ReplyTo = req.Context.MessageID
	}
	if problem := validateGraphMessage(req, &msg); problem != "" {
		writeGraphError(w, http.StatusBadRequest, 100, "Invalid parameter", problem)
		return
	}
	msg.ID = newOutboundWAMID()
	phone := whatsAppRecipient(req.To)
	if isWhatsAppUserID(phone) {
		// WhatsApp strips the country prefix, reads the rest as a phone number and delivers nothing.
		g.record(func() { g.dropped = append(g.dropped, msg) })
		writeGraphSent(w, msg, map[string]string{"input": req.To, "wa_id": phone[3:]})
		return
	}
	var hang bool
	var statusFailure int
	contact := map[string]string{"input": req.To}
	g.record(func() {
		g.messages = append(g.messages, msg)
		if hang = g.hangNext > 0; hang {
			g.hangNext--
			g.hung++
		}
		statusFailure = g.takeStatusFailure(msg)
		if phone != "" {
			contact["wa_id"] = phone
			if userID := g.users[phone]; userID != "" {
				contact["user_id"] = userID
			}
		} else {
			contact["input"], contact["user_id"] = req.Recipient, req.Recipient
		}
	})
	g.reportStatuses(msg, contact["user_id"], statusFailure)
	if hang {
		// WhatsApp has the message; the sender never hears so.
		select {
		case <-r.Context().Done():
		case <-g.closed:
		}
		return
	}
	writeGraphSent(w, msg, contact)
}

// writeGraphSent writes the success body of a send.
func writeGraphSent(w http.ResponseWriter, msg GraphMessage, contact map[string]string) {
	sent := map[string]any{"id": msg.ID}
	if msg.Type == "template" {
		sent["message_status"] = "accepted"
	}
	writeGraphJSON(w, http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []map[string]string{contact},
		"messages":          []map[string]any{sent},
	})
}

// validateGraphMessage enforces WhatsApp's limits and fills msg from req. It returns what is wrong, or "".
func validateGraphMessage(req graphRequest, msg *GraphMessage) string {
	if req.RecipientType != "" && req.RecipientType != "individual" {
		return "Param recipient_type must be individual."
	}
	if whatsAppRecipient(req.To) == "" {
		switch {
		case req.Recipient == "":
			return "The parameter to is required."
		case !isWhatsAppUserID(req.Recipient):
			return "Param recipient must be a valid business-scoped user ID."
		}
	}
	if utf8.RuneCountInString(req.BizOpaqueCallbackData) > 512 {
		return "Param biz_opaque_callback_data must be at most 512 characters long."
	}
	switch msg.Type {
	case "text":
		if req.Text == nil || strings.TrimSpace(req.Text.Body) == "" {
			return "Param text['body'] is required."
		}
		if utf8.RuneCountInString(req.Text.Body) > 4096 {
			return "Param text['body'] must be at most 4096 characters long."
		}
		msg.Text = req.Text.Body
	case "interactive":
		if req.Interactive == nil {
			return "Param interactive is required."
		}
		if req.Interactive.Body == nil || strings.TrimSpace(req.Interactive.Body.Text) == "" {
			return "Param interactive['body']['text'] is required."
		}
		msg.Text = req.Interactive.Body.Text
		if req.Interactive.Type != "button" {
			return ""
		}
		if utf8.RuneCountInString(msg.Text) > 1024 {
			return "Param interactive['body']['text'] must be at most 1024 characters long."
		}
		buttons := req.Interactive.Action.Buttons
		if len(buttons) < 1 || len(buttons) > 3 {
			return "Param interactive['action']['buttons'] must have between 1 and 3 elements."
		}
		titles, ids := map[string]bool{}, map[string]bool{}
		for i, b := range buttons {
			title, id := b.Reply.Title, b.Reply.ID
			switch {
			case b.Type != "reply":
				return fmt.Sprintf("Param interactive['action']['buttons'][%d]['type'] must be reply.", i)
			case strings.TrimSpace(title) == "" || utf8.RuneCountInString(title) > 20:
				return fmt.Sprintf("Param interactive['action']['buttons'][%d]['reply']['title'] must be between 1 and 20 characters long.", i)
			case strings.TrimSpace(id) == "" || utf8.RuneCountInString(id) > 256:
				return fmt.Sprintf("Param interactive['action']['buttons'][%d]['reply']['id'] must be between 1 and 256 characters long.", i)
			case titles[title]:
				return "Button title must be unique."
			case ids[id]:
				return "Button id must be unique."
			}
			titles[title], ids[id] = true, true
			msg.Buttons = append(msg.Buttons, GraphButton{ID: id, Title: title})
		}
	case "template":
		if req.Template == nil || req.Template.Name == "" {
			return "Param template['name'] is required."
		}
		if req.Template.Language == nil || req.Template.Language.Code == "" {
			return "Param template['language']['code'] is required."
		}
		msg.Template, msg.TemplateLanguage = req.Template.Name, req.Template.Language.Code
		for _, c := range req.Template.Components {
			if c.Type != "body" {
				continue
			}
			for _, p := range c.Parameters {
				if p.Type != "text" || strings.TrimSpace(p.Text) == "" {
					return "Param template['components'][0]['parameters'] must be non-empty text."
				}
				if strings.ContainsAny(p.Text, "\n\t") || strings.Contains(p.Text, "     ") {
					return "Param text cannot have new-line/tab characters or more than 4 consecutive spaces."
				}
				msg.TemplateParams = append(msg.TemplateParams, p.Text)
			}
		}
	}
	return ""
}

func (g *Graph) record(add func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	add()
	g.notify()
}

// graphErrorText returns the message and details Meta sends with the error codes tests program most.
func graphErrorText(code int) (message, details string) {
	switch code {
	case 1:
		return "An unknown error occurred", ""
	case 2:
		return "Service temporarily unavailable", ""
	case 100:
		return "Invalid parameter", ""
	case 190:
		return "Invalid OAuth access token - Cannot parse access token", ""
	case 130429:
		return "Rate limit hit", "Cloud API message throughput has been reached."
	case 131000:
		return "Something went wrong", "Message failed to send due to an unknown error."
	case 131026:
		return "Message Undeliverable", "Message Undeliverable."
	case 131030:
		return "Recipient phone number not in allowed list", "Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again."
	case 131049:
		return "This message was not delivered to maintain healthy ecosystem engagement.", "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."
	case 131051:
		return "Unsupported message type", "Message type is not currently supported."
	case 131053:
		return "Media upload error", "Unable to upload the media used in the message."
	case 131047:
		return "Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
	case 131048:
		return "Spam rate limit hit", "Message failed to send because there are restrictions on how many messages can be sent from this phone number."
	case 131056:
		return "(Business Account, Consumer Account) pair rate limit hit", "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."
	case 131057:
		return "Account in maintenance mode", "Business account is in maintenance mode."
	default:
		return "Error", ""
	}
}

func writeGraphFailure(w http.ResponseWriter, f GraphFailure) {
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	if f.HTML {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		text := fmt.Sprintf("%d %s", status, http.StatusText(status))
		fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n</body>\r\n</html>\r\n", text, text)
		return
	}
	message, details := graphErrorText(f.Code)
	writeGraphError(w, status, f.Code, message, details)
}

// writeGraphError writes the {"error":{...}} body of the Graph API.
func writeGraphError(w http.ResponseWriter, status, code int, message, details string) {
	body := map[string]any{
		"message":    fmt.Sprintf("(#%d) %s", code, message),
		"type":       "OAuthException",
		"code":       code,
		"fbtrace_id": "A" + whatsAppRandomToken(15),
	}
	if code == 190 {
		body["message"] = message
	}
	if details != "" {
		body["error_data"] = map[string]string{"messaging_product": "whatsapp", "details": details}
	}
	writeGraphJSON(w, status, map[string]any{"error": body})
}

func writeGraphJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// whatsAppRecipient returns a phone number as the digits WhatsApp uses for a wa_id.
func whatsAppRecipient(to string) string {
	return strings.TrimPrefix(strings.TrimSpace(to), "+")
}

// isWhatsAppUserID reports whether s has the shape of a business-scoped user ID: two capital letters, a dot
// and 1 to 128 letters and digits.
func isWhatsAppUserID(s string) bool {
	if len(s) < 4 || len(s) > 131 || s[2] != '.' || !isCapital(s[0]) || !isCapital(s[1]) {
		return false
	}
	for _, c := range []byte(s[3:]) {
		if !isCapital(c) && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isCapital(c byte) bool { return c >= 'A' && c <= 'Z' }

// newOutboundWAMID returns a unique message ID shaped like WhatsApp's.
func newOutboundWAMID() string {
	return "wamid.HBgL" + whatsAppRandomToken(40)
}

// whatsAppRandomToken returns n URL-safe random characters.
func whatsAppRandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

func describeGraphMessages(messages []GraphMessage) string {
	parts := make([]string, 0, len(messages))
	for _, m := range messages {
		parts = append(parts, fmt.Sprintf("%s to %s %q", m.Type, cmp.Or(m.To, m.Recipient), m.Text))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
