package whatsapp

import (
	"errors"
	"fmt"

	"github.com/supportd/supportd/workflows/conversation"
)

// Bounds of the identifiers WhatsApp sends. A wa_id is a phone number in international format without "+"
// (E.164 allows 15 digits; a little slack costs nothing). A business-scoped user ID is a two-letter country
// code, a dot and up to 128 letters and digits (wire-formats.md A8). A WAMID is up to 128 characters; twice
// that leaves room for a longer format without accepting anything absurd.
const (
	MinWaIDDigits    = 5
	MaxWaIDDigits    = 20
	MaxMessageIDSize = 256
)

// ErrInvalidSender and ErrInvalidMessageID mark a message that can never be processed: no retry of the same
// notification can change its sender or its id. Validate wraps one of them with the reason.
var (
	ErrInvalidSender    = errors.New("invalid sender")
	ErrInvalidMessageID = errors.New("invalid message id")
)

// ValidWaID reports whether s can be a WhatsApp ID (wa_id): 5 to 20 ASCII digits.
func ValidWaID(s string) bool {
	if len(s) < MinWaIDDigits || len(s) > MaxWaIDDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidMessageID reports whether s can be a WhatsApp message id (WAMID): 1 to 256 printable ASCII characters
// without spaces.
func ValidMessageID(s string) bool {
	if len(s) == 0 || len(s) > MaxMessageIDSize {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Validate reports whether m can be handed to a conversation: its sender has a valid wa_id (Phone) or a
// valid business-scoped user ID (UserID), which Parse puts in From, and its id is a WAMID. The error wraps
// ErrInvalidSender or ErrInvalidMessageID and says what is wrong without quoting the value, which may be
// anything up to a few megabytes. Only From is checked: a Phone or UserID beside a valid From may be
// malformed, so check it with ValidWaID or conversation.IsUserID before relying on it (Message.ReplyTo does).
func (m Message) Validate() error {
	return validateIdentifiers(m.From, m.ID)
}

// validateIdentifiers checks the key a sender is known by and a message id.
func validateIdentifiers(key, id string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: no wa_id or business-scoped user ID", ErrInvalidSender)
	case !ValidWaID(key) && !conversation.IsUserID(key):
		return fmt.Errorf("%w: %s is neither a wa_id (%d-%d digits) nor a business-scoped user ID (CC.alphanumerics)",
			ErrInvalidSender, shape(key), MinWaIDDigits, MaxWaIDDigits)
	case id == "":
		return fmt.Errorf("%w: no message id", ErrInvalidMessageID)
	case !ValidMessageID(id):
		return fmt.Errorf("%w: %s is not up to %d printable ASCII characters", ErrInvalidMessageID, shape(id), MaxMessageIDSize)
	}
	return nil
}

// shape describes a rejected identifier for a log line without repeating it: its length and the first
// character that disqualifies it.
func shape(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return fmt.Sprintf("a value of %d bytes with byte 0x%02x at offset %d", len(s), c, i)
		}
	}
	return fmt.Sprintf("a value of %d bytes", len(s))
}
