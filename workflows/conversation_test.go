package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

const phone = "27821234567"

// harness runs the workflow in the test environment with fake activities that record what was sent.
type harness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu       sync.Mutex
	sent     []activities.SendInput
	notices  []conversation.Notice
	analyzed []string
	replies  []activities.ReplyInput
	mirrors  []conversation.Mirror

	settings conversation.Settings
	// live, when set, reports the settings instead: the real activity, with its knowledge base and clock.
	live *activities.Activities
	// analyzeDelay makes the classifier slow, to race a takeover against it.
	analyzeDelay time.Duration
	// summaryDelay makes the summary slow, so that messages queue up behind it.
	summaryDelay time.Duration
	// sendDelay makes WhatsApp slow to answer a send (after it took the message).
	sendDelay time.Duration
	// revision is the Input.Revision the workflow starts with.
	revision int
	// turns is the bot turns' fence: "reply" once the reply activity claimed a turn, "stopped" once the
	// workflow stopped it; fenceDown makes the fence unreachable, speakFails the reply activity's send fail.
	turns      map[string]string
	fenceDown  bool
	speakFails bool
	// spoken counts the answers the reply activity sent itself.
	spoken int
	// localSendFails makes every send from a workflow task fail as a Graph API answering 503 would; failedTags
	// are the tags those attempts carried.
	localSendFails bool
	failedTags     []string
	// aiDown makes every AI call fail for good.
	aiDown bool
	// model, when set, revises the keyword classifier's verdict the way a model reading the recent turns would.
	model func(in activities.ReplyInput, r activities.ReplyResult) activities.ReplyResult
	// windowClosed makes WhatsApp refuse free-form messages (131047).
	windowClosed bool
	// sendFails, when set, makes WhatsApp fail (retryably) the sends it is true for.
	sendFails func(in activities.SendInput) bool
	// notifyFails makes the agents' tool unreachable; notifyDelay makes it slow.
	notifyFails bool
	notifyDelay time.Duration
	// marked is set once a person's action completed (mark).
	marked bool
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, revision: Revision, settings: conversation.Settings{
		BusinessName: "Baobab", IdleTimeout: 30 * time.Minute, InSupportHours: true,
	}}
	var suite testsuite.WorkflowTestSuite
	h.env = suite.NewTestWorkflowEnvironment()
	h.env.RegisterWorkflow(ConversationWorkflow)
	h.env.RegisterActivity(&activities.Activities{})
	h.env.OnActivity(a.Reply, mock.Anything, mock.Anything).Return(h.reply)
	h.env.OnActivity(a.Summarize, mock.Anything, mock.Anything).Return(func(ctx context.Context, in ai.SummaryRequest) (string, error) {
		busy(ctx, h.summaryDelay)
		return "Summary: " + string(in.Reason), nil
	})
	h.env.OnActivity(a.Send, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.SendInput) (activities.SendResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.windowClosed && !in.Template {
			return activities.SendResult{}, temporal.NewNonRetryableApplicationError("window closed", activities.ErrTypeWindowClosed, nil)
		}
		if h.localSendFails && activity.GetInfo(ctx).IsLocalActivity {
			h.failedTags = append(h.failedTags, in.Tag)
			return activities.SendResult{}, errors.New("graph api: 503")
		}
		if h.sendFails != nil && h.sendFails(in) {
			return activities.SendResult{}, errors.New("graph api: 503")
		}
		h.sent = append(h.sent, in)
		res := activities.SendResult{MessageID: "wamid.out"}
		if in.Mirror != nil {
			// As the real send: the mirror written once WhatsApp took the message.
			res.SentAt, res.Mirrored = time.Now(), true
			m := *in.Mirror
			m.LastActivity = res.SentAt
			h.mirrors = append(h.mirrors, m)
		}
		busy(ctx, h.sendDelay)
		return res, nil
	})
	h.env.OnActivity(a.Notify, mock.Anything, mock.Anything).Return(func(ctx context.Context, n conversation.Notice) (conversation.NoticeResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.notifyFails {
			return conversation.NoticeResult{}, errors.New("slack: 503")
		}
		if h.notifyDelay > 0 {
			h.mu.Unlock()
			done := busy(ctx, h.notifyDelay)
			h.mu.Lock()
			if !done {
				return conversation.NoticeResult{}, ctx.Err() // timed out: nothing posted
			}
		}
		h.notices = append(h.notices, n)
		if n.Kind == conversation.NoticeHandoff {
			return conversation.NoticeResult{Ref: conversation.Ref{Channel: "C1", TS: "1700000000.000100"}}, nil
		}
		return conversation.NoticeResult{Ref: n.Ref}, nil
	})
	h.env.OnActivity(a.MirrorState, mock.Anything, mock.Anything).Return(func(ctx context.Context, m conversation.Mirror) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.mirrors = append(h.mirrors, m)
		return nil
	})
	h.env.OnActivity(a.StopTurn, mock.Anything, mock.Anything).Return(h.stopTurn)
	h.env.OnActivity(a.CurrentSettings, mock.Anything).Return(func(ctx context.Context) (conversation.Settings, error) {
		if h.live != nil {
			return h.live.CurrentSettings(ctx)
		}
		return h.settings, nil
	})
	return h
}

