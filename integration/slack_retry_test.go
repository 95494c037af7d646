package integration

import (
	"context"
	"testing"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows/conversation"
)

// Slack posts the handoff card and answers 500: the notice activity's retry finds the card by its message
// metadata instead of posting it again, so the channel shows one card, and the customer's next message goes to
// that card's thread.
func TestSlackCardPostedOnceWhenSlackFailsAfterPosting(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	s.slack.FailNext(1, testkit.SlackServerErrorAfterPosting())
	phone := newPhone()
	s.say(phone, refundRequest)
	s.waitStatus(phone, conversation.StatusHandoff)

	// The conversation knows its card once the notice activity succeeded: the card's thread is indexed.
	threads := store.New(s.rdb)
	var card testkit.SlackMessage
	s.waitSlack(func() bool {
		for _, m := range s.slack.ChannelMessages(slackChannel) {
			if p, err := threads.ThreadPhone(context.Background(), slackChannel, m.TS); err == nil && p == phone {
				card = m
				return true
			}
		}
		return false
	}, "the handoff card indexed")
	s.say(phone, "any news on my refund?")
	s.slack.WaitForReplies(t, slackChannel, card.TS, 1, slackWait)
	s.settle(phone, "")

	var cards []testkit.SlackMessage
	for _, m := range s.slack.ChannelMessages(slackChannel) {
		if buttonsCarry(m.Buttons(), phone) {
			cards = append(cards, m)
		}
	}
	if len(cards) != 1 {
		t.Fatalf("%d handoff cards in the channel, want 1; calls: %s", len(cards), slackCallsText(s.slack.Calls("")))
	}
	failed := s.slack.Calls("chat.postMessage")[0]
	if !failed.Applied || failed.TS != card.TS {
		t.Fatalf("the first post: %+v, want the card, answered 500", failed)
	}
	lookups := s.slack.Calls("conversations.history")
	if len(lookups) != 1 || lookups[0].Form.Get("include_all_metadata") != "1" {
		t.Fatalf("conversations.history calls: %s", slackCallsText(lookups))
	}
}
