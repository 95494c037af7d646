package conversation

import (
	"context"
	"encoding/json"
	"time"
)

// The outside world as the conversation needs it. The activities call these; WhatsApp (or the dev
// simulator), Slack (or nothing) and Redis implement them.

// Address is how a message reaches a customer: their phone (wa_id) when it is known, else their
// business-scoped user ID (docs/CONTRACT.md, "Customers and their identifiers"). A sender puts Phone in
// WhatsApp's "to" and UserID in "recipient", and never a user ID in "to".
type Address struct {
	Phone  string `json:"phone,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

// IsZero reports whether the address names nobody.
func (a Address) IsZero() bool { return a.Phone == "" && a.UserID == "" }

// String is the identifier a message goes to: the phone when known, else the user ID.
func (a Address) String() string {
	if a.Phone != "" {
		return a.Phone
	}
	return a.UserID
}

// UnmarshalJSON also reads the single identifier that earlier versions sent as "to" (a wa_id, or a user ID
// such as "ZA.1349…"), so activities scheduled before an upgrade still run after it.
func (a *Address) UnmarshalJSON(b []byte) error {
	var id string
	if json.Unmarshal(b, &id) == nil {
		*a = AddressOf(id)
		return nil
	}
	type plain Address
	return json.Unmarshal(b, (*plain)(a))
}

// AddressOf addresses a customer known by one identifier of either kind, such as a conversation key.
func AddressOf(id string) Address {
	if IsUserID(id) {
		return Address{UserID: id}
	}
	return Address{Phone: id}
}

// MaxUserIDTail is the most letters and digits a business-scoped user ID has after its country code and dot
// (wire-formats.md A8).
const MaxUserIDTail = 128

// IsUserID reports whether id can be a business-scoped user ID (BSUID): two uppercase ASCII letters, a dot,
// then 1 to MaxUserIDTail ASCII letters and digits, as in "ZA.13491208655302741918". A wa_id is digits only.
func IsUserID(id string) bool {
	if len(id) < 4 || len(id) > 3+MaxUserIDTail || id[2] != '.' || !upper(id[0]) || !upper(id[1]) {
		return false
	}
	for i := 3; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || upper(c)) {
			return false
		}
	}
	return true
}

func upper(c byte) bool { return c >= 'A' && c <= 'Z' }

// Sender delivers messages to a customer: the WhatsApp Graph API, or the built-in simulator in dev mode.
type Sender interface {
	SendText(ctx context.Context, to Address, text string) (string, error)
	SendButtons(ctx context.Context, to Address, body string, buttons []Button) (string, error)
	// SendTemplate sends an approved template, its body parameters in order (outside the 24-hour window).
	SendTemplate(ctx context.Context, to Address, name, language string, bodyParams []string) (string, error)
	MarkRead(ctx context.Context, messageID string, typing bool) error
	// Classify sorts a send error: retryable, window closed (131047), or rejected for good.
	Classify(err error) SendErrorKind
}

// SendErrorKind is how a send failure must be handled.
type SendErrorKind int

// The kinds of send failure.
const (
	SendRetryable SendErrorKind = iota
	SendWindowClosed
	SendRejected
)

// Notifier tells agents about a conversation: the Slack card and thread, or nothing when only the built-in
// console is used (the console reads the workflow directly).
type Notifier interface {
	Notify(ctx context.Context, n Notice) (NoticeResult, error)
}

// StatusMirror copies the conversation's status into fast shared storage (Redis) for other systems and the
// console's list.
type StatusMirror interface {
	Mirror(ctx context.Context, m Mirror) error
}

// TurnClaim is what an attempt of the reply activity found when it asked to send its bot turn's reply.
type TurnClaim struct {
	State TurnState
	// MessageID is the WhatsApp id of the reply an earlier attempt sent (TurnSent).
	MessageID string
	// Wait is how long another attempt's claim may still last (TurnBusy).
	Wait time.Duration
}

// TurnState is the state of a bot turn's fence.
type TurnState int

// The states of a bot turn's fence, as an attempt claiming it finds them.
const (
	// TurnClaimed: the attempt may send the reply.
	TurnClaimed TurnState = iota
	// TurnStopped: the bot was stopped first; nothing may be sent.
	TurnStopped
	// TurnSent: an earlier attempt sent the reply.
	TurnSent
	// TurnBusy: an earlier attempt is sending it, until its claim lapses.
	TurnBusy
)