// reply stands in for the AI engine: a keyword classifier, and the answers of two FAQs.
func (h *harness) reply(ctx context.Context, in activities.ReplyInput) (activities.ReplyResult, error) {
	h.mu.Lock()
	h.replies = append(h.replies, in)
	h.mu.Unlock()
	an, err := h.analyze(ctx, in.Text)
	if err != nil {
		return activities.ReplyResult{}, err
	}
	r := activities.ReplyResult{Analysis: an, Answer: h.answer(an.FAQID)}
	if h.model != nil {
		r = h.model(in, r)
	}
	if in.Speak != nil && in.Speak.Allows(r) {
		r.Spoken = h.speak(ctx, in.Speak, r.Answer.Text)
	}
	return r, nil
}

// speak stands in for the reply activity sending its answer: the turn's fence, then the send.
func (h *harness) speak(ctx context.Context, s *activities.Speak, text string) *activities.Spoken {
	h.mu.Lock()
	if h.fenceDown {
		h.mu.Unlock()
		return nil
	}
	if h.turns == nil {
		h.turns = map[string]string{}
	}
	if h.turns[s.Turn] == "stopped" {
		h.mu.Unlock()
		return &activities.Spoken{Stopped: true}
	}
	h.turns[s.Turn] = "reply"
	fail := h.speakFails
	h.mu.Unlock()
	if fail {
		return &activities.Spoken{Failed: "graph api: 500", Tag: "sd1.reply-tag"}
	}
	in := s.Send
	in.Text, in.Kind = text, activities.SendAnswer
	m := *in.Mirror
	m.LastMessage, m.LastActivity = text, time.Now()
	in.Mirror = &m
	h.mu.Lock()
	h.sent = append(h.sent, in)
	h.spoken++
	h.mirrors = append(h.mirrors, m)
	h.mu.Unlock()
	busy(ctx, h.sendDelay)
	return &activities.Spoken{MessageID: "wamid.spoken", Text: text, SentAt: m.LastActivity, Mirrored: true}
}

// stopTurn stands in for the turn's fence in Redis.
func (h *harness) stopTurn(ctx context.Context, turn string) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fenceDown {
		return false, errors.New("redis down")
	}
	if h.turns == nil {
		h.turns = map[string]string{}
	}
	switch h.turns[turn] {
	case "":
		h.turns[turn] = "stopped"
		return true, nil
	case "stopped":
		return true, nil
	}
	return false, nil
}

// analyze is a keyword classifier.
func (h *harness) analyze(ctx context.Context, msg string) (conversation.Analysis, error) {
	h.mu.Lock()
	h.analyzed = append(h.analyzed, msg)
	delay, down := h.analyzeDelay, h.aiDown
	h.mu.Unlock()
	if down {
		return conversation.Analysis{}, temporal.NewNonRetryableApplicationError("engine down", activities.ErrTypeAIUnavailable, nil)
	}
	if delay > 0 && !busy(ctx, delay) {
		return conversation.Analysis{}, ctx.Err()
	}
	text := strings.ToLower(msg)
	c := conversation.Classification{Intent: conversation.IntentOther, Sentiment: conversation.SentimentNeutral}
	switch {
	case strings.Contains(text, "refund"):
		c.Intent = conversation.IntentRefundRequest
	case strings.Contains(text, "useless"):
		c.Intent, c.Sentiment = conversation.IntentComplaint, conversation.SentimentAngry
	case strings.Contains(text, "hours") || strings.Contains(text, "open"):
		c.Intent, c.KBAnswers, c.FAQID, c.Topic = conversation.IntentFAQ, true, "trading_hours", "faq:trading_hours"
	case strings.Contains(text, "delivery"):
		c.Intent, c.KBAnswers, c.FAQID, c.Topic = conversation.IntentFAQ, true, "delivery_cost", "faq:delivery_cost"
	case text == "hi":
		c.Intent = conversation.IntentGreeting
	case strings.Contains(text, "thank"):
		c.Intent, c.Sentiment = conversation.IntentThanks, conversation.SentimentPositive
	default:
		c.Topic = "q:" + text
	}
	yes := text == "yes" || text == "ja" || text == "yebo" || text == "please"
	no := text == "no" || text == "nee"
	return conversation.Analysis{Classification: c, Affirmative: yes, Negative: no}, nil
}

func (h *harness) answer(faqID string) conversation.Answer {
	switch faqID {
	case "trading_hours":
		return conversation.Answer{Text: "We're open 08:00-17:00.", Grounded: true, FAQID: faqID}
	case "delivery_cost":
		return conversation.Answer{Text: "Delivery is R99.", Grounded: true, FAQID: faqID}
	}
	return conversation.Answer{}
}

