package nlp

import (
	"context"
	"testing"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

// TestHandoffDecisions checks the decision that matters most, through conversation.HandoffPolicy, on messages of every
// kind that are not in the labelled sets: faults in words the rules were not written from, threats,
// insults, refunds and requests for a person must reach a person; questions, including ones that mention
// refunds, damage or a person in passing, must not.
func TestHandoffDecisions(t *testing.T) {
	e := testEngine(t)
	handOff := []string{
		"my gazebo roof has a hole in it",
		"the paint is peeling off the bench already",
		"I received someone else's order",
		"You charged me R950 instead of R590",
		"Where is my refund? It has been 2 weeks",
		"I returned the item 10 days ago and still no refund",
		"I want to cancel",
		"Cancel order 4456 please",
		"I no longer want the table, please refund",
		"Can I get a refund?",
		"The delivery driver never showed up",
		"The courier didn't deliver, I waited all day",
		"Your staff was so rude on the phone",
		"I've sent 5 messages and no one responds",
		"Seriously??? 3 weeks for a pot?",
		"WTF is going on with my order",
		"This is daylight robbery",
		"I will never buy from you again",
		"You guys suck",
		"This bot is so stupid",
		"Please let me talk to a real human being",
		"Connect me with support",
		"I need help from a person not a machine",
		"Can I have someone's number to call?",
		"Operator",
		"Talk to agent",
		"I want to lodge a complaint",
		"I'd like to make a complaint about the delivery",
		"The umbrella is not the one I ordered",
		"The cushions are a different colour to the website",
		"Items missing from my parcel",
		"Half my order is missing",
		"The box arrived wet and everything is ruined",
		"The product is defective",
		"My irrigation system is leaking everywhere since you installed it",
		"The installer didn't pitch up",
		"The gazebo your guys installed collapsed in the wind",
		"Angazi ukuthi kwenzekani, i-order yami ayikafiki futhi sengikhathele",
		"Ngifuna imali yami emuva",
		"Isihlalo siphukile",
		"Ek is nie tevrede met die diens nie",
		"Ek wil met die bestuurder praat",
		"Dit is belaglik",
		"Ek het twee keer betaal",
		"Kan iemand my asseblief bel?",
		"the hose burst the first time i used it",
		"I am extremely unhappy",
		"very disappointed with your service",
		"Poor communication from your side",
		"I have been trying to reach you for days",
		"Still waiting for a response from your team",
		"Not happy at all",
		"Why do you keep ignoring me",
		"your website charged me twice",
		"please reverse the duplicate transaction",
		"My card was charged but the order was cancelled",
		"I paid but you cancelled my order, I want my money",
		"I'd like to speak to whoever is in charge",
		"What is the name of your manager and their number?",
		"Please escalate this to management",
		"I will take this further",
		"I'm going to post about this on Twitter",
		"See you in small claims court",
		"I demand a refund immediately",
		"Give me my money back",
		"This is the worst experience I've ever had",
		"Get your act together",
		"Are you guys even open? Nobody picks up the phone",
		"Horrible service from start to finish",
		"Thank you for wasting my time",
		"well done, you managed to break my braai",
		"Great. Broken again.",
		"the cover ripped after a week",
		"the lid doesn't close properly",
		"the wheel came off the braai",
		"the braai stand is wobbly and unsafe",
		"The drill you sold me won't turn on",
	}
	keep := []string{
		"Hi, do you sell pot plants?",
		"What time do you open on Monday?",
		"Can I pay by EFT?",
		"Do you deliver to Soweto?",
		"How much is delivery to Mthatha?",
		"Where is your shop?",
		"Thanks for the quick reply!",
		"ok cool",
		"Good morning, hope you are well",
		"Is my order on its way? #5521",
		"When will order 8812 be delivered?",
		"Has my parcel left the warehouse yet?",
		"Can I track my order online?",
		"What is your returns policy for sale items?",
		"Can I return an item if it doesn't fit?",
		"What happens if my parcel arrives damaged?",
		"Is the braai covered if it breaks?",
		"I don't need a refund, I just want to know your hours",
		"No need to call me, just email",
		"I don't want to speak to anyone, just tell me the delivery fee",
		"Are you open late on Fridays?",
		"Do you have a store in Cape Town?",
		"What is the warranty on the gazebo?",
		"Do you do installations in Soweto?",
		"Hello, is this the right number for orders?",
		"The braai looks amazing, do you deliver it assembled?",
		"My husband loves the chairs, thank you",
		"Can I change my delivery address?",
		"I'd like to order 4 chairs, how much is delivery?",
		"What payment options do you have?",
		"Can I get a quote for irrigation installation?",
		"Do you close early on Christmas Eve?",
		"Is it possible to collect tomorrow?",
		"I sent the proof of payment, please confirm",
		"Sorry for the late reply, yes the address is correct",
		"Where do I find the tracking number?",
		"Yes please",
		"No thanks",
		"hahaha ok",
		"Super, see you Saturday",
		"How long is the warranty on garden tools?",
		"Is there free delivery?",
		"Do you sell gift cards online?",
		"I love shopping with you guys!",
		"My friend recommended you, what are your hours?",
		"Eish, is delivery that expensive?",
		"Oh no, I forgot my order number, how do I track it?",
		"Unfortunately I missed the courier, can they come back tomorrow?",
		"Are you open on Sunday? Need a braai urgently lol",
		"Thank you so much, you sorted it out quickly",
		"Can you send me your banking details?",
		"What is the price of the Weber?",
		"I want to buy a gift voucher",
		"Should I bring my ID when I collect?",
		"I'm not angry, just confused about the delivery time",
		"Is it real leather?",
		"Can you email me the quote?",
		"I talked to the lady at the store and she said delivery is free, is that right?",
		"Can I split the payment between two cards?",
		"Is the braai rust proof?",
		"Will the cushions fade in the sun?",
		"Can I transfer my voucher to a friend?",
		"Can someone tell me the tracking number for order 4410?",
		"Can I send it back if it doesn't fit?",
		"What is your customer service number?",
	}
	check := func(text string, want bool) {
		c, err := e.Classify(context.Background(), ai.ClassifyRequest{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if got, reason := conversation.HandoffPolicy(c); got != want {
			t.Errorf("handoff(%q) = %v (%q; %s, %s), want %v", text, got, reason, c.Intent, c.Sentiment, want)
		}
	}
	for _, text := range handOff {
		check(text, true)
	}
	for _, text := range keep {
		check(text, false)
	}
}
