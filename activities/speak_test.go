package activities

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows/conversation"
)

// answeringEngine answers every question from the knowledge base; "refund" is a refund request.
type answeringEngine struct{ keywordEngine }

func (e answeringEngine) Reply(ctx context.Context, req ai.ReplyRequest) (ai.Reply, error) {
	r, err := e.keywordEngine.Reply(ctx, req)
	if r.Intent == conversation.IntentFAQ {
		r.Answer = conversation.Answer{Text: "We're open 08:00-17:00.", Grounded: true, FAQID: "trading_hours"}
	}
	return r, err
}

// memFence is a TurnFence in memory: a turn is "", "claim:{sender}", "sent:{wamid}" or "stopped"; claims
// lapse at lapses[turn].
type memFence struct {
	mu     sync.Mutex
	turns  map[string]string
	lapses map[string]time.Time
	typing map[string]string
	fail   error
	// stops counts the calls of StopTurn.
	stops int
}

func (f *memFence) ClaimTurn(_ context.Context, turn, sender string, window time.Duration) (conversation.TurnClaim, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return conversation.TurnClaim{}, f.fail
	}
	v := f.turns[turn]
	if strings.HasPrefix(v, "claim:") && v != "claim:"+sender && time.Now().After(f.lapses[turn]) {
		v = "" // lapsed
	}
	switch {
	case v == "" || v == "claim:"+sender:
		if f.lapses == nil {
			f.lapses = map[string]time.Time{}
		}
		f.turns[turn], f.lapses[turn] = "claim:"+sender, time.Now().Add(window)
		return conversation.TurnClaim{State: conversation.TurnClaimed}, nil
	case v == "stopped":
		return conversation.TurnClaim{State: conversation.TurnStopped}, nil
	case strings.HasPrefix(v, "sent:"):
		return conversation.TurnClaim{State: conversation.TurnSent, MessageID: strings.TrimPrefix(v, "sent:")}, nil
	}
	return conversation.TurnClaim{State: conversation.TurnBusy, Wait: time.Until(f.lapses[turn])}, nil
}

func (f *memFence) MarkTurnSent(_ context.Context, turn, sender, wamid string, _ time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.turns[turn] == "claim:"+sender {
		f.turns[turn] = "sent:" + wamid
	}
	return nil
}

func (f *memFence) StopTurn(_ context.Context, turn string, _ time.Duration) (bool, time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stops++
	if f.fail != nil {
		return false, 0, f.fail
	}
	var typing time.Duration
	if f.typing[turn] != "" {
		typing = time.Second
	}
	v := f.turns[turn]
	if strings.HasPrefix(v, "claim:") && time.Now().After(f.lapses[turn]) {
		v = ""
	}
	if v != "" && v != "stopped" {
		return false, typing, nil
	}
	f.turns[turn] = "stopped"
	return true, typing, nil
}

func (f *memFence) TypeTurn(_ context.Context, turn, sender string, _ time.Duration) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.turns[turn] == "stopped" {
		return false, nil
	}
	if f.typing == nil {
		f.typing = map[string]string{}
	}
	f.typing[turn] = sender
	return true, nil
}

func (f *memFence) TypedTurn(_ context.Context, turn, sender string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.typing[turn] == sender {
		delete(f.typing, turn)
	}
	return nil
}

// holder is who holds turn: the attempt's sender, "stopped", or "sent:{wamid}".
func (f *memFence) holder(turn string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.TrimPrefix(f.turns[turn], "claim:")
}

// textSender records the texts it sends; with fail set, every send fails as a Graph API answering 500 would.
type textSender struct {
	mu   sync.Mutex
	sent []string
	fail bool
}

func (s *textSender) SendText(_ context.Context, _ conversation.Address, text string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return "", errors.New("graph api: 500")
	}
	s.sent = append(s.sent, text)
	return "wamid.S", nil
}
func (s *textSender) SendButtons(ctx context.Context, to conversation.Address, text string, _ []conversation.Button) (string, error) {
	return s.SendText(ctx, to, text)
}
func (s *textSender) SendTemplate(context.Context, conversation.Address, string, string, []string) (string, error) {
	return "", errors.New("no templates here")
}
func (s *textSender) MarkRead(context.Context, string, bool) error { return nil }
func (s *textSender) Classify(error) conversation.SendErrorKind    { return conversation.SendRetryable }

