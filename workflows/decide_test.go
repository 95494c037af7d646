package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/handoff"
)

func TestDecideButton(t *testing.T) {
	t.Parallel()
	offer := &State{Offer: Offer{Pending: true, Reason: handoff.ReasonRepeatedQuestion}}
	cases := []struct {
		name    string
		s       *State
		m       CustomerMessage
		decided bool
		action  Action
		reason  handoff.Reason
		text    string
	}{
		{"yes to an offer", offer, CustomerMessage{Kind: KindButton, ButtonID: ButtonHandoffYes}, true, ActHandoff, handoff.ReasonRepeatedQuestion, ""},
		{"yes without an offer on record", &State{}, CustomerMessage{Kind: KindButton, ButtonID: ButtonHandoffYes}, true, ActHandoff, handoff.ReasonHumanRequested, ""},
		{"no thanks", offer, CustomerMessage{Kind: KindButton, ButtonID: ButtonHandoffNo}, true, ActSay, "", "No problem"},
		{"another button is read as text", offer, CustomerMessage{Kind: KindButton, ButtonID: "menu_1", Text: "Delivery"}, false, 0, "", ""},
		{"text is classified", offer, CustomerMessage{Kind: KindText, Text: "hi"}, false, 0, "", ""},
		{"a reaction needs nothing", &State{}, CustomerMessage{Kind: KindReaction}, true, ActNothing, "", ""},
		{"a voice note", &State{}, CustomerMessage{Kind: KindVoice}, true, ActSay, "", "voice notes"},
		{"a photo", &State{}, CustomerMessage{Kind: KindMedia}, true, ActSay, "", "attachment"},
		{"a location", &State{}, CustomerMessage{Kind: KindLocation}, true, ActSay, "", "location"},
		{"something unreadable", &State{}, CustomerMessage{Kind: KindUnsupported}, true, ActSay, "", "can't read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := decideButton(tc.s, tc.m)
			if ok != tc.decided || d.Action != tc.action || d.Reason != tc.reason || !strings.Contains(d.Text, tc.text) {
				t.Fatalf("decideButton = %+v, %v", d, ok)
			}
		})
	}
}

func TestDecideText(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	faq := func(topic string) activities.Analysis {
		return activities.Analysis{Classification: ai.Classification{Intent: ai.IntentFAQ, Sentiment: ai.SentimentNeutral, Topic: topic, KBAnswers: true}}
	}
	of := func(intent ai.Intent, sentiment ai.Sentiment) activities.Analysis {
		return activities.Analysis{Classification: ai.Classification{Intent: intent, Sentiment: sentiment}}
	}
	yes := of(ai.IntentOther, ai.SentimentNeutral)
	yes.Affirmative = true
	no := of(ai.IntentOther, ai.SentimentNeutral)
	no.Negative = true
	asked := func(times int) Repeat {
		var r Repeat
		for i := 0; i < times; i++ {
			r, _ = r.Observe("faq:hours", at.Add(time.Duration(i-times)*time.Minute))
		}
		return r
	}
	withOffer := State{Offer: Offer{Pending: true, Reason: handoff.ReasonRepeatedQuestion}}
	cases := []struct {
		name   string
		s      State
		an     activities.Analysis
		action Action
		reason handoff.Reason
		text   string
	}{
		{"refund", State{}, of(ai.IntentRefundRequest, ai.SentimentNeutral), ActHandoff, handoff.ReasonRefund, ""},
		{"angry", State{}, of(ai.IntentFAQ, ai.SentimentAngry), ActHandoff, handoff.ReasonAngry, ""},
		{"asks for a person", State{}, of(ai.IntentHumanRequested, ai.SentimentNeutral), ActHandoff, handoff.ReasonHumanRequested, ""},
		{"complaint", State{}, of(ai.IntentComplaint, ai.SentimentNegative), ActHandoff, handoff.ReasonComplaint, ""},
		{"a question", State{}, faq("faq:hours"), ActAnswer, "", ""},
		{"third time in a day", State{Repeat: asked(2)}, faq("faq:hours"), ActOffer, handoff.ReasonRepeatedQuestion, "aren't helping"},
		{"yes to the offer", withOffer, yes, ActHandoff, handoff.ReasonRepeatedQuestion, ""},
		{"no to the offer", withOffer, no, ActSay, "", "No problem"},
		{"yes with no offer is just text", State{}, yes, ActAnswer, "", ""},
		{"greeting names the knowledge base", State{Name: "Thandi Mokoena", Settings: activities.RuntimeSettings{BusinessName: "Baobab", Topics: []string{"trading hours", "delivery cost"}}},
			of(ai.IntentGreeting, ai.SentimentPositive), ActSay, "", "Hi Thandi! I'm the Baobab assistant. Ask me about trading hours or delivery cost"},
		{"thanks", State{}, of(ai.IntentThanks, ai.SentimentPositive), ActSay, "", "You're welcome"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(tc.s.Repeat.Asked)
			d, _ := decideText(&tc.s, tc.an, at)
			if d.Action != tc.action || d.Reason != tc.reason || !strings.Contains(d.Text, tc.text) {
				t.Fatalf("decideText = %+v", d)
			}
			if len(tc.s.Repeat.Asked) != before {
				t.Fatal("decideText changed the state")
			}
		})
	}
}

func TestDecideAnswer(t *testing.T) {
	t.Parallel()
	q := activities.Analysis{Classification: ai.Classification{Intent: ai.IntentFAQ}}
	order := activities.Analysis{Classification: ai.Classification{Intent: ai.IntentOrderStatus}}
	if d := decideAnswer(q, ai.Answer{Text: "We're open 8-5.", Grounded: true}); d.Action != ActSay || d.Text != "We're open 8-5." || d.Kind() != activities.SendAnswer {
		t.Fatalf("grounded answer: %+v", d)
	}
	if d := decideAnswer(q, ai.Answer{Text: "a guess"}); d.Action != ActOffer || !strings.Contains(d.Text, "don't have an answer") {
		t.Fatalf("ungrounded answer must not be said: %+v", d)
	}
	if d := decideAnswer(order, ai.Answer{}); d.Action != ActOffer || !strings.Contains(d.Text, "look up orders") {
		t.Fatalf("order status: %+v", d)
	}
}
