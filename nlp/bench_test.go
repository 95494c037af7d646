package nlp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

// benchMessages are typical messages of every kind, short and long.
var benchMessages = []string{
	"Hi there",
	"what time do u close today",
	"Where is my order #5544?",
	"I want a refund for order 5544",
	"Can I speak to a real person?",
	"This is ridiculous, I've been waiting 3 weeks!!!",
	"Hi, I love your garden furniture! Where's your shop?",
	"Can I pay with Bitcoin?",
	"Ngicela ukukhuluma nomuntu",
	"The courier said it was delivered but I never got it, and nobody answers the phone. I am so angry right now, third time I'm asking",
}

func BenchmarkClassify(b *testing.B) {
	e := evalEngine(b)
	ctx := context.Background()
	recent := []conversation.Turn{{Topic: "faq:trading_hours", Text: "What are your hours?"}, {Topic: "q:order+where", Text: "where is my order"}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := e.Classify(ctx, ai.ClassifyRequest{Text: benchMessages[i%len(benchMessages)], Recent: recent}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClassifyLongInput times the longest messages customers send (the speed target holds for them too).
func BenchmarkClassifyLongInput(b *testing.B) {
	e := evalEngine(b)
	ctx := context.Background()
	long := strings.Repeat("my order is late and nobody answers, where is it?? ", 200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Classify(ctx, ai.ClassifyRequest{Text: long}); err != nil {
			b.Fatal(err)
		}
	}
}
