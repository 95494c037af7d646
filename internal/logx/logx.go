// Package logx holds the logging conventions: customer phone numbers are masked, secrets never logged.
package logx

import (
	"log/slog"
	"strings"
)

// MaskPhone hides all but the last four digits of a phone number or wa_id: "27821234567" becomes "*******4567".
func MaskPhone(phone string) string {
	phone = strings.TrimSpace(phone)
	if len(phone) <= 4 {
		return strings.Repeat("*", len(phone))
	}
	return strings.Repeat("*", len(phone)-4) + phone[len(phone)-4:]
}

// Phone is a slog attribute carrying a masked wa_id under the key "wa_id".
func Phone(phone string) slog.Attr { return slog.String("wa_id", MaskPhone(phone)) }
