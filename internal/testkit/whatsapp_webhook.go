package testkit

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// WhatsAppWebhook builds webhook notifications the way Meta sends them (string ids and timestamps, non-ASCII
// and "/" escaped, fields in Meta's order) and signs them with the app secret. Build events with its methods,
// turn them into a body with Body or BodyPerEntry, and deliver it with SignedRequest or Post.
type WhatsAppWebhook struct {
	AppSecret          string
	BusinessAccountID  string
	PhoneNumberID      string
	DisplayPhoneNumber string
}

// NewWhatsAppWebhook returns a builder signing with appSecret, for the business phone number the Graph fake
// serves.
func NewWhatsAppWebhook(appSecret string) *WhatsAppWebhook {
	return &WhatsAppWebhook{
		AppSecret:          appSecret,
		BusinessAccountID:  "102290129340398",
		PhoneNumberID:      graphPhoneNumberID,
		DisplayPhoneNumber: "15550783881",
	}
}

// WhatsAppEvent is a WhatsAppMessage, WhatsAppStatus or WhatsAppValueError (field "messages"), a
// WhatsAppEcho (field "smb_message_echoes"), a WhatsAppHistory (field "history") or a WhatsAppStateSync
// (field "smb_app_state_sync").
type WhatsAppEvent interface {
	whatsAppEvent()
}

// WhatsAppMessage is one inbound messages[] item with the contact who sent it. Change its fields freely
// before building a body.
type WhatsAppMessage struct {
	// ID is the message's WAMID, generated unique.
	ID string
	// From is the sender's wa_id; empty for a username user who shares no phone number.
	From string
	// UserID is the sender's business-scoped user ID (from_user_id, contacts[].user_id); optional.
	UserID string
	// Name is the sender's profile name, Username their username (contacts[].profile.username) and
	// CountryCode contacts[].country_code; empty ones are left out.
	Name        string
	Username    string
	CountryCode string
	Timestamp   time.Time
	Type        string
	// Payload is the object keyed by Type, such as {"body": "hi"} for text; nil leaves it out.
	Payload any
	// ContextID is the WAMID the message replies to (context.id).
	ContextID string
	Forwarded bool
	// Extra holds further message fields, such as "errors", in order.
	Extra []WhatsAppField
}

// WhatsAppField is one key and value of a JSON object, kept in order.
type WhatsAppField struct {
	Key   string
	Value any
}

// WhatsAppStatus is one statuses[] item: a delivery update for a message the business sent.
type WhatsAppStatus struct {
	// ID is the WAMID of the message the status is about.
	ID string
	// Status is sent, delivered, read, played or failed.
	Status string
	// RecipientID is the customer's phone; RecipientUserID their business-scoped user ID. Empty ones are
	// left out (a status always has one of them).
	RecipientID     string
	RecipientUserID string
	Timestamp       time.Time
	// ErrorCode, when set, adds an errors[] entry with that code (131047 for a closed window).
	ErrorCode int
	// CallbackData is the biz_opaque_callback_data the message was sent with; empty leaves it out.
	CallbackData string
}

func (WhatsAppMessage) whatsAppEvent()    {}
func (WhatsAppStatus) whatsAppEvent()     {}
func (WhatsAppValueError) whatsAppEvent() {}
func (WhatsAppEcho) whatsAppEvent()       {}
func (WhatsAppHistory) whatsAppEvent()    {}
func (WhatsAppStateSync) whatsAppEvent()  {}

// WithUser returns m sent by a customer with the business-scoped user ID and username (may be empty), the
// country code taken from the ID. With m.From empty the customer shares no phone number, as a username user
// may: the message carries the BSUID only.
func (m WhatsAppMessage) WithUser(userID, username string) WhatsAppMessage {
	m.UserID, m.Username = userID, username
	if len(userID) > 2 {
		m.CountryCode = userID[:2]
	}
	if m.From == "" {
		m.Name = whatsAppDefaultName(userID)
	}
	return m
}

// Message returns a message of any type with its payload, such as an unknown type from the future.
func (w *WhatsAppWebhook) Message(from, messageType string, payload any) WhatsAppMessage {
	return WhatsAppMessage{
		ID:        newInboundWAMID(),
		From:      from,
		Name:      whatsAppDefaultName(from),
		Timestamp: time.Now(),
		Type:      messageType,
		Payload:   payload,
	}
}

