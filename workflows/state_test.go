package workflows

import (
	"slices"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

func TestTransition(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	sipho := Agent{Name: "Sipho", ID: "U1"}
	lerato := Agent{Name: "Lerato", ID: "U2"}
	bot := func() State {
		return State{Status: conversation.StatusActive, Settings: conversation.Settings{IdleTimeout: time.Hour}}
	}
	waiting := func() State {
		s := bot()
		s.Transition(Event{Kind: EvHandoff, Reason: handoff.ReasonRefund, At: t0})
		s.Todo = nil
		return s
	}
	held := func() State {
		s := waiting()
		s.Transition(Event{Kind: EvTakeover, Agent: sipho, At: t0})
		return s
	}
	confirming := func() State {
		s := held()
		s.Transition(Event{Kind: EvIdle, At: t0.Add(time.Hour)})
		return s
	}
	cases := []struct {
		name       string
		from       State
		ev         Event
		status     conversation.Status
		assignee   string
		reason     handoff.Reason
		newGen     bool
		stopBot    bool
		heldBy     string
		followup   FollowupKind
		notices    []conversation.NoticeKind
		idleAt     time.Duration // from t0; -1 for no timer
		lineSuffix string
	}{
		{name: "bot hands off", from: bot(), ev: Event{Kind: EvHandoff, Reason: handoff.ReasonRefund, At: t0},
			status: conversation.StatusHandoff, reason: handoff.ReasonRefund, newGen: true, stopBot: true, followup: DoAnnounce, idleAt: time.Hour, lineSuffix: "Refund request"},
		{name: "agent takes from the bot", from: bot(), ev: Event{Kind: EvTakeover, Agent: sipho, At: t0},
			status: conversation.StatusHandoff, assignee: "Sipho", reason: handoff.ReasonAgentTakeover, newGen: true, stopBot: true, followup: DoAnnounce, idleAt: time.Hour, lineSuffix: "Taken over by Sipho"},
		{name: "handoff while people have it changes nothing", from: held(), ev: Event{Kind: EvHandoff, Reason: handoff.ReasonAngry, At: t0.Add(time.Minute)},
			status: conversation.StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, idleAt: time.Hour},
		{name: "first agent takes a waiting handoff", from: waiting(), ev: Event{Kind: EvTakeover, Agent: sipho, At: t0.Add(time.Minute)},
			status: conversation.StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, notices: []conversation.NoticeKind{conversation.NoticeCardUpdate}, idleAt: time.Hour + time.Minute, lineSuffix: "Taken over by Sipho"},
		{name: "second agent is told who has it", from: held(), ev: Event{Kind: EvTakeover, Agent: lerato, At: t0.Add(time.Minute)},
			status: conversation.StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, heldBy: "Sipho", idleAt: time.Hour},
		{name: "first to reply holds it", from: waiting(), ev: Event{Kind: EvReply, Agent: lerato, At: t0.Add(time.Minute)},
			status: conversation.StatusHandoff, assignee: "Lerato", reason: handoff.ReasonRefund, notices: []conversation.NoticeKind{conversation.NoticeCardUpdate}, idleAt: time.Hour + time.Minute, lineSuffix: "Taken over by Lerato"},
		{name: "a reply restarts the idle timer", from: held(), ev: Event{Kind: EvReply, Agent: sipho, At: t0.Add(10 * time.Minute)},
			status: conversation.StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, notices: []conversation.NoticeKind{conversation.NoticeCardUpdate}, idleAt: 70 * time.Minute},
		{name: "a note restarts the idle timer", from: held(), ev: Event{Kind: EvNote, Agent: sipho, At: t0.Add(10 * time.Minute)},
			status: conversation.StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, idleAt: 70 * time.Minute},
		{name: "idle asks for confirmation", from: held(), ev: Event{Kind: EvIdle, At: t0.Add(time.Hour)},
			status: conversation.StatusAwaitingConfirmation, assignee: "Sipho", reason: handoff.ReasonRefund, newGen: true,
			notices: []conversation.NoticeKind{conversation.NoticeConfirmPrompt, conversation.NoticeCardUpdate}, idleAt: -1, lineSuffix: "keep it"},
		{name: "a note does not answer the prompt", from: confirming(), ev: Event{Kind: EvNote, Agent: sipho, At: t0.Add(2 * time.Hour)},
			status: conversation.StatusAwaitingConfirmation, assignee: "Sipho", reason: handoff.ReasonRefund, idleAt: -1},
		{name: "keep goes back to people", from: confirming(), ev: Event{Kind: EvKeep, Agent: lerato, At: t0.Add(2 * time.Hour)},
			status: conversation.StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, newGen: true, notices: []conversation.NoticeKind{conversation.NoticeCardUpdate}, idleAt: 3 * time.Hour, lineSuffix: "Kept with a person by Lerato"},
		{name: "a reply to the prompt keeps it with people", from: confirming(), ev: Event{Kind: EvReply, Agent: sipho, At: t0.Add(2 * time.Hour)},
			status: conversation.StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, newGen: true, notices: []conversation.NoticeKind{conversation.NoticeCardUpdate}, idleAt: 3 * time.Hour},
		{name: "return to the bot", from: confirming(), ev: Event{Kind: EvReturn, Agent: lerato, At: t0.Add(2 * time.Hour)},
			status: conversation.StatusActive, reason: handoff.ReasonRefund, newGen: true, followup: DoWelcomeBack, notices: []conversation.NoticeKind{conversation.NoticeCardUpdate}, idleAt: -1, lineSuffix: "Returned to the bot by Lerato"},
		{name: "agents' actions need a handoff", from: bot(), ev: Event{Kind: EvReply, Agent: sipho, At: t0},
			status: conversation.StatusActive, idleAt: -1},
		{name: "return while the bot has it", from: bot(), ev: Event{Kind: EvReturn, Agent: sipho, At: t0},
			status: conversation.StatusActive, idleAt: -1},
		{name: "idle while confirming", from: confirming(), ev: Event{Kind: EvIdle, At: t0.Add(3 * time.Hour)},
			status: conversation.StatusAwaitingConfirmation, assignee: "Sipho", reason: handoff.ReasonRefund, idleAt: -1},
		{name: "a Business app reply stops the bot", from: bot(), ev: Event{Kind: EvEcho, Agent: Agent{Name: conversation.BusinessAppAgent}, At: t0},
			status: conversation.StatusHandoff, assignee: conversation.BusinessAppAgent, reason: handoff.ReasonBusinessAppReply, newGen: true, stopBot: true, followup: DoAnnounce, idleAt: time.Hour, lineSuffix: "returns the conversation"},
		{name: "a Business app reply on a waiting handoff holds it", from: waiting(), ev: Event{Kind: EvEcho, Agent: Agent{Name: conversation.BusinessAppAgent}, At: t0.Add(time.Minute)},
			status: conversation.StatusHandoff, assignee: conversation.BusinessAppAgent, reason: handoff.ReasonRefund, notices: []conversation.NoticeKind{conversation.NoticeCardUpdate}, idleAt: time.Hour + time.Minute, lineSuffix: "Taken over by " + conversation.BusinessAppAgent},
		{name: "an operator's cancel gives it back to the bot", from: confirming(), ev: Event{Kind: EvCancel, At: t0.Add(2 * time.Hour)},
			status: conversation.StatusActive, reason: handoff.ReasonRefund, newGen: true, stopBot: true, idleAt: -1},
		{name: "a cancel while the bot has it", from: bot(), ev: Event{Kind: EvCancel, At: t0},
			status: conversation.StatusActive, stopBot: true, idleAt: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.from
			gen, lines := s.Generation, len(s.Todo)
			out := s.Transition(tc.ev)
			if s.Status != tc.status || s.Assignee != tc.assignee || s.Reason != tc.reason {
				t.Fatalf("status %s assignee %q reason %s; want %s %q %s", s.Status, s.Assignee, s.Reason, tc.status, tc.assignee, tc.reason)
			}
			if (s.Generation != gen) != tc.newGen {
				t.Errorf("generation %d -> %d, want a new one: %v", gen, s.Generation, tc.newGen)
			}
			if out.StopBot != tc.stopBot || out.HeldBy != tc.heldBy || !slices.Equal(out.Notices, tc.notices) {
				t.Errorf("outcome %+v", out)
			}
			var followup FollowupKind
			if len(s.Todo) > lines {
				followup = s.Todo[len(s.Todo)-1].Kind
				if s.Todo[len(s.Todo)-1].Generation != s.Generation {
					t.Errorf("followup not of the new generation: %+v", s.Todo)
				}
			}
			if followup != tc.followup {
				t.Errorf("followup %q, want %q", followup, tc.followup)
			}
			switch {
			case tc.idleAt < 0 && !s.IdleDeadline.IsZero():
				t.Errorf("idle timer at %s, want none", s.IdleDeadline)
			case tc.idleAt >= 0 && !s.IdleDeadline.Equal(t0.Add(tc.idleAt)):
				t.Errorf("idle timer at %s, want %s", s.IdleDeadline, t0.Add(tc.idleAt))
			}
			if tc.lineSuffix == "" && out.Line != "" || tc.lineSuffix != "" && !endsWith(out.Line, tc.lineSuffix) {
				t.Errorf("line %q, want one ending %q", out.Line, tc.lineSuffix)
			}
		})
	}
}

func endsWith(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

func TestReturnForgetsTheBotsMemoryOfTheLoop(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	s := State{Status: conversation.StatusActive}
	s.Repeat, _ = s.Repeat.Observe("faq:hours", at)
	s.Offer = conversation.Offer{Pending: true, Reason: handoff.ReasonRepeatedQuestion}
	s.Transition(Event{Kind: EvHandoff, Reason: handoff.ReasonRepeatedQuestion, At: at})
	if s.Offer.Pending {
		t.Fatal("an offer outlived the handoff")
	}
	s.Transition(Event{Kind: EvReturn, Agent: Agent{Name: "Sipho"}, At: at.Add(time.Hour)})
	if len(s.Repeat.Asked) != 0 || s.Offer.Pending {
		t.Fatalf("the bot came back remembering the loop: %+v %+v", s.Repeat, s.Offer)
	}
	if !s.Holds(s.Generation) || s.Holds(s.Generation-1) {
		t.Fatal("Holds does not follow the generation")
	}
}
