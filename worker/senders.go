package worker

import (
	"context"
	"errors"
	"github.com/supportd/supportd/workflows/conversation"

	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/whatsapp"
)

// whatsappSender sends through the WhatsApp Graph API.
type whatsappSender struct {
	client  *whatsapp.Client
	metrics *metrics.Metrics
}

func (s whatsappSender) SendText(ctx context.Context, to, text string) (string, error) {
	id, err := s.client.SendText(ctx, to, text)
	return id, s.count(err)
}

func (s whatsappSender) SendButtons(ctx context.Context, to, body string, buttons []conversation.Button) (string, error) {
	bs := make([]whatsapp.Button, len(buttons))
	for i, b := range buttons {
		bs[i] = whatsapp.Button{ID: b.ID, Title: b.Title}
	}
	id, err := s.client.SendButtons(ctx, to, body, bs)
	return id, s.count(err)
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

func (s whatsappSender) SendTemplate(ctx context.Context, to, name, language string, bodyParams []string) (string, error) {
	id, err := s.client.SendTemplate(ctx, to, name, language, bodyParams)
	return id, s.count(err)
}
