package activities

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows/conversation"
)

// templateSender records templates and refuses everything else, as WhatsApp does outside the window.
type templateSender struct{ sent []string }

var errFreeForm = errors.New("free-form")

func (s *templateSender) SendText(context.Context, conversation.Address, string) (string, error) {
	return "", errFreeForm
}
func (s *templateSender) SendButtons(context.Context, conversation.Address, string, []conversation.Button) (string, error) {
	return "", errFreeForm
}
func (s *templateSender) SendTemplate(_ context.Context, to conversation.Address, name, language string, params []string) (string, error) {
	s.sent = append(s.sent, to.String()+"|"+name+"|"+language+"|"+strings.Join(params, ","))
	return "wamid.T", nil
}
func (s *templateSender) MarkRead(context.Context, string, bool) error { return nil }
func (s *templateSender) Classify(error) conversation.SendErrorKind    { return conversation.SendRejected }

func TestTemplateSendCarriesTheReply(t *testing.T) {
	s := &templateSender{}
	a := &Activities{Sender: s, Settings: Settings{ReplyTemplate: "agent_reply"}}
	res, err := a.Send(context.Background(), SendInput{To: conversation.AddressOf("27821234567"), Text: "Your refund is on its way", Kind: SendAgent, Template: true})
	if err != nil || res.MessageID != "wamid.T" {
		t.Fatalf("send: %v %+v", err, res)
	}
	if len(s.sent) != 1 || s.sent[0] != "27821234567|agent_reply|en|Your refund is on its way" {
		t.Fatalf("sent %q", s.sent)
	}
}

func TestTemplateSendWithoutTemplateIsRefusedWithAHint(t *testing.T) {
	s := &templateSender{}
	a := &Activities{Sender: s}
	_, err := a.Send(context.Background(), SendInput{To: conversation.AddressOf("27821234567"), Text: "late", Kind: SendAgent, Template: true})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrTypeWindowClosed || !appErr.NonRetryable() || !strings.Contains(appErr.Message(), "WHATSAPP_REPLY_TEMPLATE") {
		t.Fatalf("error %v", err)
	}
	if len(s.sent) != 0 {
		t.Fatalf("sent %q", s.sent)
	}
}

func TestSettingsCountUnclaimedTimeInSupportHours(t *testing.T) {
	k, err := kb.Parse([]byte("business:\n  name: X\n  timezone: UTC\n  support_hours:\n    mon-fri: \"08:00-17:00\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	friday := time.Date(2026, 12, 4, 16, 58, 0, 0, time.UTC)
	a := &Activities{KB: k, Now: func() time.Time { return friday }, Settings: Settings{UnclaimedTimeout: 5 * time.Minute, ReplyTemplate: "agent_reply"}}
	s, err := a.CurrentSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 7, 8, 3, 0, 0, time.UTC).Sub(friday); s.UnclaimedAfter != want || s.UnclaimedTimeout != 5*time.Minute || !s.ReplyTemplate {
		t.Fatalf("unclaimed after %v (want %v), timeout %v, template %v", s.UnclaimedAfter, want, s.UnclaimedTimeout, s.ReplyTemplate)
	}
	a.Settings.UnclaimedTimeout = 0
	if s, _ := a.CurrentSettings(context.Background()); s.UnclaimedAfter != 0 {
		t.Fatalf("timeout off: %v", s.UnclaimedAfter)
	}
}
