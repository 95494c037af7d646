package nlp

import (
	"context"
	"strings"
	"testing"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

func TestTopic(t *testing.T) {
	recent := []conversation.Turn{
		{Topic: "faq:trading_hours", Text: "What are your hours?"},
		{Topic: "q:order+where", Text: "Where is my order?"},
		{Topic: "q:car+tyre", Text: "Do you sell car tyres?"},
	}
	tests := []struct {
		name, text, faqID string
		recent            []conversation.Turn
		want              string
	}{
		{"faq", "when do you close", "trading_hours", nil, "faq:trading_hours"},
		{"greeting", "Hi there", "", nil, ""},
		{"thanks", "Thanks so much!", "", nil, ""},
		{"ack", "ok", "", nil, ""},
		{"new question", "Do you sell car tyres?", "", nil, "q:car+tyre"},
		{"same words in another order", "do u sell tyres for cars", "", nil, "q:car+tyre"},
		{"repeat in other words", "where's my parcel??", "", recent, "q:order+where"},
		{"repeat with synonyms", "Any tyres for my car?", "", recent, "q:car+tyre"},
		{"faq wins over a repeat", "where's my parcel", "track_order", recent, "faq:track_order"},
	}
	for _, tc := range tests {
		if got := Topic(tc.text, tc.faqID, tc.recent); got != tc.want {
			t.Errorf("%s: Topic(%q) = %q, want %q", tc.name, tc.text, got, tc.want)
		}
	}
	if a, b := Topic("Can I pay with Bitcoin?", "", recent), Topic("Can I pay with Bitcoin?", "", nil); a != b || !strings.HasPrefix(a, "q:") {
		t.Errorf("an unrelated question took a recent topic or is unstable: %q, %q", a, b)
	}
}

func TestClassifyTopic(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	first, _ := e.Classify(ctx, ai.ClassifyRequest{Text: "Do you sell pizza ovens?"})
	again, _ := e.Classify(ctx, ai.ClassifyRequest{Text: "do u have pizza ovens for sale??",
		Recent: []conversation.Turn{{Topic: first.Topic, Text: "Do you sell pizza ovens?"}}})
	if first.Topic == "" || again.Topic != first.Topic {
		t.Errorf("repeated question topics %q then %q, want the same non-empty topic", first.Topic, again.Topic)
	}
	hours, _ := e.Classify(ctx, ai.ClassifyRequest{Text: "hoe laat maak julle toe?"})
	if hours.Topic != "faq:trading_hours" {
		t.Errorf("faq topic = %q", hours.Topic)
	}
	hi, _ := e.Classify(ctx, ai.ClassifyRequest{Text: "Sawubona"})
	if hi.Topic != "" {
		t.Errorf("greeting topic = %q, want empty", hi.Topic)
	}
}
