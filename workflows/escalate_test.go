package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows/conversation"
)

// escalating is a harness whose worker escalates handoffs unclaimed for 5 minutes, around the clock.
func escalating(t *testing.T) *harness {
	h := newHarness(t)
	h.settings.UnclaimedTimeout, h.settings.UnclaimedAfter = 5*time.Minute, 5*time.Minute
	return h
}

func (h *harness) count(kind conversation.NoticeKind) int {
	n := 0
	for _, k := range h.noticeKinds() {
		if k == kind {
			n++
		}
	}
	return n
}

func countContaining(list []string, sub string) int {
	n := 0
	for _, s := range list {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

const waitWordsSent = "Sorry for the wait"

func TestUnclaimedHandoffEscalatesOnce(t *testing.T) {
	t.Parallel()
	h := escalating(t)
	h.signal(time.Second, text("I want a refund for order 5544"))
	h.at(4*time.Minute, func() {
		if s := h.query(QueryStatus); s.Overdue || s.EscalatedAt != nil {
			t.Errorf("overdue before the timeout: %+v", s)
		}
	})
	h.at(6*time.Minute, func() {
		s := h.query(QueryConversation)
		if !s.Overdue || s.EscalatedAt == nil || !s.EscalatedAt.Equal(s.HandoffAt.Add(5*time.Minute)) {
			t.Errorf("not overdue 5m after the handoff: overdue %v at %v (handoff %v)", s.Overdue, s.EscalatedAt, s.HandoffAt)
		}
		if !strings.Contains(s.Transcript[len(s.Transcript)-1].Text, "Sorry for the wait") {
			t.Errorf("transcript ends %+v", s.Transcript[len(s.Transcript)-1])
		}
	})
	// More customer messages and the idle timer do not escalate again.
	h.signal(10*time.Minute, text("hello??"))
	h.signal(3*time.Hour, text("anyone?"))
	h.at(4*time.Hour, func() {
		if s := h.query(QueryStatus); !s.Overdue || s.Status != conversation.StatusAwaitingConfirmation {
			t.Errorf("still unclaimed after the idle timer: %s overdue %v", s.Status, s.Overdue)
		}
		h.update(UpdateTakeover, TakeoverRequest{Agent: "Sipho"}, func(r any, err error) {
			if err != nil {
				t.Errorf("takeover: %v", err)
			}
		})
	})
	h.at(4*time.Hour+time.Minute, func() {
		if s := h.query(QueryStatus); s.Overdue || s.EscalatedAt != nil {
			t.Errorf("overdue once taken: %+v", s)
		}
	})
	h.run(5 * time.Hour)
	if n := h.count(conversation.NoticeEscalation); n != 1 {
		t.Fatalf("%d escalations, want 1: %v", n, h.noticeKinds())
	}
	if n := countContaining(h.sentTexts(), waitWordsSent); n != 1 {
		t.Fatalf("the customer was told %d times about the wait: %q", n, h.sentTexts())
	}
	for _, n := range h.notices {
		if n.Kind == conversation.NoticeEscalation {
			if n.Card == nil || n.Card.EscalatedAt.IsZero() || n.Card.UnclaimedTimeout != 5*time.Minute || n.Ref.TS == "" {
				t.Fatalf("escalation without the overdue card in its thread: %+v", n)
			}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	overdue := false
	for _, m := range h.mirrors {
		overdue = overdue || m.Overdue
	}
	if !overdue || h.mirrors[len(h.mirrors)-1].Overdue {
		t.Fatalf("the console's list was not marked overdue, then cleared on takeover")
	}
}

func TestUnclaimedTimerCancelledByTakeoverOrReply(t *testing.T) {
	t.Parallel()
	for name, act := range map[string]func(h *harness){
		"takeover": func(h *harness) {
			h.update(UpdateTakeover, TakeoverRequest{Agent: "Sipho"}, func(r any, err error) {
				if err != nil {
					h.t.Errorf("takeover: %v", err)
				}
			})
		},
		"reply": func(h *harness) {
			h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "Hi Thandi, on it"}, func(r any, err error) {
				if err != nil {
					h.t.Errorf("reply: %v", err)
				}
			})
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := escalating(t)
			h.signal(time.Second, text("I want a refund"))
			h.at(4*time.Minute, func() { act(h) })
			h.at(20*time.Minute, func() {
				if s := h.query(QueryStatus); s.Overdue || s.Assignee != "Sipho" {
					t.Errorf("after %s: overdue %v assignee %q", name, s.Overdue, s.Assignee)
				}
			})
			h.run(time.Hour)
			if n := h.count(conversation.NoticeEscalation); n != 0 {
				t.Fatalf("escalated after %s: %v", name, h.noticeKinds())
			}
			if n := countContaining(h.sentTexts(), waitWordsSent); n != 0 {
				t.Fatalf("customer told of a wait after %s: %q", name, h.sentTexts())
			}
		})
	}
}

func TestUnclaimedTimerOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t) // UNCLAIMED 0: no timer
	h.signal(time.Second, text("I want a refund"))
	h.run(3 * time.Hour)
	if n := h.count(conversation.NoticeEscalation); n != 0 || countContaining(h.sentTexts(), waitWordsSent) != 0 {
		t.Fatalf("escalated with the timer off: %v %q", h.noticeKinds(), h.sentTexts())
	}
}

