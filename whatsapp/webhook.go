package whatsapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/supportd/supportd/workflows/conversation"
)

// objectBusinessAccount is the only notification object this package accepts.
const objectBusinessAccount = "whatsapp_business_account"

// Webhook fields (entry[].changes[].field) the parser reads. Customer messages and statuses come as
// "messages"; the other three come only to numbers that also use the WhatsApp Business app (coexistence).
const (
	FieldMessages     = "messages"
	FieldEchoes       = "smb_message_echoes"
	FieldHistory      = "history"
	FieldAppStateSync = "smb_app_state_sync"
)

// Notification is one webhook POST body from the WhatsApp Cloud API. It may carry several messages and
// statuses across several entries and changes; Messages, Statuses, Echoes, Syncs and Errors flatten them.
type Notification struct {
	values []changeValue
}

// Message is one inbound customer message, normalized from any of the types WhatsApp sends.
type Message struct {
	// ID is the message's WAMID, the key for deduplication.
	ID string
	// From is the one identifier to key the sender on: Phone when it is a valid wa_id, else UserID when it is
	// a valid business-scoped user ID, else whichever of the two was sent (and Validate refuses it).
	From string
	// Phone is the sender's wa_id (phone digits without "+") from messages[].from or the matching
	// contacts[].wa_id, as sent; empty for a username user who shares no phone number.
	Phone string
	// UserID is the sender's business-scoped user ID (BSUID) from messages[].from_user_id or the matching
	// contacts[].user_id, as sent; empty when WhatsApp sent none.
	UserID string
	// Name is the sender's WhatsApp profile name, when the notification carried it.
	Name string
	// Username is the sender's WhatsApp username (contacts[].profile.username), when they have one.
	Username string
	// CountryCode is contacts[].country_code, as sent.
	CountryCode string
	// LogicalID is messages[].from_logical_id, as sent.
	LogicalID string
	// PhoneNumberID is the business phone number that received the message.
	PhoneNumberID string
	Timestamp     time.Time
	// Type is WhatsApp's message type: text, interactive, button, image, audio, video, document, sticker,
	// location, contacts, reaction, order, system, unsupported, or any type added later.
	Type string
	// Text is the text body, the media caption, a system notice or an order note.
	Text string
	// ButtonID and ButtonTitle identify the reply button or list row the customer tapped
	// (for a template quick-reply button: its payload and text).
	ButtonID    string
	ButtonTitle string
	Media       *Media
	Location    *Location
	Reaction    *Reaction
	Contacts    []ContactCard
	// ContextID is the WAMID of the message this one replies to, for example the one carrying the buttons.
	ContextID string
	Forwarded bool
	// OriginalID is, for an edit or a revoke (type edit or revoke), the WAMID of the message it changes.
	OriginalID string
	// Edit is, for an edit, the message's new content (its Type, Text, Media...); nil when the edit carried
	// none.
	Edit *Message
	// System is, for a system message, the change it announces, such as a new phone number.
	System *SystemChange
}

// System message kinds (system.type) that change a customer's identifiers.
const (
	SystemUserChangedNumber = "user_changed_number"
	SystemUserChangedUserID = "user_changed_user_id"
)

// SystemChange is what a system message (type system) announces. For SystemUserChangedNumber the customer
// who had OldPhone now has NewPhone (and, as the BSUID follows the number, maybe NewUserID); for
// SystemUserChangedUserID the customer who had OldUserID now has NewUserID. Any field may be empty when
// WhatsApp left it out; the old identifiers are the message's sender identifiers unless the system object
// names them.
type SystemChange struct {
	// Kind is system.type: SystemUserChangedNumber, SystemUserChangedUserID, or a kind added later.
	Kind string
	// Body is WhatsApp's sentence for people, such as "User A changed from 27820000001 to 27830000002".
	Body      string
	OldPhone  string
	NewPhone  string
	OldUserID string
	NewUserID string
}

// Media describes an image, audio, video, document or sticker. ID fetches the file from the Graph API.
type Media struct {
	Kind     string
	ID       string
	MimeType string
	Caption  string
	Filename string
	// Voice marks an audio message recorded as a voice note.
	Voice bool
}

