package workflows

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/workflows/conversation"
)

// continuedAsNew checks that the run ended by continuing as new, and returns what the next run starts with and
// the size of that input as Temporal carries it.
func (h *harness) continuedAsNew() (Input, int) {
	h.t.Helper()
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("the workflow did not end")
	}
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		h.t.Fatalf("the workflow ended with %v, want a continue-as-new", err)
	}
	var in Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &in); err != nil {
		h.t.Fatal(err)
	}
	size := 0
	for _, p := range can.Input.GetPayloads() {
		size += len(p.GetData())
	}
	return in, size
}

// A customer who writes while an operator cancels the conversation is not lost with it: whatever the run had
// not handled starts a fresh conversation, with the bot.
func TestMessageDuringCancelStartsAFreshConversation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		race func(h *harness, m conversation.Message)
	}{
		// (A signal that reaches the server after the cancel, while the run ends, is the integration test's:
		// the test environment drops a signal to a workflow that completed.)
		{"signalled just before the cancel", func(h *harness, m conversation.Message) {
			h.at(time.Minute, func() { h.env.SignalWorkflow(SignalCustomerMessage, m); h.env.CancelWorkflow() })
		}},
		{"cancelled while the bot answers it", func(h *harness, m conversation.Message) {
			h.analyzeDelay = 5 * time.Second
			h.env.SetTestTimeout(30 * time.Second)
			h.signal(time.Minute-time.Second, m)
			h.at(time.Minute, func() { h.env.CancelWorkflow() })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.signal(time.Second, text("What are your trading hours?"))
			m := text("How much is delivery?")
			tc.race(h, m)
			h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena"})
			in, _ := h.continuedAsNew()
			s := in.State
			if s == nil || len(s.Pending) != 1 || s.Pending[0].ID != m.ID || s.Pending[0].Held {
				t.Fatalf("the fresh conversation starts with %+v", s)
			}
			if s.Status != conversation.StatusActive || len(s.Transcript) != 1 || s.Transcript[0].ID != m.ID {
				t.Fatalf("fresh conversation: status %s, transcript %+v", s.Status, s.Transcript)
			}
			seen := false
			for _, id := range s.Seen {
				seen = seen || id == m.ID
			}
			if !seen {
				t.Fatal("a redelivery of the message would be answered again")
			}
		})
	}
}

// A message held for people when an operator cancels the conversation ends in exactly one place: posted for
// the agents (its notice was on its way and lands), or, when its notice was still queued behind others, in
// the fresh conversation.
func TestMessageDuringCancelInAHandoffEndsInOnePlace(t *testing.T) {
	t.Parallel()
	for _, slow := range []bool{false, true} {
		t.Run(fmt.Sprintf("agents' tool slow=%v", slow), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			m := text("my order number is 1234")
			h.signal(time.Second, text("I want a refund"))
			h.signal(time.Minute, text("hello?"))
			h.at(time.Minute, func() {
				if slow {
					h.mu.Lock()
					h.notifyDelay = 2 * time.Second
					h.mu.Unlock()
				}
			})
			h.at(time.Minute+time.Second, func() { h.env.SignalWorkflow(SignalCustomerMessage, m); h.env.CancelWorkflow() })
			h.env.SetTestTimeout(30 * time.Second)
			h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena"})
			posted := 0
			for _, n := range h.notices {
				if strings.Contains(n.Text, m.Text) {
					posted++
				}
			}
			carried := 0
			var can *workflow.ContinueAsNewError
			if errors.As(h.env.GetWorkflowError(), &can) {
				in, _ := h.continuedAsNew()
				for _, p := range in.State.Pending {
					if p.ID == m.ID {
						carried++
					}
				}
			}
			t.Logf("posted %d, carried %d", posted, carried)
			if posted+carried != 1 {
				t.Fatalf("the message was posted %d times and carried %d times", posted, carried)
			}
		})
	}
}