// busy stands for an activity that works for d, or until it is cancelled; it reports whether it finished.
func busy(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

var msgSeq atomic.Int64

func text(body string) conversation.Message {
	id := fmt.Sprintf("wamid.in%d", msgSeq.Add(1))
	return conversation.Message{ID: id, Phone: phone, Name: "Thandi Mokoena", Kind: conversation.KindText, Text: body}
}

// at schedules a step at a simulated time after the start.
func (h *harness) at(d time.Duration, f func()) { h.env.RegisterDelayedCallback(f, d) }

func (h *harness) signal(d time.Duration, m conversation.Message) {
	h.at(d, func() { h.env.SignalWorkflow(SignalCustomerMessage, m) })
}

func (h *harness) update(name string, arg any, check func(result any, err error)) {
	h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { check(nil, err) },
		OnComplete: func(result any, err error) {
			check(result, err)
		},
	}, arg)
}

// takeoverAt has Sipho take the conversation over at d, checks that it succeeds, and runs then once it has
// completed; the result is filled in by then.
func (h *harness) takeoverAt(d time.Duration, then func()) *TakeoverResult {
	var took TakeoverResult
	h.at(d, func() {
		h.update(UpdateTakeover, TakeoverRequest{Agent: "Sipho"}, func(r any, err error) {
			if err != nil {
				h.t.Errorf("takeover: %v", err)
				return
			}
			took = r.(TakeoverResult)
			then()
		})
	})
	return &took
}

func (h *harness) query(name string) conversation.Snapshot {
	v, err := h.env.QueryWorkflow(name)
	if err != nil {
		h.t.Fatalf("query %s: %v", name, err)
	}
	var s conversation.Snapshot
	if err := v.Get(&s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// run executes the workflow until end, then cancels it as an operator would (a conversation never ends by
// itself), and checks that it ended so.
func (h *harness) run(end time.Duration) {
	h.at(end, func() { h.env.CancelWorkflow() })
	h.recordRevision()
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena", Revision: h.revision})
	h.endedCancelled()
}

// recordRevision has the workflow run as a run recorded at h.revision, before workers recorded their revision:
// the run's input names it, and it never moves to the current revision.
func (h *harness) recordRevision() {
	if h.revision == Revision {
		return
	}
	h.env.OnGetVersion(versionRevision, workflow.DefaultVersion, Revision).Return(workflow.DefaultVersion)
	for i := 1; i <= 500; i++ {
		h.env.OnGetVersion(fmt.Sprintf("upgrade-%d", i), workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	}
}

// endedCancelled checks that the workflow ended, cancelled, and not with a panic or another error.
func (h *harness) endedCancelled() {
	h.t.Helper()
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("the workflow did not end")
	}
	var cancelled *temporal.CanceledError
	if err := h.env.GetWorkflowError(); !errors.As(err, &cancelled) {
		h.t.Fatalf("the workflow ended with %v, want cancelled", err)
	}
}

func (h *harness) sentTexts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, s := range h.sent {
		out = append(out, s.Text)
	}
	return out
}

func (h *harness) noticeKinds() []conversation.NoticeKind {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []conversation.NoticeKind
	for _, n := range h.notices {
		out = append(out, n.Kind)
	}
	return out
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestFAQAnsweredByBot(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("What are your trading hours?"))
	h.at(time.Minute, func() {
		s := h.query(QueryConversation)
		if s.Status != conversation.StatusActive {
			t.Errorf("status = %s", s.Status)
		}
		if len(s.Transcript) != 2 || s.Transcript[1].From != conversation.FromBot {
			t.Errorf("transcript = %+v", s.Transcript)
		}
	})
	h.run(time.Hour)
	if got := h.sentTexts(); len(got) != 1 || got[0] != "We're open 08:00-17:00." {
		t.Fatalf("sent = %q", got)
	}
}

func TestRefundHandsOffAndBotStaysSilent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund for order 5544"))
	h.signal(2*time.Minute, text("What are your trading hours?"))
	h.at(3*time.Minute, func() {
		s := h.query(QueryConversation)
		if s.Status != conversation.StatusHandoff || s.HandoffReason != handoff.ReasonRefund {
			t.Errorf("status %s reason %s", s.Status, s.HandoffReason)
		}
		if s.Summary == "" {
			t.Error("no summary for the agent")
		}
	})
	h.run(10 * time.Minute)
	sent := h.sentTexts()
	if len(sent) != 1 || !strings.Contains(sent[0], "refund request") {
		t.Fatalf("customer should be told once and nothing else; sent %q", sent)
	}
	if len(h.analyzed) != 1 {
		t.Fatalf("the bot classified messages during the handoff: %q", h.analyzed)
	}
	kinds := h.noticeKinds()
	if len(kinds) != 2 || kinds[0] != conversation.NoticeHandoff || kinds[1] != conversation.NoticeCustomerMessage {
		t.Fatalf("notices = %v", kinds)
	}
	if h.notices[0].Card == nil || h.notices[0].Card.Summary == "" || len(h.notices[0].Card.Transcript) == 0 {
		t.Fatalf("handoff card lacks the story: %+v", h.notices[0].Card)
	}
	if h.notices[1].Ref.TS != "1700000000.000100" {
		t.Fatalf("thread message not attached to the card: %+v", h.notices[1].Ref)
	}
}

