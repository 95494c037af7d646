// Package simulator is the built-in WhatsApp customer for `supportd dev` without WhatsApp credentials: the
// business's outbound messages land in an outbox instead of the Graph API, and a phone-like page sends
// properly signed webhooks through the real gateway path.
package simulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/supportd/supportd/workflows/conversation"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/whatsapp"
)

// PhoneNumberID is the business number the simulated customers write to.
const PhoneNumberID = "100000000000001"

const (
	seqKey      = "simulator:seq"
	keyPrefix   = "simulator:messages:"
	keepPerChat = 500
)

// Message is one message of a simulated chat.
type Message struct {
	Seq       int64                 `json:"seq"`
	ID        string                `json:"id"`
	Direction string                `json:"direction"`          // in: from the customer; out: from the business
	From      string                `json:"from"`               // customer or business
	Type      string                `json:"type"`               // text, buttons or template
	Template  string                `json:"template,omitempty"` // a template's name
	Text      string                `json:"text"`
	Buttons   []conversation.Button `json:"buttons,omitempty"`
	At        time.Time             `json:"at"`
}

// Outbox keeps simulated chats in Redis and delivers the business's messages to them. It implements
// conversation.Sender with WhatsApp's limits.
type Outbox struct {
	rdb redis.UniversalClient
}

// NewOutbox returns an outbox over Redis.
func NewOutbox(rdb redis.UniversalClient) *Outbox { return &Outbox{rdb: rdb} }

// nextSeq numbers messages. Numbers only grow, even when an embedded Redis starts empty after a restart:
// an open simulator page asks for messages after the last number it saw.
func (o *Outbox) nextSeq(ctx context.Context) (int64, error) {
	if err := o.rdb.SetNX(ctx, seqKey, time.Now().UnixMicro(), 0).Err(); err != nil {
		return 0, err
	}
	return o.rdb.Incr(ctx, seqKey).Result()
}

// SendText delivers a text message.
func (o *Outbox) SendText(ctx context.Context, to conversation.Address, text string) (string, error) {
	if text == "" || utf8.RuneCountInString(text) > conversation.MaxTextLength {
		return "", fmt.Errorf("%w: text must be 1 to %d characters", whatsapp.ErrInvalidMessage, conversation.MaxTextLength)
	}
	return o.add(ctx, to.String(), Message{Direction: "out", From: "business", Type: "text", Text: text})
}

// SendButtons delivers a reply-button message.
func (o *Outbox) SendButtons(ctx context.Context, to conversation.Address, body string, buttons []conversation.Button) (string, error) {
	if len(buttons) == 0 || len(buttons) > whatsapp.MaxButtons || utf8.RuneCountInString(body) > whatsapp.MaxButtonBodyLength {
		return "", fmt.Errorf("%w: 1 to 3 buttons and a body of at most 1024 characters", whatsapp.ErrInvalidMessage)
	}
	for _, b := range buttons {
		if utf8.RuneCountInString(b.Title) > whatsapp.MaxButtonTitleLength {
			return "", fmt.Errorf("%w: button title %q over 20 characters", whatsapp.ErrInvalidMessage, b.Title)
		}
	}
	return o.add(ctx, to.String(), Message{Direction: "out", From: "business", Type: "buttons", Text: body, Buttons: buttons})
}

// SendTemplate delivers an approved template as the customer would read it: its body parameters (the
// simulator knows no template's fixed text), marked as a template.
func (o *Outbox) SendTemplate(ctx context.Context, to conversation.Address, name, language string, bodyParams []string) (string, error) {
	if name == "" || len(bodyParams) == 0 {
		return "", fmt.Errorf("%w: a template needs a name and its body parameters", whatsapp.ErrInvalidMessage)
	}
	return o.add(ctx, to.String(), Message{Direction: "out", From: "business", Type: "template", Template: name, Text: strings.Join(bodyParams, " ")})
}

// MarkRead has nothing to show in the simulator.
func (o *Outbox) MarkRead(context.Context, string, bool) error { return nil }

// Classify sorts a delivery error: a message WhatsApp would refuse is refused for good; Redis trouble is retried.
func (o *Outbox) Classify(err error) conversation.SendErrorKind {
	if errors.Is(err, whatsapp.ErrInvalidMessage) {
		return conversation.SendRejected
	}
	return conversation.SendRetryable
}

