package nlp

import (
	"testing"

	"github.com/supportd/supportd/workflows/conversation"
)

func TestIntent(t *testing.T) {
	e := testEngine(t)
	tests := []struct {
		text string
		want conversation.Intent
	}{
		// Greetings, in English, Afrikaans, isiZulu, isiXhosa and slang.
		{"Hi there", conversation.IntentGreeting},
		{"Howzit", conversation.IntentGreeting},
		{"Goeie môre", conversation.IntentGreeting},
		{"More", conversation.IntentGreeting},
		{"Sawubona", conversation.IntentGreeting},
		{"Sanibonani", conversation.IntentGreeting},
		{"Molo", conversation.IntentGreeting},
		{"Hello, is anyone there?", conversation.IntentGreeting},
		{"Hello I need help", conversation.IntentGreeting},
		{"Hi Thandi", conversation.IntentGreeting},
		// FAQ, including negation and policy questions about refunds.
		{"What are your trading hours?", conversation.IntentFAQ},
		{"I don't need a refund, just your hours", conversation.IntentFAQ},
		{"Ek wil nie my geld terug hê nie, net julle ure", conversation.IntentFAQ},
		{"What is your refund policy?", conversation.IntentFAQ},
		{"what is your returns policy", conversation.IntentFAQ},
		{"Do you do refunds?", conversation.IntentFAQ},
		{"When will my order arrive?", conversation.IntentFAQ},
		{"How can I track where my parcel is?", conversation.IntentFAQ},
		{"I don't want to talk to a person, just tell me your hours", conversation.IntentFAQ},
		{"Hoe laat maak julle toe?", conversation.IntentFAQ},
		{"Niyavula nini kusasa?", conversation.IntentFAQ},
		// Order status: the customer's own order.
		{"Where is my order #123?", conversation.IntentOrderStatus},
		{"Has my order shipped?", conversation.IntentOrderStatus},
		{"Any update on my delivery?", conversation.IntentOrderStatus},
		{"When will my order 7781 arrive?", conversation.IntentOrderStatus},
		{"Waar is my bestelling?", conversation.IntentOrderStatus},
		{"I'm fed up with waiting, where is my order??", conversation.IntentOrderStatus},
		// Refunds.
		{"I want a refund", conversation.IntentRefundRequest},
		{"Ek wil my geld terug hê", conversation.IntentRefundRequest},
		{"Ngicela ukubuyiselwa imali yami", conversation.IntentRefundRequest},
		{"I was charged twice, please reverse one payment", conversation.IntentRefundRequest},
		{"Please cancel my order", conversation.IntentRefundRequest},
		{"How do I get a refund for the broken hose?", conversation.IntentRefundRequest},
		// A person.
		{"Can I speak to a real person?", conversation.IntentHumanRequested},
		{"agent please", conversation.IntentHumanRequested},
		{"Ek wil met iemand praat", conversation.IntentHumanRequested},
		{"Ngicela ukukhuluma nomuntu", conversation.IntentHumanRequested},
		{"Can someone call me back? 082 555 1234", conversation.IntentHumanRequested},
		{"Is there a person I can chat to instead of a bot?", conversation.IntentHumanRequested},
		// Complaints.
		{"The gazebo was delivered damaged", conversation.IntentComplaint},
		{"My order arrived but a part is missing", conversation.IntentComplaint},
		{"You sent me the wrong colour pot", conversation.IntentComplaint},
		{"The braai I bought last week is already rusting", conversation.IntentComplaint},
		{"The courier said it was delivered but I never got it", conversation.IntentComplaint},
		{"Poor service, nobody answers the phone", conversation.IntentComplaint},
		{"The drill you sold me won't turn on", conversation.IntentComplaint},
		{"Die braai is stukkend", conversation.IntentComplaint},
		{"Iphasela lami lifike lonakele", conversation.IntentComplaint},
		{"I am so angry right now, third time I'm asking", conversation.IntentComplaint},
		{"I've been waiting two weeks for my delivery, still nothing", conversation.IntentComplaint},
		// Thanks.
		{"Thanks!", conversation.IntentThanks},
		{"Dankie", conversation.IntentThanks},
		{"Awesome, cheers", conversation.IntentThanks},
		{"Thank you, have a lovely day", conversation.IntentThanks},
		{"Your service is excellent, thank you Thandi", conversation.IntentThanks},
		// Other: off-topic, or shop questions the knowledge base does not answer.
		{"Do you sell car tyres?", conversation.IntentOther},
		{"Can I pay with Bitcoin?", conversation.IntentOther},
		{"How much is the sofa?", conversation.IntentOther},
		{"What's the weather like in Joburg?", conversation.IntentOther},
		{"ok", conversation.IntentOther},
		{"I love shopping with you guys!", conversation.IntentOther},
	}
	for _, tc := range tests {
		if got := e.analyze(tc.text).intent; got != tc.want {
			t.Errorf("intent(%q) = %s, want %s", tc.text, got, tc.want)
		}
	}
}

func TestNegatedAt(t *testing.T) {
	tests := []struct {
		text, word string
		want       bool
	}{
		{"I don't need a refund", "refund", true},
		{"no need for a refund", "refund", true},
		{"I haven't received my refund", "refund", false},
		{"I'm not happy, I want a refund", "refund", false},
		{"ek wil nie my geld terug hê nie", "geld", true},
	}
	for _, tc := range tests {
		ts := parse(tc.text).tokens
		i := -1
		for k := range ts {
			if ts[k].norm == tc.word {
				i = k
			}
		}
		if i < 0 {
			t.Fatalf("%q has no %q", tc.text, tc.word)
		}
		if got := negatedAt(ts, i); got != tc.want {
			t.Errorf("negatedAt(%q, %q) = %v, want %v", tc.text, tc.word, got, tc.want)
		}
	}
}

func TestOrderNumbers(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"Where is my order #5544?", 1},
		{"Any update on my delivery? Order 6620", 1},
		{"Can someone call me back? 082 555 1234", 0},
		{"Is shipping free if I spend 2000?", 0},
		{"Delivery is R95", 0},
	}
	for _, tc := range tests {
		if got := len(orderNumbers(parse(tc.text).tokens)); got != tc.want {
			t.Errorf("orderNumbers(%q) found %d, want %d", tc.text, got, tc.want)
		}
	}
}