func TestIdleTimerThenReturnToBot(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("this is useless"))
	h.at(29*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusHandoff {
			t.Errorf("before the idle timeout: %s", s.Status)
		}
	})
	h.at(32*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusAwaitingConfirmation {
			t.Errorf("after the idle timeout: %s", s.Status)
		}
	})
	// The wait for a decision lasts days; customer messages still go to people.
	h.signal(48*time.Hour+time.Minute, text("hello? what are your hours")) // the window is still open at the return
	h.at(72*time.Hour, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusAwaitingConfirmation {
			t.Errorf("three days later: %s", s.Status)
		}
		h.update(UpdateReturnToBot, AgentRequest{Agent: "Sipho"}, func(r any, err error) {
			if err != nil {
				t.Errorf("return to bot: %v", err)
			}
		})
	})
	h.signal(73*time.Hour, text("what are your hours"))
	h.at(74*time.Hour, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusActive {
			t.Errorf("after return: %s", s.Status)
		}
	})
	h.run(75 * time.Hour)
	sent := h.sentTexts()
	if len(sent) != 3 || !strings.Contains(sent[0], "passing you to a person") || !strings.Contains(sent[1], "again") || sent[2] != "We're open 08:00-17:00." {
		t.Fatalf("sent = %q", sent)
	}
	kinds := h.noticeKinds()
	want := []conversation.NoticeKind{conversation.NoticeHandoff, conversation.NoticeConfirmPrompt, conversation.NoticeCardUpdate,
		conversation.NoticeCustomerMessage, conversation.NoticeCardUpdate}
	if len(kinds) != len(want) {
		t.Fatalf("notices = %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("notices = %v, want %v", kinds, want)
		}
	}
}

func TestIdleTimerKeepThenReturn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.at(31*time.Minute, func() {
		h.update(UpdateKeep, AgentRequest{Agent: "Sipho"}, func(r any, err error) {
			if err != nil {
				t.Errorf("keep: %v", err)
			}
		})
	})
	h.at(32*time.Minute, func() {
		s := h.query(QueryStatus)
		if s.Status != conversation.StatusHandoff || s.Assignee != "Sipho" {
			t.Errorf("after keep: %s %q", s.Status, s.Assignee)
		}
	})
	// The timer restarted at 31m: it fires again at 61m.
	h.at(60*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusHandoff {
			t.Errorf("before the second timeout: %s", s.Status)
		}
	})
	h.at(62*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusAwaitingConfirmation {
			t.Errorf("after the second timeout: %s", s.Status)
		}
		h.update(UpdateReturnToBot, AgentRequest{Agent: "Sipho"}, func(r any, err error) {
			if err != nil {
				t.Errorf("return: %v", err)
			}
		})
	})
	h.at(63*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusActive {
			t.Errorf("after return: %s", s.Status)
		}
	})
	h.run(2 * time.Hour)
}

func TestAgentActivityResetsIdleTimer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.at(20*time.Minute, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "Hi Thandi, looking into it"}, func(r any, err error) {
			if err != nil {
				t.Errorf("reply: %v", err)
			}
		})
	})
	h.at(45*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusHandoff || s.Assignee != "Sipho" {
			t.Errorf("the reply at 20m should restart the timer and assign: %s %q", s.Status, s.Assignee)
		}
	})
	h.at(51*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusAwaitingConfirmation {
			t.Errorf("30m after the reply: %s", s.Status)
		}
	})
	h.run(time.Hour)
	if !contains(h.sentTexts(), "looking into it") {
		t.Fatalf("agent reply not sent: %q", h.sentTexts())
	}
}

func TestTakeoverDuringLLMCallSilencesBot(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.analyzeDelay = 3 * time.Second // real time: the classifier is still running when the takeover arrives
	h.signal(time.Second, text("What are your trading hours?"))
	took := h.takeoverAt(1500*time.Millisecond, func() {
		// The takeover completes only once the bot is silent: nothing but the takeover notice may follow.
		for _, s := range h.sentTexts() {
			if strings.Contains(s, "08:00-17:00") {
				t.Errorf("bot answered before the takeover completed: %q", s)
			}
		}
	})
	h.run(time.Hour)
	if took.Assignee != "Sipho" || took.Status != conversation.StatusHandoff {
		t.Fatalf("takeover result %+v", took)
	}
	for _, s := range h.sentTexts() {
		if strings.Contains(s, "08:00-17:00") {
			t.Fatalf("bot answered after the takeover: %q", h.sentTexts())
		}
	}
	if !contains(h.sentTexts(), "joining this chat") {
		t.Fatalf("customer not told a person joined: %q", h.sentTexts())
	}
}

func TestDuplicateMessageAnsweredOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	m := text("What are your trading hours?")
	h.signal(time.Second, m)
	h.signal(2*time.Second, m)
	h.signal(3*time.Second, m)
	h.run(time.Hour)
	if len(h.analyzed) != 1 || len(h.sentTexts()) != 1 {
		t.Fatalf("analyzed %q, sent %q", h.analyzed, h.sentTexts())
	}
}

func TestSecondAgentTakeoverToldWhoHasIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.at(time.Minute, func() {
		h.update(UpdateTakeover, TakeoverRequest{Agent: "Sipho", AgentID: "U1"}, func(r any, err error) {
			if err != nil || r.(TakeoverResult).AlreadyAssigned {
				t.Errorf("first takeover: %+v %v", r, err)
			}
		})
	})
	h.at(2*time.Minute, func() {
		h.update(UpdateTakeover, TakeoverRequest{Agent: "Lerato", AgentID: "U2"}, func(r any, err error) {
			res := r.(TakeoverResult)
			if err != nil || !res.AlreadyAssigned || res.Assignee != "Sipho" {
				t.Errorf("second takeover: %+v %v", res, err)
			}
		})
	})
	h.run(time.Hour)
}

func TestReplyRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.at(time.Second, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "hello"}, func(r any, err error) {
			if !isType(err, ErrTypeBotHolds) {
				t.Errorf("reply while the bot holds it: %v", err)
			}
		})
	})
	h.signal(2*time.Second, text("I want a refund"))
	h.at(time.Minute, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "  "}, func(r any, err error) {
			if !isType(err, ErrTypeInvalidText) {
				t.Errorf("empty reply: %v", err)
			}
		})
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: strings.Repeat("a", 4097)}, func(r any, err error) {
			if !isType(err, ErrTypeInvalidText) {
				t.Errorf("long reply: %v", err)
			}
		})
		h.update(UpdateTakeover, TakeoverRequest{Agent: "Sipho", AgentID: "U1"}, func(r any, err error) {})
	})
	h.at(2*time.Minute, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Lerato", AgentID: "U2", Source: conversation.SourceSlack, Text: "me too"}, func(r any, err error) {
			if !isType(err, ErrTypeNotAssignee) {
				t.Errorf("reply from a Slack user who is not the assignee: %v", err)
			}
		})
	})
	// Two days later the 24-hour window is closed.
	h.at(49*time.Hour, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", AgentID: "U1", Source: conversation.SourceSlack, Text: "still there?"}, func(r any, err error) {
			if !isType(err, ErrTypeWindowClosed) {
				t.Errorf("reply after 24h: %v", err)
			}
		})
	})
	h.run(50 * time.Hour)
	for _, s := range h.sentTexts() {
		if s == "hello" || s == "me too" || s == "still there?" {
			t.Fatalf("refused reply was sent: %q", h.sentTexts())
		}
	}
}

func isType(err error, typ string) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == typ
}

func TestNonTextMessagesGetAReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, conversation.Message{ID: "wamid.voice", Phone: phone, Kind: conversation.KindVoice, Text: "[voice note]"})
	h.signal(2*time.Second, conversation.Message{ID: "wamid.img", Phone: phone, Kind: conversation.KindMedia, Text: "[image] broken pot"})
	h.signal(3*time.Second, conversation.Message{ID: "wamid.loc", Phone: phone, Kind: conversation.KindLocation, Text: "[location] Rosebank"})
	h.signal(4*time.Second, conversation.Message{ID: "wamid.react", Phone: phone, Kind: conversation.KindReaction, Text: "[reaction 👍]"})
	h.run(time.Hour)
	sent := h.sentTexts()
	if len(sent) != 3 || !strings.Contains(sent[0], "voice notes") || !strings.Contains(sent[1], "attachment") || !strings.Contains(sent[2], "location") {
		t.Fatalf("sent = %q", sent)
	}
	if len(h.analyzed) != 0 {
		t.Fatalf("non-text messages were classified: %q", h.analyzed)
	}
}

func TestAIDownHandsOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.aiDown = true
	h.signal(time.Second, text("What are your trading hours?"))
	h.at(time.Minute, func() {
		s := h.query(QueryStatus)
		if s.Status != conversation.StatusHandoff || s.HandoffReason != handoff.ReasonAIUnavailable {
			t.Errorf("status %s reason %s", s.Status, s.HandoffReason)
		}
	})
	h.run(time.Hour)
	if sent := h.sentTexts(); len(sent) != 1 || !strings.Contains(sent[0], "can't answer right now") {
		t.Fatalf("customer must not be left in silence: %q", sent)
	}
}