func runReply(t *testing.T, a *Activities, in ReplyInput) ReplyResult {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	v, err := env.ExecuteActivity(a.Reply, in)
	if err != nil {
		t.Fatal(err)
	}
	var out ReplyResult
	if err := v.Get(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReplySpeaksOnlyWhatItMay(t *testing.T) {
	t.Parallel()
	speak := func(turn string) *Speak {
		return &Speak{Turn: turn, At: time.Now(), Send: SendInput{To: conversation.Address{Phone: "27821234567"}, Mirror: &conversation.Mirror{Phone: "27821234567"}}}
	}
	question := func(turn string) ReplyInput { return ReplyInput{Text: "what are your hours?", Speak: speak(turn)} }

	t.Run("sent once the turn is claimed", func(t *testing.T) {
		s, fence := &textSender{}, &memFence{turns: map[string]string{}}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, question("c:1"))
		if out.Spoken == nil || out.Spoken.MessageID == "" || out.Spoken.Text != "We're open 08:00-17:00." || len(s.sent) != 1 {
			t.Fatalf("spoken %+v, sent %q", out.Spoken, s.sent)
		}
		if h := fence.holder("c:1"); h != "sent:wamid.S" {
			t.Fatalf("turn %q", h)
		}
	})
	t.Run("nothing for a workflow of an older release: it sends the answer itself", func(t *testing.T) {
		s, fence := &textSender{}, &memFence{turns: map[string]string{}}
		old := question("c:1")
		old.Speak.At = time.Time{}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, old)
		if out.Spoken != nil || len(s.sent) != 0 || !out.Answer.Grounded {
			t.Fatalf("spoken %+v, sent %q", out.Spoken, s.sent)
		}
	})
	t.Run("nothing once the turn is stopped", func(t *testing.T) {
		s, fence := &textSender{}, &memFence{turns: map[string]string{"c:1": "stopped"}}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, question("c:1"))
		if out.Spoken == nil || !out.Spoken.Stopped || len(s.sent) != 0 {
			t.Fatalf("spoken %+v, sent %q", out.Spoken, s.sent)
		}
	})
	t.Run("nothing without the fence: the workflow sends", func(t *testing.T) {
		s, fence := &textSender{}, &memFence{turns: map[string]string{}, fail: errors.New("redis down")}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, question("c:1"))
		if out.Spoken != nil || len(s.sent) != 0 || !out.Answer.Grounded {
			t.Fatalf("spoken %+v, sent %q", out.Spoken, s.sent)
		}
	})
	t.Run("a failed send is the workflow's to retry under its tag", func(t *testing.T) {
		fence := &memFence{turns: map[string]string{}}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: &textSender{fail: true}, Turns: fence}, question("c:1"))
		if out.Spoken == nil || out.Spoken.Failed == "" || !IsSendTag(out.Spoken.Tag) || !strings.HasPrefix(fence.holder("c:1"), out.Spoken.Tag+".") {
			t.Fatalf("spoken %+v, turn held by %q", out.Spoken, fence.holder("c:1"))
		}
	})
	t.Run("nothing the rules keep for the workflow", func(t *testing.T) {
		s, fence := &textSender{}, &memFence{turns: map[string]string{}}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, ReplyInput{Text: "I want a refund", Speak: speak("c:2")})
		if out.Spoken != nil || len(s.sent) != 0 || fence.turns["c:2"] != "" {
			t.Fatalf("spoken %+v, sent %q, turn %q", out.Spoken, s.sent, fence.turns["c:2"])
		}
	})
}

// TestLocalSendRunAgainSendsOnce: a bot message sent from a local activity whose workflow task is retried
// (its worker died after the Graph API took the message) runs again from its first attempt; it finds the
// earlier send in the ledger and does not send again.
func TestLocalSendRunAgainSendsOnce(t *testing.T) {
	t.Parallel()
	s, ledger := &textSender{}, newMemLedger()
	a := &Activities{Sender: s, Once: &SendOnce{Ledger: ledger}}
	in := SendInput{To: conversation.Address{Phone: "27821234567"}, Text: "We're open 08:00-17:00.", Kind: SendAnswer}
	var suite testsuite.WorkflowTestSuite
	var ids []string
	for range 2 {
		env := suite.NewTestActivityEnvironment()
		env.RegisterActivity(a)
		v, err := env.ExecuteLocalActivity(a.Send, in)
		if err != nil {
			t.Fatal(err)
		}
		var res SendResult
		if err := v.Get(&res); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.MessageID)
	}
	if len(s.sent) != 1 || ids[0] != ids[1] || len(ledger.records) != 1 {
		t.Fatalf("sent %q, message ids %v, records %v", s.sent, ids, ledger.records)
	}
	for tag := range ledger.records {
		if !IsSendTag(tag) {
			t.Fatalf("tag %q", tag)
		}
	}
}

// slowSender records when its sends must end and how it was asked to mark read; MarkRead with the typing
// indicator, when typing is set, lasts until typing is closed.
type slowSender struct {
	textSender
	mu        sync.Mutex
	deadlines []time.Duration
	typed     []bool
	typing    chan struct{}
	typingEnd time.Time
}