func (o *Outbox) add(ctx context.Context, phone string, m Message) (string, error) {
	seq, err := o.nextSeq(ctx)
	if err != nil {
		return "", fmt.Errorf("simulator outbox: %w", err)
	}
	m.Seq = seq
	if m.ID == "" {
		m.ID = "wamid.SIM" + strconv.FormatInt(seq, 10) + randomHex(4)
	}
	if m.At.IsZero() {
		m.At = time.Now().UTC()
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	key := keyPrefix + phone
	if _, err := o.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, key, b)
		p.LTrim(ctx, key, -keepPerChat, -1)
		return nil
	}); err != nil {
		return "", fmt.Errorf("simulator outbox: %w", err)
	}
	return m.ID, nil
}

// Messages returns a chat's messages after seq, oldest first.
func (o *Outbox) Messages(ctx context.Context, phone string, after int64) ([]Message, error) {
	raw, err := o.rdb.LRange(ctx, keyPrefix+phone, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("simulator outbox: %w", err)
	}
	out := []Message{}
	for _, r := range raw {
		var m Message
		if json.Unmarshal([]byte(r), &m) == nil && m.Seq > after {
			out = append(out, m)
		}
	}
	return out, nil
}

// Handler serves the simulator page and its API: POST api/send, GET api/messages.
type Handler struct {
	Page      http.Handler
	Outbox    *Outbox
	AppSecret string
	// Webhook is the gateway, which receives the signed webhooks exactly as Meta's would arrive.
	Webhook http.Handler
}

var phonePattern = regexp.MustCompile(`^[0-9]{6,15}$`)

// ServeHTTP routes the simulator's requests.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch strings.TrimPrefix(r.URL.Path, "/") {
	case "api/send":
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
			return
		}
		h.send(w, r)
	case "api/messages":
		h.messages(w, r)
	default:
		h.Page.ServeHTTP(w, r)
	}
}

type sendRequest struct {
	Phone       string `json:"phone"`
	Name        string `json:"name"`
	Text        string `json:"text"`
	ButtonID    string `json:"button_id"`
	ButtonTitle string `json:"button_title"`
}

func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the body must be JSON with phone and text"})
		return
	}
	req.Phone = strings.TrimPrefix(strings.TrimSpace(req.Phone), "+")
	req.Text = strings.TrimSpace(req.Text)
	switch {
	case !phonePattern.MatchString(req.Phone):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the phone number must be 6 to 15 digits, such as 27820000001"})
		return
	case req.ButtonID == "" && req.Text == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "type a message"})
		return
	case utf8.RuneCountInString(req.Text) > conversation.MaxTextLength:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("WhatsApp messages are at most %d characters", conversation.MaxTextLength)})
		return
	}
	in := whatsapp.Inbound{
		ID: "wamid.SIMIN" + randomHex(12), From: req.Phone, Name: strings.TrimSpace(req.Name),
		Text: req.Text, ButtonID: req.ButtonID, ButtonTitle: req.ButtonTitle, Timestamp: time.Now(),
	}
	shown := Message{ID: in.ID, Direction: "in", From: "customer", Type: "text", Text: req.Text}
	if req.ButtonID != "" {
		shown.Text = req.ButtonTitle
		in.Text = ""
	}
	body, err := whatsapp.EncodeInbound(PhoneNumberID, in)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if _, err := h.Outbox.add(r.Context(), req.Phone, shown); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the simulator's store (Redis) is unavailable"})
		return
	}
	hook := httptest.NewRequest(http.MethodPost, "/webhooks/whatsapp", strings.NewReader(string(body)))
	hook = hook.WithContext(r.Context())
	hook.Header.Set("Content-Type", "application/json")
	hook.Header.Set(whatsapp.SignatureHeader, whatsapp.Sign(h.AppSecret, body))
	rec := httptest.NewRecorder()
	h.Webhook.ServeHTTP(rec, hook)
	if rec.Code != http.StatusOK {
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": fmt.Sprintf("the gateway answered %d: %s", rec.Code, strings.TrimSpace(rec.Body.String()))})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": in.ID})
}

func (h *Handler) messages(w http.ResponseWriter, r *http.Request) {
	phone := strings.TrimPrefix(r.URL.Query().Get("phone"), "+")
	if !phonePattern.MatchString(phone) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "phone must be 6 to 15 digits"})
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	msgs, err := h.Outbox.Messages(r.Context(), phone, after)
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the simulator's store (Redis) is unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}
