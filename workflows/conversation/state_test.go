package conversation

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
)

func TestTransition(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	sipho := Agent{Name: "Sipho", ID: "U1"}
	lerato := Agent{Name: "Lerato", ID: "U2"}
	bot := func() State {
		return State{Status: StatusActive, Settings: Settings{IdleTimeout: time.Hour}}
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
		status     Status
		assignee   string
		reason     handoff.Reason
		newGen     bool
		stopBot    bool
		heldBy     string
		followup   FollowupKind
		notices    []NoticeKind
		idleAt     time.Duration // from t0; -1 for no timer
		lineSuffix string
	}{
		{name: "bot hands off", from: bot(), ev: Event{Kind: EvHandoff, Reason: handoff.ReasonRefund, At: t0},
			status: StatusHandoff, reason: handoff.ReasonRefund, newGen: true, stopBot: true, followup: DoAnnounce, idleAt: time.Hour, lineSuffix: "Refund request"},
		{name: "agent takes from the bot", from: bot(), ev: Event{Kind: EvTakeover, Agent: sipho, At: t0},
			status: StatusHandoff, assignee: "Sipho", reason: handoff.ReasonAgentTakeover, newGen: true, stopBot: true, followup: DoAnnounce, idleAt: time.Hour, lineSuffix: "Taken over by Sipho"},
		{name: "handoff while people have it changes nothing", from: held(), ev: Event{Kind: EvHandoff, Reason: handoff.ReasonAngry, At: t0.Add(time.Minute)},
			status: StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, idleAt: time.Hour},
		{name: "first agent takes a waiting handoff", from: waiting(), ev: Event{Kind: EvTakeover, Agent: sipho, At: t0.Add(time.Minute)},
			status: StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, notices: []NoticeKind{NoticeCardUpdate}, idleAt: time.Hour + time.Minute, lineSuffix: "Taken over by Sipho"},
		{name: "second agent is told who has it", from: held(), ev: Event{Kind: EvTakeover, Agent: lerato, At: t0.Add(time.Minute)},
			status: StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, heldBy: "Sipho", idleAt: time.Hour},
		{name: "first to reply holds it", from: waiting(), ev: Event{Kind: EvReply, Agent: lerato, At: t0.Add(time.Minute)},
			status: StatusHandoff, assignee: "Lerato", reason: handoff.ReasonRefund, notices: []NoticeKind{NoticeCardUpdate}, idleAt: time.Hour + time.Minute, lineSuffix: "Taken over by Lerato"},
		{name: "a reply restarts the idle timer", from: held(), ev: Event{Kind: EvReply, Agent: sipho, At: t0.Add(10 * time.Minute)},
			status: StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, notices: []NoticeKind{NoticeCardUpdate}, idleAt: 70 * time.Minute},
		{name: "a note restarts the idle timer", from: held(), ev: Event{Kind: EvNote, Agent: sipho, At: t0.Add(10 * time.Minute)},
			status: StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, idleAt: 70 * time.Minute},
		{name: "idle asks for confirmation", from: held(), ev: Event{Kind: EvIdle, At: t0.Add(time.Hour)},
			status: StatusAwaitingConfirmation, assignee: "Sipho", reason: handoff.ReasonRefund, newGen: true,
			notices: []NoticeKind{NoticeConfirmPrompt, NoticeCardUpdate}, idleAt: -1, lineSuffix: "keep it"},
		{name: "a note does not answer the prompt", from: confirming(), ev: Event{Kind: EvNote, Agent: sipho, At: t0.Add(2 * time.Hour)},
			status: StatusAwaitingConfirmation, assignee: "Sipho", reason: handoff.ReasonRefund, idleAt: -1},
		{name: "keep goes back to people", from: confirming(), ev: Event{Kind: EvKeep, Agent: lerato, At: t0.Add(2 * time.Hour)},
			status: StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, newGen: true, notices: []NoticeKind{NoticeCardUpdate}, idleAt: 3 * time.Hour, lineSuffix: "Kept with a person by Lerato"},
		{name: "a reply to the prompt keeps it with people", from: confirming(), ev: Event{Kind: EvReply, Agent: sipho, At: t0.Add(2 * time.Hour)},
			status: StatusHandoff, assignee: "Sipho", reason: handoff.ReasonRefund, newGen: true, notices: []NoticeKind{NoticeCardUpdate}, idleAt: 3 * time.Hour},
		{name: "return to the bot", from: confirming(), ev: Event{Kind: EvReturn, Agent: lerato, At: t0.Add(2 * time.Hour)},
			status: StatusActive, reason: handoff.ReasonRefund, newGen: true, followup: DoWelcomeBack, notices: []NoticeKind{NoticeCardUpdate}, idleAt: -1, lineSuffix: "Returned to the bot by Lerato"},
		{name: "agents' actions need a handoff", from: bot(), ev: Event{Kind: EvReply, Agent: sipho, At: t0},
			status: StatusActive, idleAt: -1},
		{name: "return while the bot has it", from: bot(), ev: Event{Kind: EvReturn, Agent: sipho, At: t0},
			status: StatusActive, idleAt: -1},
		{name: "idle while confirming", from: confirming(), ev: Event{Kind: EvIdle, At: t0.Add(3 * time.Hour)},
			status: StatusAwaitingConfirmation, assignee: "Sipho", reason: handoff.ReasonRefund, idleAt: -1},
		{name: "a Business app reply stops the bot", from: bot(), ev: Event{Kind: EvEcho, Agent: Agent{Name: BusinessAppAgent}, At: t0},
			status: StatusHandoff, assignee: BusinessAppAgent, reason: handoff.ReasonBusinessAppReply, newGen: true, stopBot: true, followup: DoAnnounce, idleAt: time.Hour, lineSuffix: "returns the conversation"},
		{name: "a Business app reply on a waiting handoff holds it", from: waiting(), ev: Event{Kind: EvEcho, Agent: Agent{Name: BusinessAppAgent}, At: t0.Add(time.Minute)},
			status: StatusHandoff, assignee: BusinessAppAgent, reason: handoff.ReasonRefund, notices: []NoticeKind{NoticeCardUpdate}, idleAt: time.Hour + time.Minute, lineSuffix: "Taken over by " + BusinessAppAgent},
		{name: "an operator's cancel gives it back to the bot", from: confirming(), ev: Event{Kind: EvCancel, At: t0.Add(2 * time.Hour)},
			status: StatusActive, reason: handoff.ReasonRefund, newGen: true, stopBot: true, idleAt: -1},
		{name: "a cancel while the bot has it", from: bot(), ev: Event{Kind: EvCancel, At: t0},
			status: StatusActive, stopBot: true, idleAt: -1},
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
			if tc.lineSuffix == "" && out.Line != "" || tc.lineSuffix != "" && !strings.HasSuffix(out.Line, tc.lineSuffix) {
				t.Errorf("line %q, want one ending %q", out.Line, tc.lineSuffix)
			}
		})
	}
}

