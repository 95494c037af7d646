package slackapp

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows/conversation"
)

func newNotifier(t *testing.T) (*Notifier, *testkit.SlackAPI) {
	t.Helper()
	fake := testkit.NewSlackAPI(t)
	c, err := New(Config{Token: fake.Token(), APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return &Notifier{Client: c, Channel: "CSUPPORT", PublicURL: "https://support.example"}, fake
}

func handoffNotice(phone string, seq int) conversation.Notice {
	return conversation.Notice{Kind: conversation.NoticeHandoff, Phone: phone, Seq: seq,
		Card: &conversation.Card{Phone: phone, Status: conversation.StatusHandoff, Name: "Thandi"}}
}

// A card post that Slack carried out but answered 500: the retry finds that card and posts none.
func TestHandoffCardRetryFindsTheEarlierPost(t *testing.T) {
	n, fake := newNotifier(t)
	ctx := context.Background()
	first := Attempt{Since: time.Now()}
	fake.FailNext(1, testkit.SlackServerErrorAfterPosting())
	if _, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 2), first); err == nil {
		t.Fatal("the first attempt succeeded despite the 500")
	}
	if calls := fake.Calls("conversations.history"); len(calls) != 0 {
		t.Errorf("a first attempt looked for an earlier post (%d history calls)", len(calls))
	}
	// Another handoff's card, posted meanwhile, is not this one.
	if _, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 3), Attempt{Since: time.Now()}); err != nil {
		t.Fatal(err)
	}
	retry := Attempt{Retry: true, Since: first.Since}
	ts, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 2), retry)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	cards := fake.ChannelMessages("CSUPPORT")
	if len(cards) != 2 || ts != cards[0].TS {
		t.Fatalf("retry returned %s; channel: %+v", ts, cards)
	}
	// Nothing posted before: the retry posts.
	ts, err = n.postCard(ctx, "CSUPPORT", handoffNotice("27830000000", 1), Attempt{Retry: true, Since: time.Now()})
	if err != nil || len(fake.ChannelMessages("CSUPPORT")) != 3 {
		t.Fatalf("a retry of a post that never reached Slack: %q %v", ts, err)
	}
}

// When Slack cannot say whether the card is there (rate limited), the retry waits rather than risk a second
// card; when it refuses to look (no history scope), it posts.
func TestHandoffCardRetryWhenHistoryFails(t *testing.T) {
	n, fake := newNotifier(t)
	ctx := context.Background()
	retry := Attempt{Retry: true, Since: time.Now()}
	fake.FailNext(1, testkit.SlackFailure{Method: "conversations.history", Status: http.StatusTooManyRequests, RetryAfter: 60, Error: "ratelimited"})
	if _, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 1), retry); err == nil || !IsRetryable(err) {
		t.Fatalf("rate-limited look-up: %v, want a retryable error", err)
	}
	if got := fake.ChannelMessages("CSUPPORT"); len(got) != 0 {
		t.Fatalf("posted while Slack could not say whether the card was there: %+v", got)
	}
	fake.FailNext(1, testkit.SlackFailure{Method: "conversations.history", Error: "missing_scope"})
	if _, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 1), retry); err != nil {
		t.Fatalf("look-up refused: %v", err)
	}
	if got := fake.ChannelMessages("CSUPPORT"); len(got) != 1 {
		t.Fatalf("after a refused look-up: %d cards, want the card posted", len(got))
	}
}
