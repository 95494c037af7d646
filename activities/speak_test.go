package activities

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

// answeringEngine answers every question from the knowledge base; "refund" is a refund request.
type answeringEngine struct{ keywordEngine }

func (e answeringEngine) Reply(ctx context.Context, req ai.ReplyRequest) (ai.Reply, error) {
	r, err := e.keywordEngine.Reply(ctx, req)
	if r.Intent == ai.IntentFAQ {
		r.Answer = ai.Answer{Text: "We're open 08:00-17:00.", Grounded: true, FAQID: "trading_hours"}
	}
	return r, err
}

// memFence is a TurnFence in memory.
type memFence struct {
	mu    sync.Mutex
	turns map[string]string
	fail  error
}

func (f *memFence) ClaimTurn(_ context.Context, turn, sender string, _ time.Duration) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return false, f.fail
	}
	if v := f.turns[turn]; v != "" && v != sender {
		return false, nil
	}
	f.turns[turn] = sender
	return true, nil
}

func (f *memFence) StopTurn(_ context.Context, turn string, _ time.Duration) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return false, f.fail
	}
	if v := f.turns[turn]; v != "" && v != "stopped" {
		return false, nil
	}
	f.turns[turn] = "stopped"
	return true, nil
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
		return &Speak{Turn: turn, Send: SendInput{To: conversation.Address{Phone: "27821234567"}, Mirror: &conversation.Mirror{Phone: "27821234567"}}}
	}
	question := func(turn string) ReplyInput { return ReplyInput{Text: "what are your hours?", Speak: speak(turn)} }

	t.Run("sent once the turn is claimed", func(t *testing.T) {
		s, fence := &textSender{}, &memFence{turns: map[string]string{}}
		out := runReply(t, &Activities{Engine: answeringEngine{}, Sender: s, Turns: fence}, question("c:1"))
		if out.Spoken == nil || out.Spoken.MessageID == "" || out.Spoken.Text != "We're open 08:00-17:00." || len(s.sent) != 1 {
			t.Fatalf("spoken %+v, sent %q", out.Spoken, s.sent)
		}
		if fence.turns["c:1"] == "" || fence.turns["c:1"] == "stopped" {
			t.Fatalf("turn %q", fence.turns["c:1"])
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
		if out.Spoken == nil || out.Spoken.Failed == "" || !IsSendTag(out.Spoken.Tag) || out.Spoken.Tag != fence.turns["c:1"] {
			t.Fatalf("spoken %+v, turn held by %q", out.Spoken, fence.turns["c:1"])
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
