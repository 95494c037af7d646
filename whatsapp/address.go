package whatsapp

import (
	"fmt"
	"strings"

	"github.com/supportd/supportd/workflows/conversation"
)

// A send is addressed with a conversation.Address. WhatsApp knows a customer by phone number (wa_id), by
// business-scoped user ID (BSUID), or both (wire-formats.md A8). A send goes to Phone, in the request's "to",
// whenever it is set; otherwise to UserID, in "recipient" with "recipient_type":"individual". A BSUID is never
// put in "to": WhatsApp would accept the message and silently drop it, so a Phone that looks like one is
// refused before sending (ErrInvalidMessage).

// ReplyTo addresses the sender of m, with the identifiers of m that are valid: the phone when it is a wa_id,
// and the business-scoped user ID when it is one. A send then goes to the phone if there is one.
func (m Message) ReplyTo() conversation.Address {
	var to conversation.Address
	if ValidWaID(m.Phone) {
		to.Phone = m.Phone
	}
	if conversation.IsUserID(m.UserID) {
		to.UserID = m.UserID
	}
	if to.IsZero() {
		to = conversation.AddressOf(strings.TrimSpace(m.From))
	}
	return to
}

// CheckAddress reports whether t can be sent to: it has a Phone that is not a business-scoped user ID, or else
// a valid UserID. The error wraps ErrInvalidMessage.
func CheckAddress(t conversation.Address) error {
	_, _, err := addressFields(t)
	return err
}

// fields returns the values for the request's "to" and "recipient"; exactly one is set.
func addressFields(t conversation.Address) (to, recipient string, err error) {
	phone := strings.TrimSpace(t.Phone)
	if phone != "" {
		digits := strings.TrimPrefix(phone, "+")
		if conversation.IsUserID(digits) || strings.ContainsFunc(digits, isASCIILetter) {
			return "", "", fmt.Errorf("%w: the phone number is a business-scoped user ID (%s); address it as UserID",
				ErrInvalidMessage, shape(digits))
		}
		return phone, "", nil
	}
	userID := strings.TrimSpace(t.UserID)
	switch {
	case userID == "":
		return "", "", fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	case !conversation.IsUserID(userID):
		return "", "", fmt.Errorf("%w: recipient %s is not a business-scoped user ID (CC.alphanumerics)", ErrInvalidMessage, shape(userID))
	}
	return "", userID, nil
}

func isASCIILetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }
