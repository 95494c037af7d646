package conversation

import "time"

// MessageKind is what sort of WhatsApp message a customer sent.
type MessageKind string

// The kinds of customer message.
const (
	KindText        MessageKind = "text"
	KindButton      MessageKind = "button"
	KindMedia       MessageKind = "media"
	KindVoice       MessageKind = "voice"
	KindLocation    MessageKind = "location"
	KindContacts    MessageKind = "contacts"
	KindReaction    MessageKind = "reaction"
	KindUnsupported MessageKind = "unsupported"
	KindSystem      MessageKind = "system"
	// KindIdentity is a system message that changed the customer's identifiers (a new number, a new user ID).
	KindIdentity MessageKind = "identity"
	// KindEcho is a message someone sent the customer from the WhatsApp Business app on the same number.
	KindEcho MessageKind = "echo"
	// KindDelivery is WhatsApp reporting that an outbound message (RefID) was not delivered.
	KindDelivery MessageKind = "delivery"
)

// Message is one inbound WhatsApp message, as the gateway delivers it (the workflow's customer-message signal).
// The gateway delivers on the same signal, in the order WhatsApp sent them, what the Business app sent the
// customer (KindEcho), changes of the customer's identifiers (KindIdentity) and failed deliveries
// (KindDelivery).
type Message struct {
	ID string `json:"id"`
	// Phone is the conversation key the gateway resolved; WaID, UserID and Username are the customer's
	// identifiers as this message carried them (the new ones, for KindIdentity).
	Phone    string      `json:"phone"`
	WaID     string      `json:"wa_id,omitempty"`
	UserID   string      `json:"user_id,omitempty"`
	Username string      `json:"username,omitempty"`
	Name     string      `json:"name,omitempty"`
	Kind     MessageKind `json:"kind"`
	// Text is the message text, a button's title, or a description of a non-text message ("[image] caption").
	Text     string `json:"text"`
	ButtonID string `json:"button_id,omitempty"`
	// At is when the customer sent it; ReceivedAt when the gateway received it.
	At         time.Time `json:"at"`
	ReceivedAt time.Time `json:"received_at,omitempty"`
	// RefID, Delivery and Error are, for KindDelivery, the outbound message WhatsApp reported on, what it
	// reported, and why it failed in words.
	RefID    string   `json:"ref_id,omitempty"`
	Delivery Delivery `json:"delivery,omitempty"`
	Error    string   `json:"error,omitempty"`
	// Held is set when the message arrived while a person held the conversation: it is theirs to answer,
	// even if the conversation is back with the bot by the time it is handled.
	Held bool `json:"held,omitempty"`
}
