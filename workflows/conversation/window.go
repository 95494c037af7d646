package conversation

import "time"

// WhatsApp's rules on what a business may send (wire-formats.md A6), as the conversation applies them.
const (
	// ServiceWindow is how long after a customer's last message the business may send free-form messages
	// (text, buttons, media). Outside it only an approved template can be sent, and a free-form send fails
	// with error 131047.
	ServiceWindow = 24 * time.Hour
	// MaxTextLength is the most characters (runes) a text message may have, from the bot or an agent.
	MaxTextLength = 4096
)

// WindowOpen reports whether the customer-service window is open at now for a customer whose last inbound
// message arrived at lastInbound: it closes exactly ServiceWindow after it. A zero lastInbound (no message
// yet) means the window is closed.
func WindowOpen(lastInbound, now time.Time) bool {
	if lastInbound.IsZero() {
		return false
	}
	return now.Sub(lastInbound) < ServiceWindow
}