// A handoff late on Friday waits for the weekend to pass: the 5 minutes count in support hours only.
func TestUnclaimedTimerCountsSupportHoursAcrossWeekend(t *testing.T) {
	t.Parallel()
	k, err := kb.Parse([]byte("business:\n  name: Baobab\n  timezone: Africa/Johannesburg\n  support_hours:\n    mon-fri: \"08:00-17:00\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	loc := k.Location()
	friday := time.Date(2026, 12, 4, 16, 58, 0, 0, loc)
	h := newHarness(t)
	h.env.SetStartTime(friday)
	h.live = &activities.Activities{KB: k, Now: h.env.Now,
		Settings: activities.Settings{IdleTimeout: 30 * time.Minute, UnclaimedTimeout: 5 * time.Minute}}
	monday := time.Date(2026, 12, 7, 8, 3, 0, 0, loc) // 2 minutes on Friday, 3 on Monday
	h.signal(time.Second, text("I want a refund"))
	h.at(monday.Sub(friday)-2*time.Minute, func() {
		if s := h.query(QueryStatus); s.Overdue {
			t.Errorf("escalated during the weekend, at %v", s.EscalatedAt)
		}
	})
	h.at(monday.Sub(friday)+2*time.Minute, func() {
		s := h.query(QueryStatus)
		if !s.Overdue || s.EscalatedAt == nil || s.EscalatedAt.Sub(monday).Abs() > 2*time.Second {
			t.Errorf("not escalated on Monday 08:03: overdue %v at %v", s.Overdue, s.EscalatedAt)
		}
	})
	h.run(monday.Sub(friday) + time.Hour)
	if n := h.count(conversation.NoticeEscalation); n != 1 {
		t.Fatalf("%d escalations: %v", n, h.noticeKinds())
	}
	// The customer last wrote on Friday, within 24 hours? No: Monday is outside the window, so they are not
	// messaged, and the transcript says why.
	if n := countContaining(h.sentTexts(), waitWordsSent); n != 0 {
		t.Fatalf("free-form wait notice outside the 24-hour window: %q", h.sentTexts())
	}
}

func TestWaitNoticeSaysWhenPeopleAreBack(t *testing.T) {
	t.Parallel()
	open := waitNotice(conversation.Settings{InSupportHours: true})
	closed := waitNotice(conversation.Settings{NextOpening: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)})
	if !strings.Contains(open, "as soon as") || !strings.Contains(closed, "Monday 08:00") {
		t.Fatalf("wait notices: %q / %q", open, closed)
	}
}
