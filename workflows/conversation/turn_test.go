package conversation

import (
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
)

func TestDecideText(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	faq := func(topic string) Analysis {
		return Analysis{Classification: Classification{Intent: IntentFAQ, Sentiment: SentimentNeutral, Topic: topic, KBAnswers: true}}
	}
	of := func(intent Intent, sentiment Sentiment) Analysis {
		return Analysis{Classification: Classification{Intent: intent, Sentiment: sentiment}}
	}
	yes := of(IntentOther, SentimentNeutral)
	yes.Affirmative = true
	no := of(IntentOther, SentimentNeutral)
	no.Negative = true
	asked := func(times int) Repeat {
		var r Repeat
		for i := 0; i < times; i++ {
			r, _ = r.Observe("faq:hours", at.Add(time.Duration(i-times)*time.Minute))
		}
		return r
	}
	withOffer := TurnContext{Offer: Offer{Pending: true, Reason: handoff.ReasonRepeatedQuestion}}
	cases := []struct {
		name   string
		s      TurnContext
		an     Analysis
		action Action
		reason handoff.Reason
		text   string
	}{
		{"refund", TurnContext{}, of(IntentRefundRequest, SentimentNeutral), ActHandoff, handoff.ReasonRefund, ""},
		{"angry", TurnContext{}, of(IntentFAQ, SentimentAngry), ActHandoff, handoff.ReasonAngry, ""},
		{"asks for a person", TurnContext{}, of(IntentHumanRequested, SentimentNeutral), ActHandoff, handoff.ReasonHumanRequested, ""},
		{"complaint", TurnContext{}, of(IntentComplaint, SentimentNegative), ActHandoff, handoff.ReasonComplaint, ""},
		{"a question", TurnContext{}, faq("faq:hours"), ActAnswer, "", ""},
		{"third time in a day", TurnContext{Repeat: asked(2)}, faq("faq:hours"), ActOffer, handoff.ReasonRepeatedQuestion, "aren't helping"},
		{"yes to the offer", withOffer, yes, ActHandoff, handoff.ReasonRepeatedQuestion, ""},
		{"no to the offer", withOffer, no, ActSay, "", "No problem"},
		{"yes with no offer is just text", TurnContext{}, yes, ActAnswer, "", ""},
		{"greeting names the knowledge base", TurnContext{Name: "Thandi Mokoena", Business: "Baobab", Topics: []string{"trading hours", "delivery cost"}},
			of(IntentGreeting, SentimentPositive), ActSay, "", "Hi Thandi! I'm the Baobab assistant. Ask me about trading hours or delivery cost"},
		{"thanks", TurnContext{}, of(IntentThanks, SentimentPositive), ActSay, "", "You're welcome"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(tc.s.Repeat.Asked)
			d, _ := DecideText(tc.s, tc.an, at)
			if d.Action != tc.action || d.Reason != tc.reason || !strings.Contains(d.Text, tc.text) {
				t.Fatalf("DecideText = %+v", d)
			}
			if len(tc.s.Repeat.Asked) != before {
				t.Fatal("DecideText changed the state")
			}
		})
	}
}

func TestDecideAnswer(t *testing.T) {
	t.Parallel()
	q := Analysis{Classification: Classification{Intent: IntentFAQ}}
	order := Analysis{Classification: Classification{Intent: IntentOrderStatus}}
	if d := DecideAnswer(q, Answer{Text: "We're open 8-5.", Grounded: true}); d.Action != ActSay || d.Text != "We're open 8-5." || !d.Answered {
		t.Fatalf("grounded answer: %+v", d)
	}
	if d := DecideAnswer(q, Answer{Text: "a guess"}); d.Action != ActOffer || !strings.Contains(d.Text, "don't have an answer") {
		t.Fatalf("ungrounded answer must not be said: %+v", d)
	}
	if d := DecideAnswer(order, Answer{}); d.Action != ActOffer || !strings.Contains(d.Text, "look up orders") {
		t.Fatalf("order status: %+v", d)
	}
}

func TestRepeatStreakTable(t *testing.T) {
	t.Parallel()
	var r Repeat
	steps := []struct {
		topic    string
		answered bool
		offer    bool
	}{
		{"faq:a", true, false},
		{"faq:b", true, false},
		{"faq:a", true, false}, // second time, not right after: no offer
		{"faq:a", false, true}, // right after an answer (and third time)
		{"faq:a", true, false}, // offered once per streak
		{"", false, false},     // greetings do not count
		{"faq:c", true, false},
		{"faq:c", true, true}, // asked again right after the answer
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i, s := range steps {
		var got bool
		r, got = r.Observe(s.topic, at.Add(time.Duration(i)*time.Minute))
		if got != s.offer {
			t.Fatalf("step %d (%s): offer = %v, want %v", i, s.topic, got, s.offer)
		}
		if s.answered {
			r = r.Answered()
		}
	}
}

// The same question asked now and then is no loop: only questions within a day count.
func TestRepeatLooksAtADay(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var r Repeat
	var offered bool
	for day := 0; day < 90; day += 30 {
		r, offered = r.Observe("faq:hours", start.AddDate(0, 0, day))
		if offered {
			t.Fatalf("offered a person on day %d for a monthly question", day)
		}
		r = r.Answered()
		r, offered = r.Observe("faq:delivery", start.AddDate(0, 0, day).Add(time.Hour))
		if offered {
			t.Fatalf("offered a person on day %d", day)
		}
	}
	if len(r.Asked) > 2 {
		t.Fatalf("questions older than a day kept: %+v", r.Asked)
	}
	// Three times within a day is a loop.
	r = Repeat{}
	for i, want := range []bool{false, false, true} {
		if r, offered = r.Observe("faq:hours", start.Add(time.Duration(i)*8*time.Hour)); offered != want {
			t.Fatalf("ask %d within a day: offered = %v", i+1, offered)
		}
	}
}
