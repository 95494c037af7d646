package nlp

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

func TestClassifyBasics(t *testing.T) {
	e := New(nil) // the built-in demo shop
	c, err := e.Classify(context.Background(), ai.ClassifyRequest{Text: "What are your trading hours?"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Engine != "local" || c.Intent != conversation.IntentFAQ || !c.KBAnswers || c.FAQID != "trading_hours" ||
		c.Topic != "faq:trading_hours" || !c.Intent.Valid() || !c.Sentiment.Valid() {
		t.Errorf("Classify = %+v", c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Classify(ctx, ai.ClassifyRequest{Text: "hi"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Classify on a cancelled context = %v", err)
	}
}

// TestConcurrentUse runs the same messages from several goroutines; run with -race to check that New
// leaves nothing shared and mutable.
func TestConcurrentUse(t *testing.T) {
	e := testEngine(t)
	texts := readTexts(t, "testdata/dev.jsonl")
	ctx := context.Background()
	want := make([]conversation.Classification, len(texts))
	for i, text := range texts {
		want[i], _ = e.Classify(ctx, ai.ClassifyRequest{Text: text})
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, text := range texts {
				got, _ := e.Classify(ctx, ai.ClassifyRequest{Text: text})
				if got != want[i] {
					t.Errorf("concurrent Classify(%q) = %+v, want %+v", text, got, want[i])
				}
				if _, err := e.Answer(ctx, ai.AnswerRequest{Text: text}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