func TestUnknownQuestionOffersPerson(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("Do you sell car tyres?"))
	h.signal(time.Minute, conversation.Message{ID: "wamid.yes", Phone: phone, Kind: conversation.KindButton, ButtonID: ButtonHandoffYes, Text: titleYes})
	h.run(time.Hour)
	if len(h.sent) < 2 || len(h.sent[0].Buttons) != 2 || h.sent[0].Buttons[0].ID != ButtonHandoffYes || h.sent[0].Buttons[1].ID != ButtonHandoffNo {
		t.Fatalf("no offer with buttons: %+v", h.sent)
	}
	if !strings.Contains(h.sent[1].Text, "passing you to a person") {
		t.Fatalf("handoff_yes did not hand off: %+v", h.sent)
	}
}

func TestRepeatedQuestionOffer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		answer  conversation.Message
		handoff bool
		reply   string
	}{
		{"button yes", conversation.Message{Kind: conversation.KindButton, ButtonID: ButtonHandoffYes, Text: titleYes}, true, "person on our team"},
		{"typed yes", conversation.Message{Kind: conversation.KindText, Text: "yebo"}, true, "person on our team"},
		{"button no", conversation.Message{Kind: conversation.KindButton, ButtonID: ButtonHandoffNo, Text: titleNo}, false, "No problem"},
		{"typed no", conversation.Message{Kind: conversation.KindText, Text: "nee"}, false, "No problem"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.signal(time.Second, text("what are your hours"))
			h.signal(time.Minute, text("when are you open"))
			ans := tc.answer
			ans.ID, ans.Phone = "wamid.answer", phone
			h.signal(2*time.Minute, ans)
			h.run(time.Hour)
			sent := h.sent
			if len(sent) != 3 {
				t.Fatalf("sent %+v", sent)
			}
			if len(sent[1].Buttons) != 2 || !strings.Contains(sent[1].Text, "aren't helping") {
				t.Fatalf("second ask should bring the offer: %+v", sent[1])
			}
			if !strings.Contains(sent[2].Text, tc.reply) {
				t.Fatalf("after %s: %q", tc.name, sent[2].Text)
			}
		})
	}
}

func TestRepeatedQuestionOfferedOncePerStreak(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(1*time.Minute, text("what are your hours"))
	h.signal(2*time.Minute, text("when are you open")) // offer
	h.signal(3*time.Minute, text("nee"))               // declined
	h.signal(4*time.Minute, text("open hours?"))       // same streak: answered, no second offer
	h.signal(5*time.Minute, text("hours please"))      // still the same streak
	h.signal(6*time.Minute, text("how much is delivery"))
	h.signal(7*time.Minute, text("hours??")) // new streak, fifth time: offered again
	h.run(time.Hour)
	var offers int
	for _, s := range h.sent {
		if len(s.Buttons) > 0 {
			offers++
		}
	}
	if offers != 2 {
		t.Fatalf("offers = %d; sent %q", offers, h.sentTexts())
	}
}

func TestContinueAsNewKeepsState(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.signal(2*time.Minute, text("order 5544 please"))
	h.at(3*time.Minute, func() { h.env.SetContinueAsNewSuggested(true) })
	h.signal(4*time.Minute, text("anyone?"))
	h.at(5*time.Hour, func() { h.env.CancelWorkflow() })
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena"})
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow ended with %v, want continue-as-new", err)
	}
	var next Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	s := next.State
	if s == nil || s.Status != conversation.StatusHandoff || s.Reason != handoff.ReasonRefund || s.Summary == "" {
		t.Fatalf("state not carried: %+v", s)
	}
	if len(s.Transcript) < 3 || len(s.Seen) < 2 || s.IdleDeadline.IsZero() || len(s.Cards) != 1 {
		t.Fatalf("carried state lacks transcript, seen ids, idle deadline or card: %+v", s)
	}

	// The next run picks up where this one stopped: pending messages are handled, the timer still runs.
	h2 := newHarness(t)
	s.Pending = append(s.Pending, text("hello?"))
	s.Seen = append(s.Seen, s.Pending[0].ID)
	h2.at(time.Minute, func() {
		kinds := h2.noticeKinds()
		if len(kinds) != 1 || kinds[0] != conversation.NoticeCustomerMessage || h2.notices[0].Ref.TS == "" {
			t.Errorf("pending message not passed to the agents' thread: %v", h2.notices)
		}
	})
	h2.at(time.Hour, func() {
		if st := h2.query(QueryStatus); st.Status != conversation.StatusAwaitingConfirmation {
			t.Errorf("idle timer lost across continue-as-new: %s", st.Status)
		}
	})
	h2.at(2*time.Hour, func() { h2.env.CancelWorkflow() })
	h2.env.ExecuteWorkflow(ConversationWorkflow, next)
	if len(h2.analyzed) != 0 || len(h2.sentTexts()) != 0 {
		t.Fatalf("bot spoke in the continued handoff: %q %q", h2.analyzed, h2.sentTexts())
	}
}