// Text returns a text message.
func (w *WhatsAppWebhook) Text(from, body string) WhatsAppMessage {
	return w.Message(from, "text", whatsAppObj("body", body))
}

// ButtonReply returns the tap on a reply button (interactive button_reply) of the message contextID.
func (w *WhatsAppWebhook) ButtonReply(from, contextID, buttonID, title string) WhatsAppMessage {
	m := w.Message(from, "interactive", whatsAppObj(
		"type", "button_reply",
		"button_reply", whatsAppObj("id", buttonID, "title", title)))
	m.ContextID = contextID
	return m
}

// ListReply returns the choice of a list row (interactive list_reply) of the message contextID.
func (w *WhatsAppWebhook) ListReply(from, contextID, rowID, title, description string) WhatsAppMessage {
	m := w.Message(from, "interactive", whatsAppObj(
		"type", "list_reply",
		"list_reply", whatsAppObj("id", rowID, "title", title, "description", description)))
	m.ContextID = contextID
	return m
}

// TemplateButton returns the tap on a template quick-reply button (type button) of the message contextID.
func (w *WhatsAppWebhook) TemplateButton(from, contextID, payload, text string) WhatsAppMessage {
	m := w.Message(from, "button", whatsAppObj("payload", payload, "text", text))
	m.ContextID = contextID
	return m
}

// Image returns an image with an optional caption.
func (w *WhatsAppWebhook) Image(from, caption string) WhatsAppMessage {
	fields := []any{}
	if caption != "" {
		fields = append(fields, "caption", caption)
	}
	fields = append(fields, "mime_type", "image/jpeg", "sha256", whatsAppMediaSHA256(), "id", whatsAppMediaID(), "url", whatsAppMediaURL())
	return w.Message(from, "image", whatsAppObj(fields...))
}

// VoiceNote returns an audio message recorded as a voice note.
func (w *WhatsAppWebhook) VoiceNote(from string) WhatsAppMessage {
	return w.Message(from, "audio", whatsAppObj(
		"mime_type", "audio/ogg; codecs=opus", "sha256", whatsAppMediaSHA256(), "id", whatsAppMediaID(), "url", whatsAppMediaURL(), "voice", true))
}

// Document returns a document with a file name and an optional caption.
func (w *WhatsAppWebhook) Document(from, filename, caption string) WhatsAppMessage {
	fields := []any{}
	if caption != "" {
		fields = append(fields, "caption", caption)
	}
	fields = append(fields, "filename", filename, "mime_type", "application/pdf", "sha256", whatsAppMediaSHA256(), "id", whatsAppMediaID(), "url", whatsAppMediaURL())
	return w.Message(from, "document", whatsAppObj(fields...))
}

// Sticker returns a sticker.
func (w *WhatsAppWebhook) Sticker(from string) WhatsAppMessage {
	return w.Message(from, "sticker", whatsAppObj(
		"mime_type", "image/webp", "sha256", whatsAppMediaSHA256(), "id", whatsAppMediaID(), "animated", false))
}

// Location returns a shared location pin; name and address may be empty.
func (w *WhatsAppWebhook) Location(from string, latitude, longitude float64, name, address string) WhatsAppMessage {
	fields := []any{"latitude", latitude, "longitude", longitude}
	if name != "" {
		fields = append(fields, "name", name)
	}
	if address != "" {
		fields = append(fields, "address", address)
	}
	return w.Message(from, "location", whatsAppObj(fields...))
}

// Contacts returns a shared contact card with one phone number.
func (w *WhatsAppWebhook) Contacts(from, name, phone string) WhatsAppMessage {
	return w.Message(from, "contacts", []any{whatsAppObj(
		"name", whatsAppObj("formatted_name", name, "first_name", name),
		"phones", []any{whatsAppObj("phone", phone, "type", "CELL")},
	)})
}

