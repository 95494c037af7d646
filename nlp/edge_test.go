package nlp

import (
	"context"
	"strings"
	"testing"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

// TestEdgeInputs feeds inputs no customer means but every engine gets: it must answer, in time, with
// values from the vocabulary.
func TestEdgeInputs(t *testing.T) {
	e := testEngine(t)
	long := strings.Repeat("my order is late and nobody answers, where is it?? ", 200)
	for _, text := range []string{
		"", " ", "???", "!!!", "...", "#", "0825551234", "R", "'n", "😡😡😡😡", "🏽", "\u200d",
		"ÀÉÎÕÜ", "ñ", "a-b-c", "e-", "-", "''''", "1st 2nd 3rd", "16 December", "december",
		"NO", "YES!!!", long, strings.Repeat("a", 10000),
	} {
		c, err := e.Classify(context.Background(), ai.ClassifyRequest{Text: text, Recent: []conversation.Turn{{Topic: "q:x", Text: text}}})
		if err != nil || !c.Intent.Valid() || !c.Sentiment.Valid() {
			t.Errorf("Classify(%.20q) = %+v, %v", text, c, err)
		}
		if _, err := e.Answer(context.Background(), ai.AnswerRequest{Text: text}); err != nil {
			t.Error(err)
		}
		Affirmative(text)
		Topic(text, "", nil)
	}
}
