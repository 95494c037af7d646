package whatsapp

import (
	"context"
	"errors"
	"fmt"

	"github.com/supportd/supportd/workflows/conversation"

	"github.com/supportd/supportd/internal/metrics"
)

// Sender is the conversation's Sender over the Graph API: it sends what the conversation says, reads
// WhatsApp's errors into what the conversation does about them, and counts the errors by code.
type Sender struct {
	client  *Client
	metrics *metrics.Metrics
}

// NewSender is the conversation's Sender through c; m may be nil.
func NewSender(c *Client, m *metrics.Metrics) Sender { return Sender{client: c, metrics: m} }

func (s Sender) SendText(ctx context.Context, to conversation.Address, text string) (string, error) {
	sent, err := s.client.SendTextTo(ctx, to, text)
	return sent.MessageID, s.count(err)
}

func (s Sender) SendButtons(ctx context.Context, to conversation.Address, body string, buttons []conversation.Button) (string, error) {
	sent, err := s.client.SendButtonsTo(ctx, to, body, buttons)
	return sent.MessageID, s.count(err)
}

func (s Sender) MarkRead(ctx context.Context, messageID string, typing bool) error {
	return s.count(s.client.MarkRead(ctx, messageID, typing))
}

func (s Sender) Classify(err error) conversation.SendErrorKind {
	switch {
	case IsWindowClosed(err):
		return conversation.SendWindowClosed
	case IsRetryable(err):
		return conversation.SendRetryable
	}
	return conversation.SendRejected
}

// Refused reports whether WhatsApp certainly did not take the message of a failed send.
func (s Sender) Refused(err error) bool { return IsRefused(err) }

func (s Sender) count(err error) error {
	if err == nil {
		return nil
	}
	code := 0
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		code = apiErr.Code
		if code == 0 {
			code = apiErr.HTTPStatus
		}
	}
	s.metrics.DownstreamError("whatsapp", code)
	return err
}

func (s Sender) SendTemplate(ctx context.Context, to conversation.Address, name, language string, bodyParams []string) (string, error) {
	if len(bodyParams) > 1 {
		return "", fmt.Errorf("%w: the reply template carries one body parameter, not %d", ErrInvalidMessage, len(bodyParams))
	}
	t := Template{Name: name, Language: language}
	if len(bodyParams) == 1 {
		t.BodyText = TemplateText(bodyParams[0])
	}
	sent, err := s.client.SendTemplate(ctx, to, t)
	return sent.MessageID, s.count(err)
}