// Reaction returns an emoji reaction to the message messageID; an empty emoji removes the reaction, and
// WhatsApp then leaves the emoji out.
func (w *WhatsAppWebhook) Reaction(from, messageID, emoji string) WhatsAppMessage {
	fields := []any{"message_id", messageID}
	if emoji != "" {
		fields = append(fields, "emoji", emoji)
	}
	return w.Message(from, "reaction", whatsAppObj(fields...))
}

// Unsupported returns what WhatsApp sends for a message type the Cloud API cannot deliver, such as
// "poll_update": type unsupported with error 131051.
func (w *WhatsAppWebhook) Unsupported(from, kind string) WhatsAppMessage {
	m := w.Message(from, "unsupported", whatsAppObj("type", kind))
	m.Extra = []WhatsAppField{{Key: "errors", Value: []any{whatsAppObj(
		"code", 131051,
		"title", "Message type unknown",
		"message", "Message type unknown",
		"error_data", whatsAppObj("details", "Message type is currently not supported."),
	)}}}
	return m
}

// ChangedNumber returns the system message WhatsApp sends when the customer with oldPhone moves to
// newPhone (user_changed_number); from is the old number.
func (w *WhatsAppWebhook) ChangedNumber(oldPhone, newPhone string) WhatsAppMessage {
	return w.Message(oldPhone, "system", whatsAppObj(
		"body", "User "+whatsAppDefaultName(oldPhone)+" changed from "+oldPhone+" to "+newPhone,
		"wa_id", newPhone,
		"type", "user_changed_number"))
}

// ChangedUserID returns the system message WhatsApp sends when the customer's business-scoped user ID
// changes from oldUserID to newUserID (user_changed_user_id); phone is their number, empty when they share
// none.
func (w *WhatsAppWebhook) ChangedUserID(phone, oldUserID, newUserID string) WhatsAppMessage {
	m := w.Message(phone, "system", whatsAppObj(
		"body", "User changed their business-scoped user ID",
		"user_id", newUserID,
		"type", "user_changed_user_id"))
	return m.WithUser(oldUserID, "")
}

// Edit returns an edit of the message originalID, whose text is now body.
func (w *WhatsAppWebhook) Edit(from, originalID, body string) WhatsAppMessage {
	return w.Message(from, "edit", whatsAppObj(
		"original_message_id", originalID,
		"message", whatsAppObj("type", "text", "text", whatsAppObj("body", body))))
}

// Revoke returns the deletion (for everyone) of the message originalID.
func (w *WhatsAppWebhook) Revoke(from, originalID string) WhatsAppMessage {
	return w.Message(from, "revoke", whatsAppObj("original_message_id", originalID))
}

// Status returns a delivery status (sent, delivered, read, played) for the message messageID.
func (w *WhatsAppWebhook) Status(messageID, recipientID, status string) WhatsAppStatus {
	return WhatsAppStatus{ID: messageID, Status: status, RecipientID: recipientID, Timestamp: time.Now()}
}

// FailedStatus returns a failed status with the error code, such as 131047 for a closed window.
func (w *WhatsAppWebhook) FailedStatus(messageID, recipientID string, code int) WhatsAppStatus {
	s := w.Status(messageID, recipientID, "failed")
	s.ErrorCode = code
	return s
}

// WhatsAppValueError is a value-level errors[] item: an error about the change as a whole, such as 130429.
type WhatsAppValueError struct {
	Code int
}

// ValueError returns a value-level error with the code, titled as Meta titles it.
func (w *WhatsAppWebhook) ValueError(code int) WhatsAppValueError {
	return WhatsAppValueError{Code: code}
}

// WhatsAppEcho is one smb_message_echoes item: a message the business sent from the WhatsApp Business app.
type WhatsAppEcho struct {
	// Message is the content, with the customer it went to in From (to) and UserID (to_user_id).
	Message WhatsAppMessage
	// From is the business number it was sent from.
	From string
}

// Echo returns m as an echo: what the business sent to the customer m names (m.From, m.UserID) from the
// WhatsApp Business app, such as hook.Echo(hook.Text(phone, "Hi, Sipho here")) or hook.Echo(hook.Revoke(
// phone, id)).
func (w *WhatsAppWebhook) Echo(m WhatsAppMessage) WhatsAppEcho {
	return WhatsAppEcho{Message: m, From: w.DisplayPhoneNumber}
}

