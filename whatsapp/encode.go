package whatsapp

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Inbound is a customer message to encode as Meta would deliver it: a text, or a reply-button tap when
// ButtonID is set. The built-in customer simulator uses it to drive the real webhook path.
type Inbound struct {
	ID string
	// From is the customer's wa_id; empty for a username user who shares no phone number.
	From string
	// UserID is the customer's business-scoped user ID and Username their username; either may be empty.
	UserID      string
	Username    string
	Name        string
	Text        string
	ButtonID    string
	ButtonTitle string
	// ContextID is the business message whose buttons were tapped.
	ContextID string
	Timestamp time.Time
}

// EncodeInbound builds the webhook body Meta sends for one inbound message to phoneNumberID.
func EncodeInbound(phoneNumberID string, m Inbound) ([]byte, error) {
	if m.ID == "" || (m.From == "" && m.UserID == "") {
		return nil, errors.New("encode whatsapp message: id and from or a user id are required")
	}
	type text struct {
		Body string `json:"body"`
	}
	type interactive struct {
		Type        string      `json:"type"`
		ButtonReply *wireChoice `json:"button_reply"`
	}
	type context struct {
		From string `json:"from,omitempty"`
		ID   string `json:"id"`
	}
	type message struct {
		Context     *context     `json:"context,omitempty"`
		From        string       `json:"from,omitempty"`
		FromUserID  string       `json:"from_user_id,omitempty"`
		ID          string       `json:"id"`
		Timestamp   string       `json:"timestamp"`
		Type        string       `json:"type"`
		Text        *text        `json:"text,omitempty"`
		Interactive *interactive `json:"interactive,omitempty"`
	}
	ts := m.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	msg := message{From: m.From, FromUserID: m.UserID, ID: m.ID, Timestamp: strconv.FormatInt(ts.Unix(), 10)}
	if m.ButtonID != "" {
		msg.Type = "interactive"
		msg.Interactive = &interactive{Type: "button_reply", ButtonReply: &wireChoice{ID: m.ButtonID, Title: m.ButtonTitle}}
		if m.ContextID != "" {
			msg.Context = &context{ID: m.ContextID}
		}
	} else {
		msg.Type = "text"
		msg.Text = &text{Body: m.Text}
	}
	profile := map[string]string{"name": m.Name}
	if m.Username != "" {
		profile["username"] = m.Username
	}
	contact := map[string]any{"profile": profile}
	if m.From != "" {
		contact["wa_id"] = m.From
	}
	if m.UserID != "" {
		contact["user_id"] = m.UserID
	}
	value := map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          map[string]string{"display_phone_number": phoneNumberID, "phone_number_id": phoneNumberID},
		"contacts":          []any{contact},
		"messages":          []message{msg},
	}
	body := map[string]any{
		"object": objectBusinessAccount,
		"entry": []any{map[string]any{
			"id":      phoneNumberID,
			"changes": []any{map[string]any{"field": "messages", "value": value}},
		}},
	}
	return json.Marshal(body)
}