// Location is a shared location pin.
type Location struct {
	Latitude  float64
	Longitude float64
	Name      string
	Address   string
	URL       string
}

// Reaction is an emoji reaction to an earlier message. An empty Emoji means the reaction was removed.
type Reaction struct {
	MessageID string
	Emoji     string
}

// ContactCard is one contact the customer shared.
type ContactCard struct {
	Name   string
	Phones []string
}

// Status is a delivery update for a message the business sent.
type Status struct {
	// ID is the WAMID of the message the status is about.
	ID string
	// Status is sent, delivered, read, played or failed.
	Status        string
	RecipientID   string
	PhoneNumberID string
	Timestamp     time.Time
	Errors        []Error
	// RecipientUserID is the customer's business-scoped user ID (statuses[].recipient_user_id), when sent.
	// RecipientID, the wa_id, may then be empty.
	RecipientUserID string
	// CallbackData is the biz_opaque_callback_data the message was sent with, or "".
	CallbackData string
}

// Recipient returns the customer the status is about, with the identifiers WhatsApp named.
func (s Status) Recipient() conversation.Address {
	return conversation.Address{Phone: s.RecipientID, UserID: s.RecipientUserID}
}

// Reason returns a short reason in words for a failed status, from its first error, or "" when it carries
// no error.
func (s Status) Reason() string {
	if len(s.Errors) == 0 {
		return ""
	}
	return s.Errors[0].Reason()
}

// Error is an error WhatsApp reports inside a webhook: on a failed status, on an unsupported message or
// for the notification as a whole. It satisfies error so that IsWindowClosed recognises a 131047 failure.
type Error struct {
	Code    int
	Title   string
	Message string
	Details string
	Href    string
}

// Error describes e by code, message and details.
func (e Error) Error() string {
	text := e.Message
	if text == "" {
		text = e.Title
	}
	s := fmt.Sprintf("whatsapp error %d: %s", e.Code, text)
	if e.Details != "" {
		s += ": " + e.Details
	}
	return s
}

// Describe returns what a person reading the transcript should see for m: the text of a text message, and a
// short bracketed description of anything else, such as "[voice note]", "[image] caption" or "[reaction 👍]".
func (m Message) Describe() string {
	var s string
	switch {
	case m.Type == "edit":
		s = "edited"
		if m.Edit != nil {
			s += ": " + m.Edit.Describe()
		}
	case m.Type == "revoke":
		s = "deleted a message"
	case m.Type == "text":
		s = m.Text
	case m.ButtonID != "" || m.ButtonTitle != "":
		label := m.ButtonTitle
		if label == "" {
			label = m.ButtonID
		}
		s = "[button] " + label
	case m.Media != nil:
		s = m.Media.describe()
	case m.Location != nil:
		s = m.Location.describe()
	case m.Reaction != nil:
		if m.Reaction.Emoji == "" {
			s = "[reaction removed]"
		} else {
			s = "[reaction " + m.Reaction.Emoji + "]"
		}
	case len(m.Contacts) > 0:
		cards := make([]string, 0, len(m.Contacts))
		for _, c := range m.Contacts {
			card := c.Name
			if len(c.Phones) > 0 {
				card = joinNonEmpty(" ", card, c.Phones[0])
			}
			cards = append(cards, card)
		}
		s = labelled("[contact card]", strings.Join(cards, ", "))
	case m.Type == "unsupported":
		s = "[unsupported message]"
	case m.Type == "":
		s = labelled("[message]", m.Text)
	default:
		s = labelled("["+m.Type+"]", m.Text)
	}
	if m.Forwarded {
		s = "[forwarded] " + s
	}
	return s
}

func (m *Media) describe() string {
	switch m.Kind {
	case "audio":
		if m.Voice {
			return "[voice note]"
		}
		return "[audio]"
	case "sticker":
		return "[sticker]"
	case "document":
		return labelled("[document]", joinNonEmpty(": ", m.Filename, m.Caption))
	default:
		return labelled("["+m.Kind+"]", m.Caption)
	}
}