// WhatsAppHistory is one history item: past messages of one chat the business agreed to share.
type WhatsAppHistory struct {
	// Customer is the chat's customer (threads[].id).
	Customer string
	Messages []WhatsAppMessage
}

// History returns a chunk of shared chat history with the customer, holding the messages.
func (w *WhatsAppWebhook) History(customer string, messages ...WhatsAppMessage) WhatsAppHistory {
	return WhatsAppHistory{Customer: customer, Messages: messages}
}

// WhatsAppStateSync is one smb_app_state_sync item: a contact added, edited or removed in the app.
type WhatsAppStateSync struct {
	Phone  string
	Name   string
	Action string
	At     time.Time
}

// ContactSync returns a contact change in the WhatsApp Business app; action is add, edit or remove.
func (w *WhatsAppWebhook) ContactSync(phone, name, action string) WhatsAppStateSync {
	return WhatsAppStateSync{Phone: phone, Name: name, Action: action, At: time.Now()}
}

// Body returns a notification carrying all events in one entry, one change per field, as WhatsApp batches
// them.
func (w *WhatsAppWebhook) Body(events ...WhatsAppEvent) []byte {
	return w.encode(whatsAppObj(
		"object", "whatsapp_business_account",
		"entry", []any{w.entry(events)},
	))
}

// BodyPerEntry returns a notification carrying each event in an entry of its own.
func (w *WhatsAppWebhook) BodyPerEntry(events ...WhatsAppEvent) []byte {
	entries := make([]any, 0, len(events))
	for _, e := range events {
		entries = append(entries, w.entry([]WhatsAppEvent{e}))
	}
	return w.encode(whatsAppObj("object", "whatsapp_business_account", "entry", entries))
}

