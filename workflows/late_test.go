package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/workflows/conversation"
)

func (h *harness) sentInputs() []activities.SendInput {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]activities.SendInput(nil), h.sent...)
}

func TestLateReplyGoesOutAsTemplate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.settings.ReplyTemplate = true
	h.signal(time.Second, text("I want a refund"))
	h.at(time.Hour, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "Looking into it"}, func(r any, err error) {
			if err != nil {
				t.Errorf("reply in the window: %v", err)
			}
		})
	})
	h.at(2*time.Hour, func() {
		s := h.query(QueryStatus)
		if s.WindowClosesAt == nil || s.LastInbound == nil || !s.WindowClosesAt.Equal(s.LastInbound.Add(24*time.Hour)) {
			t.Errorf("window_closes_at %v, last inbound %v", s.WindowClosesAt, s.LastInbound)
		}
	})
	// An hour before the window closes, a durable timer refreshes the card, which says so.
	var lastInbound time.Time
	h.at(22*time.Hour, func() {
		s := h.query(QueryStatus)
		lastInbound = *s.LastInbound
		if n := h.windowWarnings(); n != 0 {
			t.Errorf("%d window warnings 2 hours before it closes", n)
		}
	})
	h.at(23*time.Hour+time.Minute, func() {
		if n := h.windowWarnings(); n != 1 {
			t.Errorf("%d window warnings within the hour", n)
		}
	})
	h.at(30*time.Hour, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "Your refund\nis on its way", Source: conversation.SourceConsole}, func(r any, err error) {
			if err != nil {
				t.Errorf("reply after the window: %v", err)
			}
		})
	})
	h.at(30*time.Hour+time.Minute, func() {
		s := h.query(QueryConversation)
		n := len(s.Transcript)
		if s.Transcript[n-2].From != conversation.FromAgent || s.Transcript[n-2].Delivery == conversation.DeliveryFailed ||
			!strings.Contains(s.Transcript[n-1].Text, "reply template") {
			t.Errorf("transcript ends %+v", s.Transcript[n-2:])
		}
	})
	h.run(32 * time.Hour)
	sent := h.sentInputs()
	last := sent[len(sent)-1]
	if !last.Template || last.Text != "Your refund\nis on its way" || sent[len(sent)-2].Template {
		t.Fatalf("sends: %+v", sent)
	}
	for _, n := range h.notices {
		if n.Card != nil && !n.Card.WindowClosesAt.IsZero() && !n.Card.WindowClosesAt.Equal(lastInbound.Add(24*time.Hour)) {
			t.Fatalf("card says the window closes at %v; the customer last wrote at %v", n.Card.WindowClosesAt, lastInbound)
		}
	}
}

// windowWarnings counts the card updates that say the window closes soon.
func (h *harness) windowWarnings() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, no := range h.notices {
		if no.Card != nil && !no.Card.WindowClosesAt.IsZero() {
			n++
		}
	}
	return n
}

func TestLateReplyRefusedWithoutTemplate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.at(30*time.Hour, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "still there?", Source: conversation.SourceConsole}, func(r any, err error) {
			if !isType(err, ErrTypeWindowClosed) || !strings.Contains(err.Error(), "WHATSAPP_REPLY_TEMPLATE") {
				t.Errorf("reply after 24h without a template: %v", err)
			} else if !strings.Contains(err.Error(), "kept in the transcript") {
				t.Errorf("the agent is not told the reply is kept: %v", err)
			}
		})
	})
	h.at(30*time.Hour+time.Minute, func() {
		s := h.query(QueryConversation)
		l := s.Transcript[len(s.Transcript)-1]
		if l.From != conversation.FromAgent || l.Text != "still there?" || l.Delivery != conversation.DeliveryFailed || l.Error == "" || l.Source != conversation.SourceConsole {
			t.Errorf("the refused reply is not in the transcript as not delivered: %+v", l)
		}
	})
	h.run(32 * time.Hour)
	if contains(h.sentTexts(), "still there?") {
		t.Fatalf("refused reply was sent: %q", h.sentTexts())
	}
}

// WhatsApp may know the window closed before supportd does (a delayed webhook): its 131047 sends the template.
func TestWindowClosedByWhatsAppFallsBackToTemplate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.settings.ReplyTemplate = true
	h.signal(time.Second, text("I want a refund"))
	h.at(time.Hour, func() {
		h.mu.Lock()
		h.windowClosed = true
		h.mu.Unlock()
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "On it"}, func(r any, err error) {
			if err != nil {
				t.Errorf("reply: %v", err)
			}
		})
	})
	h.run(2 * time.Hour)
	sent := h.sentInputs()
	if last := sent[len(sent)-1]; !last.Template || last.Text != "On it" {
		t.Fatalf("sends: %+v", sent)
	}
}

func TestAgentStartsConversation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		customer bool // the customer wrote an hour before: the window is open
		template bool
	}{{"recent window", true, false}, {"no window, template", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.settings.ReplyTemplate = tc.template
			if tc.customer {
				h.signal(time.Second, text("What are your trading hours?"))
			}
			h.at(time.Hour, func() {
				h.update(UpdateAgentMessage, ReplyRequest{Agent: "Sipho", Text: "Hi Thandi, your order is ready", Source: conversation.SourceAPI}, func(r any, err error) {
					if err != nil {
						t.Errorf("agent message: %v", err)
					}
				})
			})
			h.at(time.Hour+time.Minute, func() {
				s := h.query(QueryConversation)
				if s.Status != conversation.StatusHandoff || s.Assignee != "Sipho" || s.HandoffReason != "agent_takeover" {
					t.Errorf("after the agent's message: %s %q %s", s.Status, s.Assignee, s.HandoffReason)
				}
			})
			h.run(2 * time.Hour)
			sent := h.sentInputs()
			last := sent[len(sent)-1]
			if last.Text != "Hi Thandi, your order is ready" || last.Template == tc.customer {
				t.Fatalf("sends: %+v", sent)
			}
			if contains(h.sentTexts(), "joining this chat") {
				t.Fatalf("the customer got a handoff notice as well: %q", h.sentTexts())
			}
			if kinds := h.noticeKinds(); len(kinds) == 0 || kinds[0] != conversation.NoticeHandoff {
				t.Fatalf("agents got no card: %v", kinds)
			}
		})
	}
}
