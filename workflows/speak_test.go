package workflows

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/workflows/conversation"
)

func TestModelAnswerSentByTheReplyActivity(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("What are your trading hours?"))
	h.signal(time.Minute, text("hi"))
	h.run(time.Hour)
	if h.spoken != 1 {
		t.Fatalf("answers sent by the reply activity: %d, want 1 (the greeting is the workflow's)", h.spoken)
	}
	if got := h.sentTexts(); len(got) != 2 || got[0] != "We're open 08:00-17:00." || !strings.HasPrefix(got[1], "Hi Thandi") {
		t.Fatalf("sent %q", got)
	}
	s := h.query(QueryConversation)
	var answered bool
	for _, l := range s.Transcript {
		answered = answered || l.From == conversation.FromBot && l.Text == "We're open 08:00-17:00." && l.ID == "wamid.spoken"
	}
	if !answered || s.Status != conversation.StatusActive {
		t.Fatalf("transcript %+v, status %s", s.Transcript, s.Status)
	}
}

func TestTakeoverWhileTheReplyIsSentWaitsForIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sendDelay = 2 * time.Second // real time: the reply activity holds the turn and WhatsApp is slow to answer
	h.signal(time.Second, text("What are your trading hours?"))
	took := h.takeoverAt(1500*time.Millisecond, func() {
		// The answer was on its way: the takeover completes once it is out and recorded.
		if !contains(h.sentTexts(), "08:00-17:00") {
			t.Errorf("takeover completed before the answer on its way: %q", h.sentTexts())
		}
	})
	h.run(time.Hour)
	if took.Assignee != "Sipho" || took.Status != conversation.StatusHandoff {
		t.Fatalf("takeover result %+v", took)
	}
	s := h.query(QueryConversation)
	var lines []string
	for _, l := range s.Transcript {
		lines = append(lines, string(l.From)+": "+l.Text)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "bot: We're open 08:00-17:00.") {
		t.Fatalf("the answer sent is missing from the transcript:\n%s", strings.Join(lines, "\n"))
	}
}

func TestFenceDownTheWorkflowSendsTheAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.fenceDown = true
	h.signal(time.Second, text("What are your trading hours?"))
	h.run(time.Hour)
	if h.spoken != 0 || len(h.sent) != 1 || h.sent[0].Text != "We're open 08:00-17:00." || h.sent[0].Tag == "sd1.reply-tag" {
		t.Fatalf("spoken %d, sent %+v", h.spoken, h.sent)
	}
}

func TestReplyActivitySendFailedSentAgainUnderItsTag(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.speakFails = true
	h.signal(time.Second, text("What are your trading hours?"))
	h.run(time.Hour)
	if len(h.sent) != 1 || h.sent[0].Text != "We're open 08:00-17:00." || h.sent[0].Tag != "sd1.reply-tag" {
		t.Fatalf("sent %+v", h.sent)
	}
}

// TestSpeakAgreesWithTheRules checks, over states and replies, that the reply activity is allowed to send
// exactly what the workflow's rules would have the bot say: the knowledge base's answer.
func TestSpeakAgreesWithTheRules(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	states := map[string]*conversation.State{
		"new":           {},
		"offer pending": {Offer: conversation.Offer{Pending: true, Reason: "repeated_question"}},
		"asked once":    {Repeat: conversation.Repeat{Asked: []conversation.Ask{{Topic: "faq:trading_hours", At: at.Add(-time.Minute)}}}},
		"just answered": {Repeat: conversation.Repeat{Asked: []conversation.Ask{{Topic: "faq:trading_hours", At: at.Add(-time.Minute)}}, LastAnswered: true}},
		"asked twice": {Repeat: conversation.Repeat{Asked: []conversation.Ask{{Topic: "faq:trading_hours", At: at.Add(-time.Hour)}, {Topic: "faq:delivery", At: at.Add(-time.Minute)},
			{Topic: "faq:trading_hours", At: at.Add(-30 * time.Second)}, {Topic: "faq:delivery", At: at.Add(-20 * time.Second)}}}},
		"long ago": {Repeat: conversation.Repeat{Asked: []conversation.Ask{{Topic: "faq:trading_hours", At: at.Add(-48 * time.Hour)}, {Topic: "faq:trading_hours", At: at.Add(-47 * time.Hour)}}, LastAnswered: true}},
	}
	var replies []activities.ReplyResult
	for _, intent := range []conversation.Intent{conversation.IntentFAQ, conversation.IntentGreeting, conversation.IntentThanks, conversation.IntentOther, conversation.IntentRefundRequest, conversation.IntentHumanRequested, conversation.IntentComplaint, conversation.IntentOrderStatus} {
		for _, sentiment := range []conversation.Sentiment{conversation.SentimentNeutral, conversation.SentimentAngry} {
			for _, topic := range []string{"", "faq:trading_hours", "faq:delivery", "faq:location"} {
				for _, grounded := range []bool{false, true} {
					for _, yesNo := range []int{0, 1, 2} {
						r := activities.ReplyResult{Analysis: conversation.Analysis{Classification: conversation.Classification{Intent: intent, Sentiment: sentiment, Topic: topic}}}
						r.Affirmative, r.Negative = yesNo == 1, yesNo == 2
						if grounded {
							r.Answer = conversation.Answer{Text: "We're open 08:00-17:00.", Grounded: true, FAQID: "trading_hours"}
						}
						replies = append(replies, r)
					}
				}
			}
		}
	}
	checked := 0
	for name, s := range states {
		c := &conversationWorkflow{s: s}
		s.Phone = phone
		speak := c.speakRules(conversation.Message{ID: "wamid.1"}, at)
		for _, r := range replies {
			d, _ := conversation.DecideText(s.TurnContext(), r.Analysis, at)
			if d.Action == conversation.ActAnswer {
				d = conversation.DecideAnswer(r.Analysis, r.Answer)
			}
			says := d.Action == conversation.ActSay && d.Answered
			if allowed := speak.Allows(r); allowed != says || (says && d.Text != r.Answer.Text) {
				t.Errorf("%s, %s: the activity may send: %v; the rules: %+v", name, describeReply(r), allowed, d)
			}
			checked++
		}
	}
	t.Logf("%d state and reply pairs agree", checked)
}