// SignedRequest returns a POST of body to url signed with the app secret, ready for an http.Client or,
// with url a path, for a handler's ServeHTTP. It panics on an invalid url.
func (w *WhatsAppWebhook) SignedRequest(url string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic(fmt.Sprintf("testkit: whatsapp webhook request to %q: %v", url, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", SignWhatsApp(w.AppSecret, body))
	return req
}

// Post delivers body, signed, to url and returns the response status and body.
func (w *WhatsAppWebhook) Post(t testing.TB, url string, body []byte) (status int, responseBody string) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(w.SignedRequest(url, body))
	if err != nil {
		t.Fatalf("post whatsapp webhook: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read whatsapp webhook response: %v", err)
	}
	return resp.StatusCode, string(data)
}

// SignWhatsApp returns the X-Hub-Signature-256 value for body: "sha256=" and the lowercase hex
// HMAC-SHA256 of the exact bytes, keyed with the app secret.
func SignWhatsApp(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// entry builds one entry[] item holding the events, one change per field in the order the fields first
// appear.
func (w *WhatsAppWebhook) entry(events []WhatsAppEvent) whatsAppObject {
	var contacts, messages, statuses, valueErrors, echoes, history, sync []any
	var fields []string
	seen := map[string]bool{}
	for _, e := range events {
		field := "messages"
		switch e := e.(type) {
		case WhatsAppMessage:
			if key := e.From + "|" + e.UserID; !seen[key] {
				seen[key] = true
				contacts = append(contacts, e.contact())
			}
			messages = append(messages, e.object())
		case WhatsAppStatus:
			statuses = append(statuses, e.object())
		case WhatsAppValueError:
			valueErrors = append(valueErrors, whatsAppError(e.Code))
		case WhatsAppEcho:
			field = "smb_message_echoes"
			echoes = append(echoes, e.object())
		case WhatsAppHistory:
			field = "history"
			history = append(history, e.object())
		case WhatsAppStateSync:
			field = "smb_app_state_sync"
			sync = append(sync, e.object())
		}
		if !seen["field "+field] {
			seen["field "+field] = true
			fields = append(fields, field)
		}
	}
	changes := make([]any, 0, len(fields))
	for _, field := range fields {
		value := whatsAppObj(
			"messaging_product", "whatsapp",
			"metadata", whatsAppObj("display_phone_number", w.DisplayPhoneNumber, "phone_number_id", w.PhoneNumberID),
		)
		value = appendNonEmpty(value, "contacts", contacts, field == "messages" && len(messages) > 0)
		value = appendNonEmpty(value, "messages", messages, field == "messages")
		value = appendNonEmpty(value, "statuses", statuses, field == "messages")
		value = appendNonEmpty(value, "errors", valueErrors, field == "messages")
		value = appendNonEmpty(value, "message_echoes", echoes, field == "smb_message_echoes")
		value = appendNonEmpty(value, "history", history, field == "history")
		value = appendNonEmpty(value, "state_sync", sync, field == "smb_app_state_sync")
		changes = append(changes, whatsAppObj("value", value, "field", field))
	}
	return whatsAppObj("id", w.BusinessAccountID, "changes", changes)
}

// appendNonEmpty adds the key and items to o when when holds and there are items.
func appendNonEmpty(o whatsAppObject, key string, items []any, when bool) whatsAppObject {
	if !when || len(items) == 0 {
		return o
	}
	return append(o, WhatsAppField{key, items})
}

// whatsAppError is an errors[] item with the code, as Meta writes it in webhooks.
func whatsAppError(code int) whatsAppObject {
	title, details := graphErrorText(code)
	return whatsAppObj(
		"code", code,
		"title", title,
		"message", title,
		"error_data", whatsAppObj("details", details),
		"href", "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
	)
}

func (m WhatsAppMessage) contact() whatsAppObject {
	profile := whatsAppObj("name", m.Name)
	if m.Username != "" {
		profile = append(profile, WhatsAppField{"username", m.Username})
	}
	c := whatsAppObj("profile", profile)
	if m.From != "" {
		c = append(c, WhatsAppField{"wa_id", m.From})
	}
	if m.UserID != "" {
		c = append(c, WhatsAppField{"user_id", m.UserID})
	}
	if m.CountryCode != "" {
		c = append(c, WhatsAppField{"country_code", m.CountryCode})
	}
	return c
}

func (m WhatsAppMessage) object() whatsAppObject {
	var o whatsAppObject
	if m.ContextID != "" {
		o = append(o, WhatsAppField{"context", whatsAppObj("from", "15550783881", "id", m.ContextID)})
	} else if m.Forwarded {
		o = append(o, WhatsAppField{"context", whatsAppObj("forwarded", true)})
	}
	if m.From != "" {
		o = append(o, WhatsAppField{"from", m.From})
	}
	if m.UserID != "" {
		o = append(o, WhatsAppField{"from_user_id", m.UserID})
	}
	return m.content(o)
}

// content appends the message's id, timestamp, type, payload and extra fields to o.
func (m WhatsAppMessage) content(o whatsAppObject) whatsAppObject {
	o = append(o,
		WhatsAppField{"id", m.ID},
		WhatsAppField{"timestamp", whatsAppUnix(m.Timestamp)},
		WhatsAppField{"type", m.Type},
	)
	if m.Payload != nil {
		o = append(o, WhatsAppField{m.Type, m.Payload})
	}
	return append(o, m.Extra...)
}

func (e WhatsAppEcho) object() whatsAppObject {
	o := whatsAppObj("from", e.From)
	if e.Message.From != "" {
		o = append(o, WhatsAppField{"to", e.Message.From})
	}
	if e.Message.UserID != "" {
		o = append(o, WhatsAppField{"to_user_id", e.Message.UserID})
	}
	return e.Message.content(o)
}

func (h WhatsAppHistory) object() whatsAppObject {
	messages := make([]any, 0, len(h.Messages))
	for _, m := range h.Messages {
		messages = append(messages, append(m.object(), WhatsAppField{"history_context", whatsAppObj("status", "READ")}))
	}
	return whatsAppObj(
		"metadata", whatsAppObj("phase", 0, "chunk_order", 1, "progress", 100),
		"threads", []any{whatsAppObj("id", h.Customer, "messages", messages)},
	)
}

func (s WhatsAppStateSync) object() whatsAppObject {
	return whatsAppObj(
		"type", "contact",
		"contact", whatsAppObj("full_name", s.Name, "first_name", strings.Fields(s.Name + " x")[0], "phone_number", s.Phone),
		"action", s.Action,
		"metadata", whatsAppObj("timestamp", whatsAppUnix(s.At)),
	)
}

func (s WhatsAppStatus) object() whatsAppObject {
	o := whatsAppObj("id", s.ID, "status", s.Status, "timestamp", whatsAppUnix(s.Timestamp))
	if s.RecipientID != "" || s.RecipientUserID == "" {
		o = append(o, WhatsAppField{"recipient_id", s.RecipientID})
	}
	if s.RecipientUserID != "" {
		o = append(o, WhatsAppField{"recipient_user_id", s.RecipientUserID})
	}
	if s.Status == "sent" {
		o = append(o,
			WhatsAppField{"conversation", whatsAppObj(
				"id", "a75d"+whatsAppRandomToken(28),
				"expiration_timestamp", whatsAppUnix(s.Timestamp.Add(24*time.Hour)),
				"origin", whatsAppObj("type", "service"))},
			WhatsAppField{"pricing", whatsAppObj("billable", true, "pricing_model", "PMP", "category", "service", "type", "regular")},
		)
	}
	if s.ErrorCode != 0 {
		o = append(o, WhatsAppField{"errors", []any{whatsAppError(s.ErrorCode)}})
	}
	if s.CallbackData != "" {
		o = append(o, WhatsAppField{"biz_opaque_callback_data", s.CallbackData})
	}
	return o
}

// encode marshals v the way Meta does: non-ASCII as \uXXXX, "/" as "\/", no HTML escaping.
func (w *WhatsAppWebhook) encode(v any) []byte {
	data, err := marshalWhatsApp(v)
	if err != nil {
		panic(fmt.Sprintf("testkit: encode whatsapp webhook: %v", err))
	}
	return escapeLikeMeta(data)
}

// marshalWhatsApp is json.Marshal without HTML escaping.
func marshalWhatsApp(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// escapeLikeMeta rewrites JSON so that every non-ASCII character is a \u escape (a surrogate pair beyond
// the BMP) and every "/" is "\/". Both occur only inside strings, so the result is the same JSON value.
func escapeLikeMeta(data []byte) []byte {
	var out bytes.Buffer
	for _, r := range string(data) {
		switch {
		case r == '/':
			out.WriteString(`\/`)
		case r < 0x80:
			out.WriteRune(r)
		default:
			for _, unit := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&out, `\u%04x`, unit)
			}
		}
	}
	return out.Bytes()
}

// whatsAppObject is a JSON object that keeps its keys in order.
type whatsAppObject []WhatsAppField

// MarshalJSON encodes the fields in order.
func (o whatsAppObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, err := marshalWhatsApp(f.Key)
		if err != nil {
			return nil, err
		}
		value, err := marshalWhatsApp(f.Value)
		if err != nil {
			return nil, err
		}
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// whatsAppObj builds a whatsAppObject from alternating keys and values.
func whatsAppObj(keysAndValues ...any) whatsAppObject {
	o := make(whatsAppObject, 0, len(keysAndValues)/2)
	for i := 0; i+1 < len(keysAndValues); i += 2 {
		o = append(o, WhatsAppField{Key: keysAndValues[i].(string), Value: keysAndValues[i+1]})
	}
	return o
}

func whatsAppUnix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// whatsAppDefaultName is the profile name given to a sender: "Customer" and the last four digits of the number.
func whatsAppDefaultName(from string) string {
	if len(from) > 4 {
		from = from[len(from)-4:]
	}
	return strings.TrimSpace("Customer " + from)
}

// whatsAppRandomDigits returns n random decimal digits, the first not zero.
func whatsAppRandomDigits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if n > 0 && b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// newInboundWAMID returns a unique inbound message ID shaped like WhatsApp's.
func newInboundWAMID() string {
	return "wamid.HBgL" + whatsAppRandomToken(48)
}

func whatsAppMediaID() string { return whatsAppRandomDigits(16) }

func whatsAppMediaSHA256() string { return whatsAppRandomToken(43) + "=" }

func whatsAppMediaURL() string {
	return "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=" + whatsAppMediaID() + "&ext=1739321024&hash=" + whatsAppRandomToken(22)
}