func TestOutOfHoursHandoff(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.settings.InSupportHours = false
	h.settings.NextOpening = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	h.signal(time.Second, text("I want a refund"))
	h.run(time.Hour)
	sent := h.sentTexts()
	if len(sent) != 1 || !strings.Contains(sent[0], "Monday 08:00") {
		t.Fatalf("customer not told when a person answers: %q", sent)
	}
	if c := h.notices[0].Card; c == nil || !strings.Contains(c.OutOfHoursNote, "Monday 08:00") {
		t.Fatalf("card lacks the out-of-hours note: %+v", c)
	}
}

// A message that arrived while a person held the conversation is theirs, even when it is handled after the
// conversation went back to the bot (the workflow was busy, or its worker had crashed).
func TestMessageForPersonNotAnsweredAfterReturn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.summaryDelay = 3 * time.Second
	h.signal(time.Second, text("I want a refund"))
	h.signal(1500*time.Millisecond, text("my order number is 1234, what are your hours"))
	h.at(2*time.Second, func() {
		h.update(UpdateReturnToBot, AgentRequest{Agent: "Sipho"}, func(r any, err error) {
			if err != nil {
				t.Errorf("return: %v", err)
			}
		})
	})
	h.signal(time.Hour, text("How much is delivery?"))
	h.run(2 * time.Hour)
	for _, s := range h.sentTexts() {
		if strings.Contains(s, "08:00-17:00") {
			t.Fatalf("the bot answered a message meant for a person: %q", h.sentTexts())
		}
	}
	if !contains(h.sentTexts(), "R99") {
		t.Fatalf("the bot did not answer after the return: %q", h.sentTexts())
	}
}

func TestSlackRepliesOnlyFromTheAssigneeInTheCurrentThread(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.at(time.Minute, func() {
		// Taken in the console: no Slack id.
		h.update(UpdateTakeover, TakeoverRequest{Agent: "Sipho"}, func(r any, err error) {})
	})
	h.at(2*time.Minute, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Lerato", AgentID: "U2", Source: conversation.SourceSlack, Text: "not me", ThreadTS: "1700000000.000100"}, func(r any, err error) {
			if !isType(err, ErrTypeNotAssignee) {
				t.Errorf("another Slack user's reply: %v", err)
			}
		})
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", AgentID: "U1", Source: conversation.SourceSlack, Text: "old thread", ThreadTS: "1600000000.000100"}, func(r any, err error) {
			if !isType(err, ErrTypeNotAssignee) {
				t.Errorf("a reply in an earlier handoff's thread: %v", err)
			}
		})
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", AgentID: "U1", Source: conversation.SourceSlack, Text: "Sipho in Slack", ThreadTS: "1700000000.000100"}, func(r any, err error) {
			if err != nil {
				t.Errorf("the assignee's reply in the card's thread: %v", err)
			}
		})
	})
	h.run(time.Hour)
	sent := h.sentTexts()
	if contains(sent, "not me") || contains(sent, "old thread") || !contains(sent, "Sipho in Slack") {
		t.Fatalf("sent %q", sent)
	}
}

func TestAgentNoteRestartsIdleTimer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.at(20*time.Minute, func() {
		h.update(UpdateActivity, AgentRequest{Agent: "Sipho"}, func(r any, err error) {
			if err != nil {
				t.Errorf("activity: %v", err)
			}
		})
	})
	h.at(45*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusHandoff {
			t.Errorf("a note at 20m should keep the handoff open until 50m: %s", s.Status)
		}
	})
	h.at(51*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusAwaitingConfirmation {
			t.Errorf("30m after the note: %s", s.Status)
		}
	})
	h.run(time.Hour)
}

// An operator cancels a conversation from the Temporal UI in each of its states: the run ends cancelled, without
// a panic or a workflow task failing, and Redis is told the bot answers again.
func TestCancelEndsTheConversationCleanly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		setup func(h *harness)
	}{
		{"with the bot", func(h *harness) { h.signal(time.Second, text("What are your trading hours?")) }},
		{"in a handoff", func(h *harness) { h.signal(time.Second, text("I want a refund")) }},
		{"waiting for confirmation", func(h *harness) {
			h.settings.IdleTimeout = 10 * time.Second
			h.signal(time.Second, text("I want a refund"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tc.setup(h)
			h.run(time.Minute)
			h.mu.Lock()
			defer h.mu.Unlock()
			if last := h.mirrors[len(h.mirrors)-1]; last.Status != conversation.StatusActive {
				t.Fatalf("Redis still says %s after the cancel", last.Status)
			}
		})
	}
}

// A cancel that arrives while a fresh history is due (held back by a bot answer in flight) ends the run: it
// does not continue this conversation. The message whose answer it cut short starts a fresh one.
func TestCancelWhenContinueAsNewIsDue(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.analyzeDelay = 10 * time.Second
	h.env.SetTestTimeout(30 * time.Second)
	m := text("What are your trading hours?")
	h.signal(2*time.Second, m)
	h.at(3*time.Second, func() { h.env.SetContinueAsNewSuggested(true) })
	h.at(4*time.Second, func() { h.env.CancelWorkflow() })
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena"})
	in, _ := h.continuedAsNew()
	if s := in.State; len(s.Transcript) != 1 || s.Transcript[0].ID != m.ID || len(s.Pending) != 1 {
		t.Fatalf("the next run starts with %+v", s)
	}
}

// A cancel while an agent's reply is being sent ends the run once the reply's update has finished.
func TestCancelDuringAgentReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.at(time.Minute, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "Hi, Sipho here"}, func(r any, err error) {})
		h.env.CancelWorkflow()
	})
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena"})
	h.endedCancelled()
}