func (s *slowSender) SendText(ctx context.Context, to conversation.Address, text string) (string, error) {
	if d, ok := ctx.Deadline(); ok {
		s.mu.Lock()
		s.deadlines = append(s.deadlines, time.Until(d))
		s.mu.Unlock()
	}
	return s.textSender.SendText(ctx, to, text)
}

func (s *slowSender) MarkRead(ctx context.Context, _ string, typing bool) error {
	if typing && s.typing != nil {
		<-s.typing
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.typed = append(s.typed, typing)
	if typing {
		s.typingEnd = time.Now()
	}
	return nil
}

// The claim of a bot turn belongs to one attempt of the reply activity, and bounds that attempt's send: an
// attempt that timed out cannot land its Graph API call after a later attempt or a takeover took the turn.
func TestReplyClaimBelongsToTheAttempt(t *testing.T) {
	t.Parallel()
	speak := &Speak{Turn: "c:1", At: time.Now(), Send: SendInput{To: conversation.Address{Phone: "27821234567"}}}
	in := ReplyInput{Text: "what are your hours?", Speak: speak}

	t.Run("the send is bounded by the claim", func(t *testing.T) {
		s, fence := &slowSender{}, &memFence{turns: map[string]string{}}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, in)
		if out.Spoken == nil || out.Spoken.MessageID == "" || len(s.deadlines) != 1 || s.deadlines[0] > claimWindow {
			t.Fatalf("spoken %+v, send deadlines %v (claim window %v)", out.Spoken, s.deadlines, claimWindow)
		}
	})
	t.Run("a later attempt waits until an earlier attempt's claim lapsed", func(t *testing.T) {
		s := &slowSender{}
		fence := &memFence{turns: map[string]string{"c:1": "claim:earlier.1"}, lapses: map[string]time.Time{"c:1": time.Now().Add(300 * time.Millisecond)}}
		start := time.Now()
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, in)
		if waited := time.Since(start); waited < 250*time.Millisecond || out.Spoken == nil || out.Spoken.MessageID == "" || len(s.sent) != 1 {
			t.Fatalf("after %v: spoken %+v, sent %q", waited, out.Spoken, s.sent)
		}
	})
	t.Run("a later attempt reports what an earlier one sent", func(t *testing.T) {
		s, fence := &slowSender{}, &memFence{turns: map[string]string{"c:1": "sent:wamid.E"}}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, in)
		if out.Spoken == nil || out.Spoken.MessageID != "wamid.E" || len(s.sent) != 0 {
			t.Fatalf("spoken %+v, sent %q", out.Spoken, s.sent)
		}
	})
}

// The typing indicator is fenced like the reply: a stop returns only once an indicator under way has been
// shown, and a stopped turn shows none.
func TestStopWaitsForTheTypingIndicator(t *testing.T) {
	t.Parallel()
	speak := &Speak{Turn: "c:1", At: time.Now(), Send: SendInput{To: conversation.Address{Phone: "27821234567"}}}
	s, fence := &slowSender{typing: make(chan struct{})}, &memFence{turns: map[string]string{}}
	a := &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runReply(t, a, ReplyInput{Text: "I want a refund", ReadID: "wamid.in", Speak: speak})
	}()
	testkit.Eventually(t, 5*time.Second, "the typing indicator under way", func() bool { return fence.typingNow("c:1") })
	var (
		stopped   bool
		stoppedAt time.Time
		stopErr   error
	)
	stopDone := make(chan struct{})
	go func() {
		defer close(stopDone)
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestActivityEnvironment()
		env.RegisterActivity(a)
		v, err := env.ExecuteActivity(a.StopTurn, "c:1")
		stoppedAt, stopErr = time.Now(), err
		if err == nil {
			_ = v.Get(&stopped)
		}
	}()
	// The stop looks at the fence again while the indicator is under way; then the indicator's call ends.
	testkit.Eventually(t, 5*time.Second, "the stop waiting for the typing indicator", func() bool { return fence.stopsNow() >= 2 })
	close(s.typing)
	<-stopDone
	<-done
	if stopErr != nil {
		t.Fatal(stopErr)
	}
	s.mu.Lock()
	end := s.typingEnd
	s.mu.Unlock()
	if !stopped || end.IsZero() || end.After(stoppedAt) {
		t.Fatalf("stopped %v at %v, typing shown until %v", stopped, stoppedAt, end)
	}

	// Stopped first: the read receipt goes alone.
	s2 := &slowSender{}
	runReply(t, &Activities{Engine: answeringEngine{}, Sender: s2, Turns: fence}, ReplyInput{Text: "I want a refund", ReadID: "wamid.in2", Speak: speak})
	if len(s2.typed) != 1 || s2.typed[0] {
		t.Fatalf("marked read with typing %v after the stop", s2.typed)
	}
}

func (f *memFence) stopsNow() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stops
}

func (f *memFence) typingNow(turn string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.typing[turn] != ""
}
