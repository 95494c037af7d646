package whatsapp

import "strings"

// TemplateText is a text as a template parameter can carry it: WhatsApp refuses a parameter with a new line,
// a tab or more than four spaces in a row (error 132018), so every run of white space becomes one space. An
// agent's multi-line reply sent as the reply template reads as one paragraph.
func TemplateText(p string) string {
	return strings.Join(strings.Fields(p), " ")
}