func describeReply(r activities.ReplyResult) string {
	return fmt.Sprintf("intent %s sentiment %s topic %q grounded %v yes %v no %v", r.Intent, r.Sentiment, r.Topic, r.Answer.Grounded, r.Affirmative, r.Negative)
}

// TestBotSendInItsWorkflowTask: new runs send the bot's messages from the workflow task that decided them (a
// local activity); runs recorded before revision 3 keep their send activity.
func TestBotSendInItsWorkflowTask(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		revision int
		local    bool
	}{{Revision, true}, {revisionSpeakInReply, false}} {
		h := newHarness(t)
		h.revision = tc.revision
		h.settings.LocalEngine = true
		var local []bool
		h.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, args []any) {
			if info.ActivityType.Name == "Send" {
				local = append(local, true)
			}
		})
		h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
			if info.ActivityType.Name == "Send" {
				local = append(local, false)
			}
		})
		h.signal(time.Second, text("What are your trading hours?"))
		h.run(time.Hour)
		if len(local) != 1 || local[0] != tc.local || !contains(h.sentTexts(), "08:00-17:00") {
			t.Fatalf("revision %d: sends local %v, sent %q", tc.revision, local, h.sentTexts())
		}
	}
}

// TestTakeoverWhileTheBotSendsWaitsForIt: a takeover that arrives while the bot's answer is being sent from
// its workflow task completes once the send is done and recorded, never while its fate is unknown.
func TestTakeoverWhileTheBotSendsWaitsForIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.settings.LocalEngine = true
	h.sendDelay = 3 * time.Second // real time: WhatsApp is slow to answer the send
	h.env.SetTestTimeout(20 * time.Second)
	h.signal(time.Second, text("What are your trading hours?"))
	took := h.takeoverAt(1500*time.Millisecond, func() {
		s := h.query(QueryConversation)
		var recorded bool
		for _, l := range s.Transcript {
			recorded = recorded || l.From == conversation.FromBot && strings.Contains(l.Text, "08:00-17:00")
		}
		if !recorded {
			t.Errorf("takeover completed while the answer's send was under way: %+v", s.Transcript)
		}
	})
	h.run(time.Hour)
	if took.Assignee != "Sipho" {
		t.Fatalf("takeover result %+v", took)
	}
}

// TestBotSendFailingInItsWorkflowTaskGoesOnInAnActivity: when WhatsApp keeps failing the bot's send from its
// workflow task, a send activity carries on under the same tag, so that an attempt WhatsApp took after all is
// not sent twice.
func TestBotSendFailingInItsWorkflowTaskGoesOnInAnActivity(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.settings.LocalEngine = true
	h.localSendFails = true
	h.env.SetTestTimeout(20 * time.Second) // the local attempts back off in real time
	h.signal(time.Second, text("What are your trading hours?"))
	h.run(time.Hour)
	if len(h.failedTags) != 3 || len(h.sent) != 1 || h.sent[0].Text != "We're open 08:00-17:00." {
		t.Fatalf("failed local attempts %q, sent %+v", h.failedTags, h.sent)
	}
	for _, tag := range h.failedTags {
		if tag == "" || tag != h.sent[0].Tag {
			t.Fatalf("local attempts under %q, the send activity under %q", h.failedTags, h.sent[0].Tag)
		}
	}
	s := h.query(QueryConversation)
	if last := s.Transcript[len(s.Transcript)-1]; last.From != conversation.FromBot || last.Text != "We're open 08:00-17:00." {
		t.Fatalf("last line %+v", last)
	}
}
