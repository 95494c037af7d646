package whatsapp

import "time"

// ServiceWindow is how long after a customer's last message the business may send free-form messages
// (text, buttons, media). Outside it only an approved template can be sent, and a free-form send fails with
// error 131047.
const ServiceWindow = 24 * time.Hour

// WindowOpen reports whether the customer-service window is open at now for a customer whose last inbound
// message arrived at lastInbound. A zero lastInbound (no message yet) means the window is closed.
func WindowOpen(lastInbound, now time.Time) bool {
	if lastInbound.IsZero() {
		return false
	}
	return now.Sub(lastInbound) < ServiceWindow
}
