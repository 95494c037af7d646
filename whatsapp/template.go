package whatsapp

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxTemplateParamLength bounds one text parameter of a template's body.
const MaxTemplateParamLength = 1024

// SendTemplate sends the approved template name in language to the customer with wa_id to, bodyParams as the
// text parameters of its body, in order, and returns the message's WAMID. A template is the only message
// WhatsApp delivers outside the 24-hour customer-service window (wire-formats.md A5, A6).
func (c *Client) SendTemplate(ctx context.Context, to, name, language string, bodyParams []string) (messageID string, err error) {
	if err := validateTemplate(to, name, language, bodyParams); err != nil {
		return "", fmt.Errorf("send whatsapp template: %w", err)
	}
	t := &outboundTemplate{Name: name}
	t.Language.Code = language
	if len(bodyParams) > 0 {
		body := templateComponent{Type: "body"}
		for _, p := range bodyParams {
			body.Parameters = append(body.Parameters, templateParameter{Type: "text", Text: templateText(p)})
		}
		t.Components = []templateComponent{body}
	}
	request := outboundMessage{
		MessagingProduct: "whatsapp",
		RecipientType:    "individual",
		To:               to,
		Type:             "template",
		Template:         t,
	}
	id, err := c.send(ctx, request)
	if err != nil {
		return "", fmt.Errorf("send whatsapp template: %w", err)
	}
	return id, nil
}

func validateTemplate(to, name, language string, params []string) error {
	switch {
	case strings.TrimSpace(to) == "":
		return fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	case strings.TrimSpace(name) == "" || strings.TrimSpace(language) == "":
		return fmt.Errorf("%w: a template needs a name and a language", ErrInvalidMessage)
	}
	for i, p := range params {
		if strings.TrimSpace(p) == "" {
			return fmt.Errorf("%w: template parameter %d is empty", ErrInvalidMessage, i+1)
		}
		if utf8.RuneCountInString(p) > MaxTemplateParamLength {
			return fmt.Errorf("%w: template parameter %d is longer than %d characters", ErrInvalidMessage, i+1, MaxTemplateParamLength)
		}
	}
	return nil
}

// templateText is a parameter as WhatsApp accepts it: no new lines or tabs, and no more than four spaces in a
// row (Meta refuses those with error 132018).
func templateText(p string) string {
	return strings.Join(strings.Fields(p), " ")
}

type outboundTemplate struct {
	Name     string `json:"name"`
	Language struct {
		Code string `json:"code"`
	} `json:"language"`
	Components []templateComponent `json:"components,omitempty"`
}

type templateComponent struct {
	Type       string              `json:"type"`
	Parameters []templateParameter `json:"parameters"`
}

type templateParameter struct {
	Type string `json:"type"`
	Text string `json:"text"`
}
