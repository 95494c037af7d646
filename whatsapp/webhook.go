package whatsapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// objectBusinessAccount is the only notification object this package accepts.
const objectBusinessAccount = "whatsapp_business_account"

// Notification is one webhook POST body from the WhatsApp Cloud API. It may carry several messages and
// statuses across several entries and changes; Messages and Statuses flatten them.
type Notification struct {
	values []changeValue
}

// Message is one inbound customer message, normalized from any of the types WhatsApp sends.
type Message struct {
	// ID is the message's WAMID, the key for deduplication.
	ID string
	// From is the sender's wa_id (phone digits without "+"). For a username user who shares no phone
	// number it is the business-scoped user ID instead.
	From string
	// UserID is the sender's business-scoped user ID, when WhatsApp sent one.
	UserID string
	// Name is the sender's WhatsApp profile name, when the notification carried it.
	Name string
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
	// CallbackData is the biz_opaque_callback_data the message was sent with, or "".
	CallbackData string
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
// object other than whatsapp_business_account is an error, which the gateway answers with 400.
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
			// Other fields (account updates, template reviews) have shapes of their own and carry no messages.
			if change.Field != "messages" && change.Field != "" {
				continue
			}
			if len(change.Value) == 0 || bytes.Equal(change.Value, []byte("null")) {
				continue
			}
			var value changeValue
			if err := json.Unmarshal(change.Value, &value); err != nil {
				return nil, fmt.Errorf("parse whatsapp notification: %w", err)
			}
			n.values = append(n.values, value)
		}
	}
	return n, nil
}

// Messages returns every inbound message in the notification, in the order WhatsApp sent them.
func (n *Notification) Messages() []Message {
	var out []Message
	for _, value := range n.values {
		for _, m := range value.Messages {
			out = append(out, m.normalize(value))
		}
	}
	return out
}

// Statuses returns every delivery status in the notification, in the order WhatsApp sent them.
func (n *Notification) Statuses() []Status {
	var out []Status
	for _, value := range n.values {
		for _, s := range value.Statuses {
			out = append(out, Status{
				ID:            s.ID,
				Status:        s.Status,
				RecipientID:   s.RecipientID,
				PhoneNumberID: value.Metadata.PhoneNumberID,
				Timestamp:     s.Timestamp.time(),
				Errors:        convertErrors(s.Errors),
				CallbackData:  s.BizOpaqueCallbackData,
			})
		}
	}
	return out
}

// Errors returns the errors WhatsApp reported for the notification as a whole (value.errors), such as a
// rate limit, as opposed to errors attached to a single message or status.
func (n *Notification) Errors() []Error {
	var out []Error
	for _, value := range n.values {
		out = append(out, convertErrors(value.Errors)...)
	}
	return out
}

// changeValue is entry[].changes[].value for the "messages" field.
type changeValue struct {
	Metadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []wireContact `json:"contacts"`
	Messages []wireMessage `json:"messages"`
	Statuses []wireStatus  `json:"statuses"`
	Errors   []wireError   `json:"errors"`
}

type wireContact struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WaID   string `json:"wa_id"`
	UserID string `json:"user_id"`
}

type wireMessage struct {
	From       string   `json:"from"`
	FromUserID string   `json:"from_user_id"`
	ID         string   `json:"id"`
	Timestamp  unixTime `json:"timestamp"`
	Type       string   `json:"type"`
	Context    *struct {
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
	System *struct {
		Body string `json:"body"`
	} `json:"system"`
	Order *struct {
		Text string `json:"text"`
	} `json:"order"`
}

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

// normalize turns the wire message into a Message, taking the sender's name from value's contacts.
func (m wireMessage) normalize(value changeValue) Message {
	msg := Message{
		ID:            m.ID,
		From:          m.From,
		UserID:        m.FromUserID,
		PhoneNumberID: value.Metadata.PhoneNumberID,
		Timestamp:     m.Timestamp.time(),
		Type:          m.Type,
	}
	if msg.From == "" {
		msg.From = m.FromUserID
	}
	if sender, ok := senderContact(value.Contacts, m.From, m.FromUserID); ok {
		msg.Name = sender.Profile.Name
		if msg.UserID == "" {
			msg.UserID = sender.UserID
		}
		if msg.From == "" {
			msg.From = firstNonEmpty(sender.WaID, sender.UserID)
		}
	}
	if m.Context != nil {
		msg.ContextID = m.Context.ID
		msg.Forwarded = m.Context.Forwarded || m.Context.FrequentlyForwarded
	}
	switch {
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
	return msg
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