func (l *Location) describe() string {
	coordinates := "(" + strconv.FormatFloat(l.Latitude, 'f', -1, 64) + ", " +
		strconv.FormatFloat(l.Longitude, 'f', -1, 64) + ")"
	return "[location] " + joinNonEmpty(" ", joinNonEmpty(", ", l.Name, l.Address), coordinates)
}

// labelled puts label before text, or returns label alone when there is no text.
func labelled(label, text string) string {
	return joinNonEmpty(" ", label, text)
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// Parse decodes a webhook body. Unknown fields and unknown message types are accepted; malformed JSON or an
// object other than whatsapp_business_account is an error, which the gateway answers with 400. Of the
// changes, only the fields FieldMessages, FieldEchoes, FieldHistory and FieldAppStateSync are read; the
// contents of the last two are only counted, so a shape of theirs the parser does not know is no error.
func Parse(body []byte) (*Notification, error) {
	var envelope struct {
		Object string `json:"object"`
		Entry  []struct {
			Changes []struct {
				Field string          `json:"field"`
				Value json.RawMessage `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return nil, fmt.Errorf("parse whatsapp notification: %w", err)
	}
	if envelope.Object != objectBusinessAccount {
		return nil, fmt.Errorf("parse whatsapp notification: object is %q, want %q", envelope.Object, objectBusinessAccount)
	}
	n := &Notification{}
	for _, entry := range envelope.Entry {
		for _, change := range entry.Changes {
			field := change.Field
			if field == "" {
				field = FieldMessages
			}
			// Other fields (account updates, template reviews) have shapes of their own and carry no messages.
			if field != FieldMessages && field != FieldEchoes && field != FieldHistory && field != FieldAppStateSync {
				continue
			}
			if len(change.Value) == 0 || bytes.Equal(change.Value, []byte("null")) {
				continue
			}
			value := changeValue{field: field}
			err := json.Unmarshal(change.Value, &value)
			if err != nil && (field == FieldMessages || field == FieldEchoes) {
				return nil, fmt.Errorf("parse whatsapp notification: %w", err)
			}
			if err != nil {
				// Only counted: whatever could be read is enough.
				value = changeValue{field: field, Metadata: value.Metadata}
			}
			n.values = append(n.values, value)
		}
	}
	return n, nil
}

// Messages returns every inbound customer message in the notification, in the order WhatsApp sent them.
// System messages (Message.System set) are among them; echoes and history are not.
func (n *Notification) Messages() []Message {
	var out []Message
	for value := range n.changes(FieldMessages) {
		for _, m := range value.Messages {
			out = append(out, m.normalize(value))
		}
	}
	return out
}

// Statuses returns every delivery status in the notification, in the order WhatsApp sent them.
func (n *Notification) Statuses() []Status {
	var out []Status
	for value := range n.changes(FieldMessages) {
		for _, s := range value.Statuses {
			out = append(out, Status{
				ID:              s.ID,
				Status:          s.Status,
				RecipientID:     s.RecipientID,
				RecipientUserID: s.RecipientUserID,
				PhoneNumberID:   value.Metadata.PhoneNumberID,
				Timestamp:       s.Timestamp.time(),
				Errors:          convertErrors(s.Errors),
				CallbackData:    s.BizOpaqueCallbackData,
			})
		}
	}
	return out
}

// Errors returns the errors WhatsApp reported for a change as a whole (value.errors), such as a rate limit
// (130429), as opposed to errors attached to a single message or status. They come from every field read.
func (n *Notification) Errors() []Error {
	var out []Error
	for _, value := range n.values {
		out = append(out, convertErrors(value.Errors)...)
	}
	return out
}

// changes yields the notification's changes of the fields, in order.
func (n *Notification) changes(fields ...string) iter.Seq[changeValue] {
	return func(yield func(changeValue) bool) {
		for _, value := range n.values {
			if slices.Contains(fields, value.field) && !yield(value) {
				return
			}
		}
	}
}

// changeValue is entry[].changes[].value for the fields Parse reads; field says which.
type changeValue struct {
	field    string
	Metadata struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []wireContact `json:"contacts"`
	Messages []wireMessage `json:"messages"`
	Statuses []wireStatus  `json:"statuses"`
	Errors   []wireError   `json:"errors"`
	// Coexistence fields (echo.go).
	MessageEchoes []wireEcho    `json:"message_echoes"`
	History       []wireHistory `json:"history"`
	StateSync     []struct {
		Type string `json:"type"`
	} `json:"state_sync"`
}

type wireContact struct {
	Profile struct {
		Name     string `json:"name"`
		Username string `json:"username"`
	} `json:"profile"`
	WaID        string `json:"wa_id"`
	UserID      string `json:"user_id"`
	CountryCode string `json:"country_code"`
}

type wireMessage struct {
	From          string   `json:"from"`
	FromUserID    string   `json:"from_user_id"`
	FromLogicalID string   `json:"from_logical_id"`
	ID            string   `json:"id"`
	Timestamp     unixTime `json:"timestamp"`
	Type          string   `json:"type"`
	Context       *struct {
		ID                  string `json:"id"`
		Forwarded           bool   `json:"forwarded"`
		FrequentlyForwarded bool   `json:"frequently_forwarded"`
	} `json:"context"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type        string      `json:"type"`
		ButtonReply *wireChoice `json:"button_reply"`
		ListReply   *wireChoice `json:"list_reply"`
		NFMReply    *struct {
			Body string `json:"body"`
		} `json:"nfm_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Image    *wireMedia `json:"image"`
	Audio    *wireMedia `json:"audio"`
	Video    *wireMedia `json:"video"`
	Document *wireMedia `json:"document"`
	Sticker  *wireMedia `json:"sticker"`
	Location *struct {
		Latitude  flexFloat `json:"latitude"`
		Longitude flexFloat `json:"longitude"`
		Name      string    `json:"name"`
		Address   string    `json:"address"`
		URL       string    `json:"url"`
	} `json:"location"`
	Contacts []struct {
		Name struct {
			FormattedName string `json:"formatted_name"`
			FirstName     string `json:"first_name"`
			LastName      string `json:"last_name"`
		} `json:"name"`
		Phones []struct {
			Phone string `json:"phone"`
			WaID  string `json:"wa_id"`
		} `json:"phones"`
	} `json:"contacts"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	System *wireSystem `json:"system"`
	Edit   *struct {
		wireOriginal
		// Message is the new content, shaped as an inbound message; some senders put it at the top.
		Message *wireMessage `json:"message"`
		Text    *struct {
			Body string `json:"body"`
		} `json:"text"`
	} `json:"edit"`
	Revoke *wireOriginal `json:"revoke"`
	Order  *struct {
		Text string `json:"text"`
	} `json:"order"`
}

// wireSystem is the system object. The new identifiers' field names vary between accounts and versions.
type wireSystem struct {
	Body           string `json:"body"`
	Type           string `json:"type"`
	WaID           string `json:"wa_id"`
	NewWaID        string `json:"new_wa_id"`
	UserID         string `json:"user_id"`
	NewUserID      string `json:"new_user_id"`
	OldUserID      string `json:"old_user_id"`
	PreviousUserID string `json:"previous_user_id"`
}

// wireOriginal names the message an edit or revoke changes.
type wireOriginal struct {
	OriginalMessageID string `json:"original_message_id"`
	MessageID         string `json:"message_id"`
	ID                string `json:"id"`
}

func (o wireOriginal) id() string { return firstNonEmpty(o.OriginalMessageID, o.MessageID, o.ID) }

type wireChoice struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type wireMedia struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	Voice    bool   `json:"voice"`
}

type wireStatus struct {
	ID          string      `json:"id"`
	Status      string      `json:"status"`
	Timestamp   unixTime    `json:"timestamp"`
	RecipientID string      `json:"recipient_id"`
	Errors      []wireError `json:"errors"`

	RecipientUserID string `json:"recipient_user_id"`

	BizOpaqueCallbackData string `json:"biz_opaque_callback_data"`
}

type wireError struct {
	Code      flexInt `json:"code"`
	Title     string  `json:"title"`
	Message   string  `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
	Href string `json:"href"`
}

// normalize turns the wire message into a Message, taking the sender's name and missing identifiers from
// value's contacts.
func (m wireMessage) normalize(value changeValue) Message {
	msg := Message{
		ID:            m.ID,
		Phone:         m.From,
		UserID:        m.FromUserID,
		LogicalID:     m.FromLogicalID,
		PhoneNumberID: value.Metadata.PhoneNumberID,
		Timestamp:     m.Timestamp.time(),
	}
	if sender, ok := senderContact(value.Contacts, m.From, m.FromUserID); ok {
		msg.Name, msg.Username, msg.CountryCode = sender.Profile.Name, sender.Profile.Username, sender.CountryCode
		msg.Phone = firstNonEmpty(msg.Phone, sender.WaID)
		msg.UserID = firstNonEmpty(msg.UserID, sender.UserID)
	}
	msg.From = senderKey(msg.Phone, msg.UserID)
	m.fillContent(&msg, true)
	if m.System != nil {
		sys := m.System
		msg.System = &SystemChange{
			Kind:      sys.Type,
			Body:      sys.Body,
			OldPhone:  msg.Phone,
			NewPhone:  firstNonEmpty(sys.NewWaID, sys.WaID),
			OldUserID: firstNonEmpty(sys.OldUserID, sys.PreviousUserID),
			NewUserID: firstNonEmpty(sys.NewUserID, sys.UserID),
		}
		if msg.System.OldUserID == "" && msg.UserID != msg.System.NewUserID {
			msg.System.OldUserID = msg.UserID
		}
		if msg.System.NewPhone == msg.System.OldPhone {
			msg.System.OldPhone = ""
		}
	}
	return msg
}

// senderKey returns the identifier a sender is keyed on: a valid wa_id first, then a valid business-scoped
// user ID, then whatever was sent, for Validate to refuse.
func senderKey(phone, userID string) string {
	switch {
	case ValidWaID(phone):
		return phone
	case conversation.IsUserID(userID):
		return userID
	}
	return firstNonEmpty(phone, userID)
}

// fillContent sets msg's type and content from m: text, buttons, media and the rest. An edit's new content
// is filled into msg.Edit, one level deep.
func (m wireMessage) fillContent(msg *Message, top bool) {
	msg.Type = m.Type
	if m.Context != nil {
		msg.ContextID = m.Context.ID
		msg.Forwarded = m.Context.Forwarded || m.Context.FrequentlyForwarded
	}
	switch {
	case m.Edit != nil:
		msg.OriginalID = firstNonEmpty(m.Edit.id(), msg.ContextID)
		if !top {
			break
		}
		switch {
		case m.Edit.Message != nil:
			msg.Edit = &Message{}
			m.Edit.Message.fillContent(msg.Edit, false)
			if msg.Edit.Type == "" && msg.Edit.Text != "" {
				msg.Edit.Type = "text"
			}
		case m.Edit.Text != nil:
			msg.Edit = &Message{Type: "text", Text: m.Edit.Text.Body}
		case m.Text != nil:
			msg.Edit = &Message{Type: "text", Text: m.Text.Body}
		}
	case m.Revoke != nil:
		msg.OriginalID = firstNonEmpty(m.Revoke.id(), msg.ContextID)
	case m.Text != nil:
		msg.Text = m.Text.Body
	case m.Interactive != nil:
		switch {
		case m.Interactive.ButtonReply != nil:
			msg.ButtonID, msg.ButtonTitle = m.Interactive.ButtonReply.ID, m.Interactive.ButtonReply.Title
		case m.Interactive.ListReply != nil:
			msg.ButtonID, msg.ButtonTitle = m.Interactive.ListReply.ID, m.Interactive.ListReply.Title
		case m.Interactive.NFMReply != nil:
			msg.Text = m.Interactive.NFMReply.Body
		}
	case m.Button != nil:
		msg.ButtonID, msg.ButtonTitle = m.Button.Payload, m.Button.Text
	case m.Location != nil:
		msg.Location = &Location{
			Latitude:  float64(m.Location.Latitude),
			Longitude: float64(m.Location.Longitude),
			Name:      m.Location.Name,
			Address:   m.Location.Address,
			URL:       m.Location.URL,
		}
	case m.Reaction != nil:
		msg.Reaction = &Reaction{MessageID: m.Reaction.MessageID, Emoji: m.Reaction.Emoji}
	case len(m.Contacts) > 0:
		for _, c := range m.Contacts {
			card := ContactCard{Name: c.Name.FormattedName}
			if card.Name == "" {
				card.Name = joinNonEmpty(" ", c.Name.FirstName, c.Name.LastName)
			}
			for _, p := range c.Phones {
				phone := p.Phone
				if phone == "" {
					phone = p.WaID
				}
				if phone != "" {
					card.Phones = append(card.Phones, phone)
				}
			}
			msg.Contacts = append(msg.Contacts, card)
		}
	case m.System != nil:
		msg.Text = m.System.Body
	case m.Order != nil:
		msg.Text = m.Order.Text
	default:
		msg.Media = m.media()
		if msg.Media != nil {
			msg.Text = msg.Media.Caption
		}
	}
}

// media returns the message's media object of the kind its type names, or else the first one it carries.
func (m wireMessage) media() *Media {
	kinds := []struct {
		kind  string
		media *wireMedia
	}{
		{"image", m.Image}, {"audio", m.Audio}, {"video", m.Video}, {"document", m.Document}, {"sticker", m.Sticker},
	}
	var found *Media
	for _, k := range kinds {
		if k.media == nil {
			continue
		}
		if k.kind == m.Type {
			return k.media.convert(k.kind)
		}
		if found == nil {
			found = k.media.convert(k.kind)
		}
	}
	return found
}

func (w *wireMedia) convert(kind string) *Media {
	return &Media{Kind: kind, ID: w.ID, MimeType: w.MimeType, Caption: w.Caption, Filename: w.Filename, Voice: w.Voice}
}

// senderContact finds the contact matching the sender's wa_id or user ID. A lone contact is taken to be the
// sender when either it or the message carries no ID to match on.
func senderContact(contacts []wireContact, waID, userID string) (wireContact, bool) {
	for _, c := range contacts {
		if (waID != "" && c.WaID == waID) || (userID != "" && c.UserID == userID) {
			return c, true
		}
	}
	if len(contacts) == 1 && ((waID == "" && userID == "") || (contacts[0].WaID == "" && contacts[0].UserID == "")) {
		return contacts[0], true
	}
	return wireContact{}, false
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func convertErrors(in []wireError) []Error {
	if len(in) == 0 {
		return nil
	}
	out := make([]Error, 0, len(in))
	for _, e := range in {
		out = append(out, Error{Code: int(e.Code), Title: e.Title, Message: e.Message, Details: e.ErrorData.Details, Href: e.Href})
	}
	return out
}

// unixTime is a Unix timestamp in seconds. WhatsApp sends it as a string; a number is accepted too.
type unixTime struct{ t time.Time }

func (u *unixTime) UnmarshalJSON(data []byte) error {
	s, err := numberText(data)
	if err != nil || s == "" {
		return err
	}
	seconds, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// A timestamp WhatsApp never sends is no reason to refuse the whole notification.
		return nil
	}
	u.t = time.Unix(seconds, 0).UTC()
	return nil
}

func (u unixTime) time() time.Time { return u.t }

// flexFloat is a number that may also arrive quoted.
type flexFloat float64

func (f *flexFloat) UnmarshalJSON(data []byte) error {
	s, err := numberText(data)
	if err != nil || s == "" {
		return err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil
	}
	*f = flexFloat(v)
	return nil
}

// flexInt is an integer that may also arrive quoted.
type flexInt int

func (i *flexInt) UnmarshalJSON(data []byte) error {
	s, err := numberText(data)
	if err != nil || s == "" {
		return err
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	*i = flexInt(v)
	return nil
}

// numberText returns the text of a JSON number or string, and "" for anything else: a value of an unexpected
// kind is no reason to refuse the whole notification.
func numberText(data []byte) (string, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return "", nil
	}
	switch c := data[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return string(data), nil
	default:
		return "", nil
	}
}
