package worker

import (
	"context"
	"errors"
	"fmt"
	"github.com/supportd/supportd/workflows/conversation"

	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/whatsapp"
)

// whatsappSender sends through the WhatsApp Graph API.
type whatsappSender struct {
	client  *whatsapp.Client
	metrics *metrics.Metrics
}

func (s whatsappSender) SendText(ctx context.Context, to conversation.Address, text string) (string, error) {
	sent, err := s.client.SendTextTo(ctx, whatsapp.To{Phone: to.Phone, UserID: to.UserID}, text)
	return sent.MessageID, s.count(err)
}

func (s whatsappSender) SendButtons(ctx context.Context, to conversation.Address, body string, buttons []conversation.Button) (string, error) {
	sent, err := s.client.SendButtonsTo(ctx, whatsapp.To{Phone: to.Phone, UserID: to.UserID}, body, buttons)
	return sent.MessageID, s.count(err)
}

func (s whatsappSender) MarkRead(ctx context.Context, messageID string, typing bool) error {
	return s.count(s.client.MarkRead(ctx, messageID, typing))
}

func (s whatsappSender) Classify(err error) conversation.SendErrorKind {
	switch {
	case whatsapp.IsWindowClosed(err):
		return conversation.SendWindowClosed
	case whatsapp.IsRetryable(err):
		return conversation.SendRetryable
	}
	return conversation.SendRejected
}

// Refused reports whether WhatsApp certainly did not take the message of a failed send.
func (s whatsappSender) Refused(err error) bool { return whatsapp.IsRefused(err) }

func (s whatsappSender) count(err error) error {
	if err == nil {
		return nil
	}
	code := 0
	var apiErr *whatsapp.APIError
	if errors.As(err, &apiErr) {
		code = apiErr.Code
		if code == 0 {
			code = apiErr.HTTPStatus
		}
	}
	s.metrics.DownstreamError("whatsapp", code)
	return err
}

func (s whatsappSender) SendTemplate(ctx context.Context, to conversation.Address, name, language string, bodyParams []string) (string, error) {
	if len(bodyParams) > 1 {
		return "", fmt.Errorf("%w: the reply template carries one body parameter, not %d", whatsapp.ErrInvalidMessage, len(bodyParams))
	}
	t := whatsapp.Template{Name: name, Language: language}
	if len(bodyParams) == 1 {
		t.BodyText = whatsapp.TemplateText(bodyParams[0])
	}
	sent, err := s.client.SendTemplate(ctx, whatsapp.To{Phone: to.Phone, UserID: to.UserID}, t)
	return sent.MessageID, s.count(err)
}
