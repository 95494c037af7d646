package nlp

import (
	"testing"

	"github.com/supportd/supportd/ai"
)

func TestSentiment(t *testing.T) {
	e := testEngine(t)
	tests := []struct {
		text string
		want ai.Sentiment
	}{
		// Thanks and praise, in the languages customers use.
		{"Thanks!", ai.SentimentPositive},
		{"Baie dankie", ai.SentimentPositive},
		{"Ngiyabonga kakhulu", ai.SentimentPositive},
		{"Enkosi", ai.SentimentPositive},
		{"Great service 👍", ai.SentimentPositive},
		{"Lekker, you guys are legends", ai.SentimentPositive},
		{"THANK YOU SO MUCH!!!", ai.SentimentPositive},
		// Questions and requests carry no feeling, even with words VADER likes or dislikes.
		{"What are your trading hours?", ai.SentimentNeutral},
		{"Is delivery free?", ai.SentimentNeutral},
		{"Can I get my money back please", ai.SentimentNeutral},
		{"agent please", ai.SentimentNeutral},
		{"ok", ai.SentimentNeutral},
		// A lone thumbs-up acknowledges, like "ok": it is neither thanks nor a feeling.
		{"👍", ai.SentimentNeutral},
		{"Goeie middag", ai.SentimentNeutral},
		{"Is the shop open on Good Friday?", ai.SentimentNeutral},
		{"What happens if my parcel arrives damaged?", ai.SentimentNeutral},
		{"I'm not angry, just want to know where my parcel is", ai.SentimentNeutral},
		{"My parcel hasn't arrived yet, is it on the way?", ai.SentimentNeutral},
		// A problem told calmly is negative, not angry.
		{"The gazebo was delivered damaged", ai.SentimentNegative},
		{"My order arrived but a part is missing", ai.SentimentNegative},
		{"eish, the hose is leaking already", ai.SentimentNegative},
		{"Let me speak to your manager", ai.SentimentNegative},
		{"Delivery is too expensive, why R95??", ai.SentimentNegative},
		{"My payment went through but I didn't get a confirmation", ai.SentimentNegative},
		{"I'm very disappointed with the quality", ai.SentimentNegative},
		{"Nobody has replied to my emails for a week", ai.SentimentNegative},
		// Insults, swearing, shouting, threats, sarcasm after a complaint: angry.
		{"This is kak service man", ai.SentimentAngry},
		{"You people are useless, where is my stuff??", ai.SentimentAngry},
		{"Ek is gatvol met julle", ai.SentimentAngry},
		{"Ek is woedend", ai.SentimentAngry},
		{"Ngithukuthele kakhulu", ai.SentimentAngry},
		{"WORST SERVICE EVER. Nobody answers the phone", ai.SentimentAngry},
		{"WHERE IS MY ORDER", ai.SentimentAngry},
		{"This is unacceptable", ai.SentimentAngry},
		{"This is ridiculous, I've been waiting 3 weeks!!!", ai.SentimentAngry},
		{"I'm going to report you on HelloPeter", ai.SentimentAngry},
		{"I will be contacting the ombudsman", ai.SentimentAngry},
		{"My lawyer will be in touch", ai.SentimentAngry},
		{"I'm posting this on Facebook", ai.SentimentAngry},
		{"Great, just great. Still no parcel", ai.SentimentAngry},
		{"Thanks a lot, my order is still missing", ai.SentimentAngry},
		{"Thanks for nothing", ai.SentimentAngry},
		{"Hayibo! You sent me a broken braai", ai.SentimentAngry},
		{"I am so angry right now, third time I'm asking", ai.SentimentAngry},
		{"where is my order 😡", ai.SentimentAngry},
		{"Are you serious?? Again the wrong item!!", ai.SentimentAngry},
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
