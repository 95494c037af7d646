package activities

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

// keywordEngine reads "refund" as a refund request and anything else as a question it answers.
type keywordEngine struct{}

func (keywordEngine) Classify(_ context.Context, req ai.ClassifyRequest) (conversation.Classification, error) {
	if strings.Contains(req.Text, "refund") {
		return conversation.Classification{Intent: conversation.IntentRefundRequest, Sentiment: conversation.SentimentNeutral}, nil
	}
	return conversation.Classification{Intent: conversation.IntentFAQ, Sentiment: conversation.SentimentNeutral, KBAnswers: true}, nil
}

func (e keywordEngine) Reply(ctx context.Context, req ai.ReplyRequest) (ai.Reply, error) {
	c, err := e.Classify(ctx, ai.ClassifyRequest{Text: req.Text})
	return ai.Reply{Classification: c}, err
}

func (keywordEngine) Summarize(context.Context, ai.SummaryRequest) (string, error) { return "", nil }

// readSender records read receipts.
type readSender struct {
	conversation.Sender
	mu     sync.Mutex
	typing map[string]bool
}

func (s *readSender) MarkRead(_ context.Context, id string, typing bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.typing[id] = typing
	return nil
}

func TestTypingOnlyWhenTheBotWillAnswer(t *testing.T) {
	t.Parallel()
	sender := &readSender{typing: map[string]bool{}}
	a := &Activities{Engine: keywordEngine{}, Fallback: keywordEngine{}, Sender: sender}
	for id, text := range map[string]string{"wamid.Q": "what are your hours?", "wamid.R": "I want a refund"} {
		if _, err := a.Reply(t.Context(), ReplyInput{Text: text, ReadID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if !sender.typing["wamid.Q"] || sender.typing["wamid.R"] {
		t.Fatalf("typing shown: %v; want for the question only", sender.typing)
	}
	if _, read := sender.typing["wamid.R"]; !read {
		t.Fatal("the message handed to a person was not marked read")
	}
}