func TestReturnForgetsTheBotsMemoryOfTheLoop(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	s := State{Status: StatusActive}
	s.Repeat, _ = s.Repeat.Observe("faq:hours", at)
	s.Offer = Offer{Pending: true, Reason: handoff.ReasonRepeatedQuestion}
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

func TestDecideRating(t *testing.T) {
	t.Parallel()
	asked := State{Handoffs: 1, CSAT: CSAT{For: 1, Pending: true}}
	lapsed := State{Handoffs: 1, CSAT: CSAT{For: 1}}
	rated := State{Handoffs: 1, CSAT: CSAT{For: 1, Score: ScoreGood}}
	older := State{Handoffs: 2, CSAT: CSAT{For: 1}}
	never := State{Handoffs: 1}
	tap := func(id string) Message {
		return Message{Kind: KindButton, ButtonID: id, Text: "x"}
	}
	typed := func(s string) Message { return Message{Kind: KindText, Text: s} }
	cases := []struct {
		name    string
		s       State
		m       Message
		score   Score
		handled bool
	}{
		{"tap great", asked, tap(ButtonCSATGood), ScoreGood, true},
		{"tap ok", asked, tap(ButtonCSATOK), ScoreOK, true},
		{"tap not good", asked, tap(ButtonCSATBad), ScoreBad, true},
		{"tap after the question lapsed still counts", lapsed, tap(ButtonCSATBad), ScoreBad, true},
		{"tap after a rating: nothing to do", rated, tap(ButtonCSATBad), "", true},
		{"tap on an earlier handoff's question: nothing to do", older, tap(ButtonCSATGood), "", true},
		{"tap with no question asked: nothing to do", never, tap(ButtonCSATGood), "", true},
		{"another button is not a rating", asked, tap("handoff_yes"), "", false},
		{"typed great", asked, typed("Great!"), ScoreGood, true},
		{"typed good", asked, typed("good"), ScoreGood, true},
		{"typed ok", asked, typed("ok"), ScoreOK, true},
		{"typed okay", asked, typed("Okay."), ScoreOK, true},
		{"typed bad", asked, typed("bad"), ScoreBad, true},
		{"typed not good", asked, typed("Not good"), ScoreBad, true},
		{"typed five", asked, typed("5"), ScoreGood, true},
		{"typed three stars", asked, typed("⭐⭐⭐"), ScoreOK, true},
		{"typed one star", asked, typed("⭐"), ScoreBad, true},
		{"thumbs up", asked, typed("👍"), ScoreGood, true},
		{"thumbs down", asked, typed("👎"), ScoreBad, true},
		{"a question is not a rating", asked, typed("What are your trading hours?"), "", false},
		{"a longer message is not a rating", asked, typed("not good, my parcel never arrived"), "", false},
		{"thanks is not a rating", asked, typed("thanks"), "", false},
		{"typed ok after the question lapsed is not a rating", lapsed, typed("ok"), "", false},
		{"typed great with no question is not a rating", never, typed("great"), "", false},
		{"media is not a rating", asked, Message{Kind: KindMedia, Text: "[image]"}, "", false},
	}
	for _, tc := range cases {
		s := tc.s
		score, handled := DecideRating(&s, tc.m)
		if score != tc.score || handled != tc.handled {
			t.Errorf("%s: got (%q, %v), want (%q, %v)", tc.name, score, handled, tc.score, tc.handled)
		}
	}
}

func TestShouldAskCSAT(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	on := Settings{CSAT: true}
	cases := []struct {
		name string
		s    State
		want bool
	}{
		{"after a handoff, window open", State{Settings: on, Handoffs: 1, LastInbound: now.Add(-time.Hour)}, true},
		{"CSAT off", State{Handoffs: 1, LastInbound: now.Add(-time.Hour)}, false},
		{"already asked about this handoff", State{Settings: on, Handoffs: 1, CSAT: CSAT{For: 1}, LastInbound: now.Add(-time.Hour)}, false},
		{"asked about an earlier handoff", State{Settings: on, Handoffs: 2, CSAT: CSAT{For: 1, Score: ScoreBad}, LastInbound: now.Add(-time.Hour)}, true},
		{"window closed", State{Settings: on, Handoffs: 1, LastInbound: now.Add(-25 * time.Hour)}, false},
		{"customer never wrote", State{Settings: on, Handoffs: 1}, false},
	}
	for _, tc := range cases {
		s := tc.s
		if got := ShouldAskCSAT(&s, now); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCSATButtonsFitWhatsApp(t *testing.T) {
	t.Parallel()
	if len(CSATButtons) > 3 {
		t.Fatalf("%d buttons; WhatsApp allows 3", len(CSATButtons))
	}
	for _, b := range CSATButtons {
		if n := len([]rune(b.Title)); n == 0 || n > 20 {
			t.Errorf("button %q: title of %d characters", b.ID, n)
		}
	}
}

func TestHandBackMemory(t *testing.T) {
	t.Parallel()
	recent := []Turn{{Topic: "q:a", Text: "I want a person"}, {Topic: "q:b", Text: "my order 5544"}}
	got := HandBackMemory(recent, "Sipho", "Refund approved", handoff.ReasonRefund, "Customer wants a refund for 5544.")
	if len(got) != 3 || !got[0].Settled || !got[1].Settled || got[2].Role != RoleHandBack || got[2].Settled {
		t.Fatalf("memory = %+v", got)
	}
	for _, want := range []string{"Sipho", "Refund request", "Their note: Refund approved.", "Customer wants a refund for 5544."} {
		if !strings.Contains(got[2].Text, want) {
			t.Errorf("hand-back %q lacks %q", got[2].Text, want)
		}
	}
	if recent[0].Settled {
		t.Error("HandBackMemory changed its input")
	}
	long := make([]Turn, MaxRecent)
	if got := HandBackMemory(long, "Sipho", "", handoff.ReasonRefund, ""); len(got) != MaxRecent || got[MaxRecent-1].Role != RoleHandBack {
		t.Errorf("memory not bounded with the hand-back last: %d turns", len(got))
	}
	if got := CleanNote("  // prefers email  "); got != "prefers email" {
		t.Errorf("CleanNote = %q", got)
	}
}

// Clip keeps a text of at most n characters whole, and cuts a longer one to n characters, the last an ellipsis.
func TestClip(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"ééé", 3, "ééé"},
		{"éééé", 3, "éé…"},
		{"", 3, ""},
	} {
		if got := Clip(tc.s, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}