// The state a continue-as-new carries stays bounded in bytes whatever customers and agents write: a burst
// of maximal WhatsApp texts (65,536 characters, HTML characters that JSON escapes, emoji) and hundreds of
// maximal agent replies of emoji.
func TestCarriedStateBoundedInBytes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env.SetTestTimeout(2 * time.Minute)
	h.signal(time.Second, text("I want a refund"))
	bodies := []string{strings.Repeat("a", 65536), strings.Repeat("<", 65536), strings.Repeat("😀", 65536)}
	var long conversation.Message
	for i := range 80 {
		m := text(bodies[i%len(bodies)])
		if i == 0 {
			long = m
		}
		h.signal(time.Minute+time.Duration(i)*time.Second, m)
	}
	h.at(3*time.Minute, func() {
		h.update(UpdateTakeover, TakeoverRequest{Agent: "Sipho"}, func(any, error) {})
	})
	reply := strings.Repeat("😀", 4096)
	for i := range 200 {
		h.at(4*time.Minute+time.Duration(i)*time.Second, func() {
			h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: reply}, func(_ any, err error) {
				if err != nil {
					t.Errorf("reply %d: %v", i, err)
				}
			})
		})
	}
	var queried int
	h.at(time.Hour, func() {
		v, err := h.env.QueryWorkflow(QueryConversation)
		if err != nil {
			t.Errorf("query: %v", err)
			return
		}
		var raw any
		if err := v.Get(&raw); err != nil {
			t.Error(err)
		}
		queried = len(fmt.Sprint(raw))
		var s conversation.Snapshot
		_ = v.Get(&s)
		for _, l := range s.Transcript {
			if l.ID == long.ID {
				if l.Cut == nil || l.Cut.Length != 65536 || l.Cut.In != conversation.CutInHistory || l.Cut.RunID == "" || len([]rune(l.Text)) != conversation.MaxLineText {
					t.Errorf("long line kept as %d characters, cut %+v", len([]rune(l.Text)), l.Cut)
				}
			}
		}
		h.env.SetContinueAsNewSuggested(true)
		h.env.SignalWorkflow(SignalCustomerMessage, text("one more"))
	})
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena"})
	in, size := h.continuedAsNew()
	t.Logf("continue-as-new carries %d bytes (%d transcript lines, %d earlier); the conversation query was about %d bytes",
		size, len(in.State.Transcript), in.State.Earlier, queried)
	if size > conversation.CarriedBudget {
		t.Fatalf("continue-as-new carries %d bytes, over the budget of %d", size, conversation.CarriedBudget)
	}
	if len(in.State.Transcript) < 10 || in.State.Earlier == 0 {
		t.Fatalf("carried %d lines, %d earlier", len(in.State.Transcript), in.State.Earlier)
	}
}

// A person taking over, or replying, stops every bot message still on its way, not only the bot turn: the
// escalation's word about the wait and the welcome back (with its rating question) never reach the customer
// after the person was told they have the conversation.
func TestTakeoverStopsTheBotsMessagesOnTheirWay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		kind   string
		script func(h *harness, act func(at time.Duration))
	}{
		{"wait notice, takeover", activities.SendWaitNotice, func(h *harness, act func(time.Duration)) {
			h.settings.UnclaimedTimeout, h.settings.UnclaimedAfter = 5*time.Minute, 5*time.Minute
			h.signal(time.Second, text("I want a refund"))
			act(6 * time.Minute)
		}},
		{"wait notice, reply", activities.SendWaitNotice, func(h *harness, act func(time.Duration)) {
			h.settings.UnclaimedTimeout, h.settings.UnclaimedAfter = 5*time.Minute, 5*time.Minute
			h.signal(time.Second, text("I want a refund"))
			h.at(6*time.Minute, func() {
				h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "Hi, Sipho here"}, func(_ any, err error) {
					if err != nil {
						h.t.Errorf("reply: %v", err)
					}
					h.mark()
				})
			})
		}},
		{"welcome back, takeover", activities.SendReturnNotice, func(h *harness, act func(time.Duration)) {
			h.settings.CSAT = true
			h.signal(time.Second, text("I want a refund"))
			h.at(time.Minute, func() {
				h.update(UpdateReturnToBot, AgentRequest{Agent: "Sipho"}, func(any, error) {})
			})
			act(time.Minute + 10*time.Second)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.sendFails = func(in activities.SendInput) bool { return in.Kind == tc.kind && !h.marked }
			tc.script(h, func(at time.Duration) {
				h.at(at, func() {
					h.update(UpdateTakeover, TakeoverRequest{Agent: "Lerato"}, func(_ any, err error) {
						if err != nil {
							h.t.Errorf("takeover: %v", err)
						}
						h.mark()
					})
				})
			})
			h.run(time.Hour)
			if !h.marked {
				t.Fatal("the person's action never completed")
			}
			for _, s := range h.sent {
				if s.Kind == tc.kind {
					t.Fatalf("%s sent after the person took the conversation: %q", tc.kind, h.sentTexts())
				}
			}
		})
	}
}

// mark notes that a person's action completed: WhatsApp works again from then on.
func (h *harness) mark() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.marked = true
}

// A takeover that takes the conversation from the bot tells the customer a person joins before it completes,
// so that the agent's first words come after it.
func TestTakeoverFromTheBotTellsTheCustomerFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("What are your trading hours?"))
	h.takeoverAt(time.Minute, func() {
		if !contains(h.sentTexts(), "joining this chat") {
			t.Errorf("takeover completed before the customer was told: %q", h.sentTexts())
		}
	})
	h.run(time.Hour)
	n := 0
	for _, s := range h.sentTexts() {
		if strings.Contains(s, "joining this chat") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("told %d times: %q", n, h.sentTexts())
	}
}

