package nlp

import (
	"testing"

	"github.com/supportd/supportd/ai"
)

func TestIntent(t *testing.T) {
	e := testEngine(t)
	tests := []struct {
		text string
		want ai.Intent
	}{
		// Greetings, in English, Afrikaans, isiZulu, isiXhosa and slang.
		{"Hi there", ai.IntentGreeting},
		{"Howzit", ai.IntentGreeting},
		{"Goeie môre", ai.IntentGreeting},
		{"More", ai.IntentGreeting},
		{"Sawubona", ai.IntentGreeting},
		{"Sanibonani", ai.IntentGreeting},
		{"Molo", ai.IntentGreeting},
		{"Hello, is anyone there?", ai.IntentGreeting},
		{"Hello I need help", ai.IntentGreeting},
		{"Hi Thandi", ai.IntentGreeting},
		// FAQ, including negation and policy questions about refunds.
		{"What are your trading hours?", ai.IntentFAQ},
		{"I don't need a refund, just your hours", ai.IntentFAQ},
		{"Ek wil nie my geld terug hê nie, net julle ure", ai.IntentFAQ},
		{"What is your refund policy?", ai.IntentFAQ},
		{"what is your returns policy", ai.IntentFAQ},
		{"Do you do refunds?", ai.IntentFAQ},
		{"When will my order arrive?", ai.IntentFAQ},
		{"How can I track where my parcel is?", ai.IntentFAQ},
		{"I don't want to talk to a person, just tell me your hours", ai.IntentFAQ},
		{"Hoe laat maak julle toe?", ai.IntentFAQ},
		{"Niyavula nini kusasa?", ai.IntentFAQ},
		// Order status: the customer's own order.
		{"Where is my order #123?", ai.IntentOrderStatus},
		{"Has my order shipped?", ai.IntentOrderStatus},
		{"Any update on my delivery?", ai.IntentOrderStatus},
		{"When will my order 7781 arrive?", ai.IntentOrderStatus},
		{"Waar is my bestelling?", ai.IntentOrderStatus},
		{"I'm fed up with waiting, where is my order??", ai.IntentOrderStatus},
		// Refunds.
		{"I want a refund", ai.IntentRefundRequest},
		{"Ek wil my geld terug hê", ai.IntentRefundRequest},
		{"Ngicela ukubuyiselwa imali yami", ai.IntentRefundRequest},
		{"I was charged twice, please reverse one payment", ai.IntentRefundRequest},
		{"Please cancel my order", ai.IntentRefundRequest},
		{"How do I get a refund for the broken hose?", ai.IntentRefundRequest},
		// A person.
		{"Can I speak to a real person?", ai.IntentHumanRequested},
		{"agent please", ai.IntentHumanRequested},
		{"Ek wil met iemand praat", ai.IntentHumanRequested},
		{"Ngicela ukukhuluma nomuntu", ai.IntentHumanRequested},
		{"Can someone call me back? 082 555 1234", ai.IntentHumanRequested},
		{"Is there a person I can chat to instead of a bot?", ai.IntentHumanRequested},
		// Complaints.
		{"The gazebo was delivered damaged", ai.IntentComplaint},
		{"My order arrived but a part is missing", ai.IntentComplaint},
		{"You sent me the wrong colour pot", ai.IntentComplaint},
		{"The braai I bought last week is already rusting", ai.IntentComplaint},
		{"The courier said it was delivered but I never got it", ai.IntentComplaint},
		{"Poor service, nobody answers the phone", ai.IntentComplaint},
		{"The drill you sold me won't turn on", ai.IntentComplaint},
		{"Die braai is stukkend", ai.IntentComplaint},
		{"Iphasela lami lifike lonakele", ai.IntentComplaint},
		{"I am so angry right now, third time I'm asking", ai.IntentComplaint},
		{"I've been waiting two weeks for my delivery, still nothing", ai.IntentComplaint},
		// Thanks.
		{"Thanks!", ai.IntentThanks},
		{"Dankie", ai.IntentThanks},
		{"Awesome, cheers", ai.IntentThanks},
		{"Thank you, have a lovely day", ai.IntentThanks},
		{"Your service is excellent, thank you Thandi", ai.IntentThanks},
		// Other: off-topic, or shop questions the knowledge base does not answer.
		{"Do you sell car tyres?", ai.IntentOther},
		{"Can I pay with Bitcoin?", ai.IntentOther},
		{"How much is the sofa?", ai.IntentOther},
		{"What's the weather like in Joburg?", ai.IntentOther},
		{"ok", ai.IntentOther},
		{"I love shopping with you guys!", ai.IntentOther},
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
