package whatsapp

import (
	"strings"
	"time"

	"github.com/supportd/supportd/workflows/conversation"
)

// Echo is a message the business sent from the WhatsApp Business app (or a device linked to it) on the same
// number, reported by webhook field smb_message_echoes (wire-formats.md A9). A person wrote it: it is never
// a customer message, never answered and opens no 24-hour window. Meta does not say which staff member
// sent it.
type Echo struct {
	// ID is the echoed message's WAMID.
	ID string
	// BusinessPhone is the business number it was sent from (from).
	BusinessPhone string
	// To is the customer it was sent to: to (without "+") when it is a phone number, and the customer's
	// business-scoped user ID when the echo carries one.
	To            conversation.Address
	PhoneNumberID string
	Timestamp     time.Time
	// Content is the message as sent, parsed as an inbound message's content is: Type, Text, Media, Edit and
	// OriginalID for an edit, OriginalID for a revoke. Its sender fields are empty.
	Content Message
}

// Describe returns what a person reading the transcript should see for the echo, as Message.Describe does:
// "edited: ..." for an edit and "deleted a message" for a revoke.
func (e Echo) Describe() string { return e.Content.Describe() }

// Customer returns the identifier to key the customer on, as Message.From is chosen: the phone when it is a
// valid wa_id, else the business-scoped user ID.
func (e Echo) Customer() string { return senderKey(e.To.Phone, e.To.UserID) }

// Validate reports whether e can be handed to a conversation: its customer has a valid wa_id or
// business-scoped user ID and its id is a WAMID. The error wraps ErrInvalidSender or ErrInvalidMessageID.
func (e Echo) Validate() error {
	return validateIdentifiers(e.Customer(), e.ID)
}

// Sync is a coexistence change the product accepts and never answers (wire-formats.md A9): a chunk of past
// chats the business agreed to share (FieldHistory) or the Business app's contacts (FieldAppStateSync). Its
// contents are counted, never turned into messages.
type Sync struct {
	// Field is FieldHistory or FieldAppStateSync.
	Field         string
	PhoneNumberID string
	// Items counts the past messages (history) or the contact changes (state sync) it carries.
	Items int
	// Errors are the errors it reports, such as history sharing declined by the business.
	Errors []Error
}

// Echoes returns every smb_message_echoes message in the notification, in the order WhatsApp sent them.
func (n *Notification) Echoes() []Echo {
	var out []Echo
	for value := range n.changes(FieldEchoes) {
		for _, e := range value.MessageEchoes {
			out = append(out, e.normalize(value))
		}
	}
	return out
}

// Syncs returns the history and smb_app_state_sync changes in the notification, one per change.
func (n *Notification) Syncs() []Sync {
	var out []Sync
	for value := range n.changes(FieldHistory, FieldAppStateSync) {
		s := Sync{Field: value.field, PhoneNumberID: value.Metadata.PhoneNumberID, Items: len(value.StateSync)}
		for _, h := range value.History {
			for _, thread := range h.Threads {
				s.Items += len(thread.Messages)
			}
			s.Errors = append(s.Errors, convertErrors(h.Errors)...)
		}
		out = append(out, s)
	}
	return out
}

// wireEcho is one value.message_echoes[] item: an inbound message's shape plus the customer it went to.
type wireEcho struct {
	wireMessage
	To              string `json:"to"`
	ToUserID        string `json:"to_user_id"`
	RecipientUserID string `json:"recipient_user_id"`
	RecipientID     string `json:"recipient_id"`
}

// wireHistory is one value.history[] item; only its size and errors are read.
type wireHistory struct {
	Threads []struct {
		Messages []struct{} `json:"messages"`
	} `json:"threads"`
	Errors []wireError `json:"errors"`
}

func (e wireEcho) normalize(value changeValue) Echo {
	echo := Echo{
		ID:            e.ID,
		BusinessPhone: e.From,
		PhoneNumberID: value.Metadata.PhoneNumberID,
		Timestamp:     e.Timestamp.time(),
		To:            conversation.Address{UserID: firstNonEmpty(e.ToUserID, e.RecipientUserID)},
	}
	to := strings.TrimPrefix(strings.TrimSpace(firstNonEmpty(e.To, e.RecipientID)), "+")
	if conversation.IsUserID(to) {
		echo.To.UserID = firstNonEmpty(echo.To.UserID, to)
	} else {
		echo.To.Phone = to
	}
	e.fillContent(&echo.Content, true)
	return echo
}