// During a long outage of the agents' tool the notices wait, merged, and the conversation continues as new
// when Temporal suggests it: the next run carries them and sends them once the tool is back.
func TestAgentsToolOutageDoesNotHoldBackAFreshHistory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.notifyFails = true
	h.signal(time.Second, text("I want a refund"))
	for i := range 50 {
		h.signal(time.Minute+time.Duration(i)*time.Minute, text(fmt.Sprintf("are you there? %d", i)))
	}
	h.at(2*time.Hour, func() { h.env.SetContinueAsNewSuggested(true) })
	h.at(3*time.Hour, func() { h.env.CancelWorkflow() })
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena"})
	in, size := h.continuedAsNew()
	kinds := []conversation.NoticeKind{}
	for _, n := range in.State.Notices {
		kinds = append(kinds, n.Kind)
		if n.Card != nil {
			t.Errorf("a queued notice carries its card (%d transcript lines): cards are made when sent", len(n.Card.Transcript))
		}
	}
	t.Logf("carried %d notices %v in %d bytes", len(kinds), kinds, size)
	if len(kinds) == 0 || len(kinds) > 6 || kinds[0] != conversation.NoticeHandoff {
		t.Fatalf("carried notices %v", kinds)
	}
	if in.State.Notices[0].Tried.IsZero() {
		t.Fatal("the card tried before does not say so: its next try would not look for an earlier post")
	}

	// The next run, with the agents' tool back, posts the card and what the customer wrote.
	next := newHarness(t)
	next.at(3*time.Hour, func() { next.env.CancelWorkflow() })
	next.env.ExecuteWorkflow(ConversationWorkflow, in)
	next.endedCancelled()
	posted := ""
	for _, n := range next.notices {
		posted += n.Text + "\n"
	}
	if next.noticeKinds()[0] != conversation.NoticeHandoff || !strings.Contains(posted, "are you there? 0") || !strings.Contains(posted, "are you there? 49") {
		t.Fatalf("the next run posted %v: %q", next.noticeKinds(), posted)
	}
}

// A flood from one number on the model path costs a bounded number of model calls: messages that arrive during
// a turn are answered together in the next one, and past BOT_TURNS_PER_MINUTE the bot answers once the
// customer pauses. Every message is kept.
func TestFloodFromOneNumberBoundsModelCalls(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.settings.BotTurnsPerMinute = 6
	h.analyzeDelay = 50 * time.Millisecond
	h.env.SetTestTimeout(time.Minute)
	var last conversation.Message
	for i := range 100 {
		last = text(fmt.Sprintf("hello? message %d", i))
		h.signal(time.Second+time.Duration(i)*300*time.Millisecond, last)
	}
	h.run(time.Hour)
	s := h.query(QueryConversation)
	customer := 0
	for _, l := range s.Transcript {
		if l.From == conversation.FromCustomer {
			customer++
		}
	}
	t.Logf("100 messages in 30 s: %d model calls", len(h.replies))
	if customer != 100 {
		t.Fatalf("%d of 100 messages kept", customer)
	}
	if len(h.replies) > 7 {
		t.Fatalf("%d model calls for a flood of 100 messages", len(h.replies))
	}
	if final := h.replies[len(h.replies)-1].Text; !strings.Contains(final, last.Text) {
		t.Fatalf("the last turn read %q, not the last message", final)
	}
}

// A run of an older revision moves to the current revision at its next idle moment, so that older branches can
// be deleted one release later.
func TestOldRevisionMovesToTheCurrentOneWhenIdle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env.OnGetVersion(versionRevision, workflow.DefaultVersion, Revision).Return(workflow.DefaultVersion)
	h.signal(time.Second, text("What are your trading hours?"))
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena", Revision: revisionLocalBotSend})
	in, _ := h.continuedAsNew()
	if in.State == nil || in.State.Phone != phone {
		t.Fatalf("the next run starts with %+v", in)
	}
}

// replyWithID has Sipho reply at d in an update of the given id, and puts the message id it got in got.
func (h *harness) replyWithID(d time.Duration, id string, got *string) {
	h.at(d, func() {
		h.env.UpdateWorkflow(UpdateReply, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { h.t.Errorf("reply %s rejected: %v", id, err) },
			OnComplete: func(r any, err error) {
				if err != nil {
					h.t.Errorf("reply %s: %v", id, err)
					return
				}
				*got = r.(ReplyResult).MessageID
			},
		}, ReplyRequest{Agent: "Sipho", Text: "Hi, Sipho here"})
	})
}

// An agent's message repeated under the same Idempotency-Key (the same update id) after the conversation
// continued as new gets the first one's result: Temporal remembers update ids for one run, the state carries
// them on.
func TestAgentMessageRepeatedAfterContinueAsNewSentOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	first := ""
	h.replyWithID(time.Minute, "reply:key-1", &first)
	h.at(2*time.Minute, func() {
		h.env.SetContinueAsNewSuggested(true)
		h.env.SignalWorkflow(SignalCustomerMessage, text("hello?"))
	})
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena"})
	in, _ := h.continuedAsNew()
	sent := len(h.sent)

	next := newHarness(t)
	again := ""
	next.replyWithID(time.Minute, "reply:key-1", &again)
	next.at(time.Hour, func() { next.env.CancelWorkflow() })
	next.env.ExecuteWorkflow(ConversationWorkflow, in)
	next.endedCancelled()
	if first == "" || again != first || len(next.sent) != 0 {
		t.Fatalf("first %q, repeated %q; %d sent before, %d after the continue-as-new", first, again, sent, len(next.sent))
	}
}