// A bot turn asks the engine once: a local activity for the local engine, whose answer's send marks the
// customer's message read; an activity for a model, which marks it read (and shows typing) while it thinks.
func TestOneEngineCallPerBotTurn(t *testing.T) {
	t.Parallel()
	for _, local := range []bool{true, false} {
		t.Run(fmt.Sprintf("local=%v", local), func(t *testing.T) {
			h := newHarness(t)
			h.settings.LocalEngine = local
			m := text("What are your trading hours?")
			h.signal(time.Second, m)
			h.signal(time.Minute, text("How much is delivery?"))
			h.run(time.Hour)
			if len(h.replies) != 2 {
				t.Fatalf("engine asked %d times for 2 messages", len(h.replies))
			}
			reads := []string{h.replies[0].ReadID, h.replies[1].ReadID}
			sent := h.sentTexts()
			if len(sent) != 2 || sent[0] != "We're open 08:00-17:00." || sent[1] != "Delivery is R99." {
				t.Fatalf("sent %q", sent)
			}
			if local {
				if reads[0] != "" || h.sent[0].ReadID != m.ID {
					t.Fatalf("local engine: the answer's send should mark %s read: reply %q send %q", m.ID, reads[0], h.sent[0].ReadID)
				}
			} else if reads[0] != m.ID || h.sent[0].ReadID != "" {
				t.Fatalf("model: the engine call should mark %s read: reply %q send %q", m.ID, reads[0], h.sent[0].ReadID)
			}
		})
	}
}

// mirrorsOf returns the Redis mirrors written so far, by the mirror activity or by a send.
func (h *harness) mirrorsOf() []conversation.Mirror {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]conversation.Mirror(nil), h.mirrors...)
}

func TestBotAnswerMirroredByItsSend(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("What are your trading hours?"))
	h.signal(time.Minute, text("How much is delivery?"))
	var afterFirst []conversation.Mirror
	h.at(30*time.Second, func() { afterFirst = h.mirrorsOf() })
	h.run(time.Hour)
	if len(h.sentTexts()) != 2 {
		t.Fatalf("sent %q", h.sentTexts())
	}
	for i, in := range h.sent {
		if in.Mirror == nil || in.Mirror.LastMessage != in.Text || in.Mirror.Status != conversation.StatusActive {
			t.Fatalf("send %d carries mirror %+v", i, in.Mirror)
		}
	}
	// The first answer's send is the last mirror written before the second question: no mirror activity
	// after it repeats what the send wrote.
	if n := len(afterFirst); n == 0 || afterFirst[n-1].LastMessage != "We're open 08:00-17:00." || afterFirst[n-1].LastActivity.IsZero() {
		t.Fatalf("mirrors after the first answer: %+v", afterFirst)
	}
	if n := len(afterFirst); n >= 2 && afterFirst[n-2].LastMessage == afterFirst[n-1].LastMessage {
		t.Fatalf("the answer mirrored twice: %+v", afterFirst[n-2:])
	}
	s := h.query(QueryConversation)
	if last := s.Transcript[len(s.Transcript)-1]; last.From != conversation.FromBot || last.Text != "Delivery is R99." {
		t.Fatalf("last line %+v", last)
	}
}

func TestChangeDuringASendMirroredAfterIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sendDelay = 2 * time.Second // real time: WhatsApp is slow to answer, the customer's new name arrives meanwhile
	h.signal(time.Second, text("What are your trading hours?"))
	renamed := text("👍")
	renamed.Kind, renamed.Name = conversation.KindReaction, "Thandi M" // recorded, never answered: no later send mirrors it
	h.signal(2*time.Second, renamed)
	h.run(time.Hour)
	m := h.mirrorsOf()
	if last := m[len(m)-1]; last.Name != "Thandi M" {
		t.Fatalf("last mirror %+v: the name that arrived during the send is missing", last)
	}
}

func TestRunsRecordedBeforeMirrorOnSendStillMirrorAfterIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.revision = 0
	h.signal(time.Second, text("What are your trading hours?"))
	h.run(time.Hour)
	if in := h.sent[0]; in.Mirror != nil {
		t.Fatalf("revision 0 send carries a mirror: %+v", in.Mirror)
	}
	m := h.mirrorsOf()
	if last := m[len(m)-1]; last.LastMessage != "We're open 08:00-17:00." {
		t.Fatalf("last mirror %+v", last)
	}
}
