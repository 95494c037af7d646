package nlp

import (
	"testing"

	"github.com/supportd/supportd/workflows/conversation"
)

func TestSentiment(t *testing.T) {
	e := testEngine(t)
	tests := []struct {
		text string
		want conversation.Sentiment
	}{
		// Thanks and praise, in the languages customers use.
		{"Thanks!", conversation.SentimentPositive},
		{"Baie dankie", conversation.SentimentPositive},
		{"Ngiyabonga kakhulu", conversation.SentimentPositive},
		{"Enkosi", conversation.SentimentPositive},
		{"Great service 👍", conversation.SentimentPositive},
		{"Lekker, you guys are legends", conversation.SentimentPositive},
		{"THANK YOU SO MUCH!!!", conversation.SentimentPositive},
		// Questions and requests carry no feeling, even with words VADER likes or dislikes.
		{"What are your trading hours?", conversation.SentimentNeutral},
		{"Is delivery free?", conversation.SentimentNeutral},
		{"Can I get my money back please", conversation.SentimentNeutral},
		{"agent please", conversation.SentimentNeutral},
		{"ok", conversation.SentimentNeutral},
		// A lone thumbs-up acknowledges, like "ok": it is neither thanks nor a feeling.
		{"👍", conversation.SentimentNeutral},
		{"Goeie middag", conversation.SentimentNeutral},
		{"Is the shop open on Good Friday?", conversation.SentimentNeutral},
		{"What happens if my parcel arrives damaged?", conversation.SentimentNeutral},
		{"I'm not angry, just want to know where my parcel is", conversation.SentimentNeutral},
		{"My parcel hasn't arrived yet, is it on the way?", conversation.SentimentNeutral},
		// A problem told calmly is negative, not angry.
		{"The gazebo was delivered damaged", conversation.SentimentNegative},
		{"My order arrived but a part is missing", conversation.SentimentNegative},
		{"eish, the hose is leaking already", conversation.SentimentNegative},
		{"Let me speak to your manager", conversation.SentimentNegative},
		{"Delivery is too expensive, why R95??", conversation.SentimentNegative},
		{"My payment went through but I didn't get a confirmation", conversation.SentimentNegative},
		{"I'm very disappointed with the quality", conversation.SentimentNegative},
		{"Nobody has replied to my emails for a week", conversation.SentimentNegative},
		// Insults, swearing, shouting, threats, sarcasm after a complaint: angry.
		{"This is kak service man", conversation.SentimentAngry},
		{"You people are useless, where is my stuff??", conversation.SentimentAngry},
		{"Ek is gatvol met julle", conversation.SentimentAngry},
		{"Ek is woedend", conversation.SentimentAngry},
		{"Ngithukuthele kakhulu", conversation.SentimentAngry},
		{"WORST SERVICE EVER. Nobody answers the phone", conversation.SentimentAngry},
		{"WHERE IS MY ORDER", conversation.SentimentAngry},
		{"This is unacceptable", conversation.SentimentAngry},
		{"This is ridiculous, I've been waiting 3 weeks!!!", conversation.SentimentAngry},
		{"I'm going to report you on HelloPeter", conversation.SentimentAngry},
		{"I will be contacting the ombudsman", conversation.SentimentAngry},
		{"My lawyer will be in touch", conversation.SentimentAngry},
		{"I'm posting this on Facebook", conversation.SentimentAngry},
		{"Great, just great. Still no parcel", conversation.SentimentAngry},
		{"Thanks a lot, my order is still missing", conversation.SentimentAngry},
		{"Thanks for nothing", conversation.SentimentAngry},
		{"Hayibo! You sent me a broken braai", conversation.SentimentAngry},
		{"I am so angry right now, third time I'm asking", conversation.SentimentAngry},
		{"where is my order 😡", conversation.SentimentAngry},
		{"Are you serious?? Again the wrong item!!", conversation.SentimentAngry},
	}
	for _, tc := range tests {
		a := e.analyze(tc.text)
		if got := a.feeling.sentiment; got != tc.want {
			t.Errorf("sentiment(%q) = %s, want %s (anger %.1f, VADER %.2f)", tc.text, got, tc.want,
				a.feeling.anger, a.feeling.compound)
		}
	}
}

func TestShouting(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"WHERE IS MY ORDER", true},
		{"I PAID TWO WEEKS AGO", true},
		{"Can I pay by EFT or SMS?", false},
		{"Hi from PE", false},
		{"OK", false},
	}
	for _, tc := range tests {
		if got := shouting(parse(tc.text).tokens); got != tc.want {
			t.Errorf("shouting(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
