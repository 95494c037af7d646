package activities

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/slackapp"
	"github.com/supportd/supportd/workflows/conversation"
)

func newSlackNotifier(t *testing.T) (*SlackNotifier, *testkit.SlackAPI) {
	t.Helper()
	fake := testkit.NewSlackAPI(t)
	c, err := slackapp.New(slackapp.Config{Token: fake.Token(), APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return &SlackNotifier{Client: c, Channel: "CSUPPORT", PublicURL: "https://support.example"}, fake
}

func handoffNotice(phone string, seq int) conversation.Notice {
	return conversation.Notice{Kind: conversation.NoticeHandoff, Phone: phone, Seq: seq,
		Card: &conversation.Card{Phone: phone, Status: conversation.StatusHandoff, Name: "Thandi"}}
}

// A card post that Slack carried out but answered 500: the retry finds that card and posts none.
func TestHandoffCardRetryFindsTheEarlierPost(t *testing.T) {
	n, fake := newSlackNotifier(t)
	ctx := context.Background()
	first := noticeAttempt{since: time.Now()}
	fake.FailNext(1, testkit.SlackServerErrorAfterPosting())
	if _, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 2), first); err == nil {
		t.Fatal("the first attempt succeeded despite the 500")
	}
	if calls := fake.Calls("conversations.history"); len(calls) != 0 {
		t.Errorf("a first attempt looked for an earlier post (%d history calls)", len(calls))
	}
	// Another handoff's card, posted meanwhile, is not this one.
	if _, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 3), noticeAttempt{since: time.Now()}); err != nil {
		t.Fatal(err)
	}
	retry := noticeAttempt{retry: true, since: first.since}
	ts, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 2), retry)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	cards := fake.ChannelMessages("CSUPPORT")
	if len(cards) != 2 || ts != cards[0].TS {
		t.Fatalf("retry returned %s; channel: %+v", ts, cards)
	}
	// Nothing posted before: the retry posts.
	ts, err = n.postCard(ctx, "CSUPPORT", handoffNotice("27830000000", 1), noticeAttempt{retry: true, since: time.Now()})
	if err != nil || len(fake.ChannelMessages("CSUPPORT")) != 3 {
		t.Fatalf("a retry of a post that never reached Slack: %q %v", ts, err)
	}
}

// When Slack cannot say whether the card is there (rate limited), the retry waits rather than risk a second
// card; when it refuses to look (no history scope), it posts.
func TestHandoffCardRetryWhenHistoryFails(t *testing.T) {
	n, fake := newSlackNotifier(t)
	ctx := context.Background()
	retry := noticeAttempt{retry: true, since: time.Now()}
	fake.FailNext(1, testkit.SlackFailure{Method: "conversations.history", Status: http.StatusTooManyRequests, RetryAfter: 60, Error: "ratelimited"})
	if _, err := n.postCard(ctx, "CSUPPORT", handoffNotice("27821234567", 1), retry); err == nil || !slackapp.IsRetryable(err) {
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

// A notice the conversation tries again in a new activity (after its tries ran out, or in the next run) says
// when it was first tried: its first attempt looks for the card an earlier try may have posted.
func TestNoticeTriedBeforeLooksForItsCard(t *testing.T) {
	n, fake := newSlackNotifier(t)
	ctx := context.Background()
	no := handoffNotice("27821234567", 4)
	fake.FailNext(1, testkit.SlackServerErrorAfterPosting())
	if _, err := n.postCard(ctx, "CSUPPORT", no, noticeAttemptOf(ctx, no)); err == nil {
		t.Fatal("the first try succeeded despite the 500")
	}
	no.Tried = time.Now().Add(-time.Second)
	at := noticeAttemptOf(ctx, no)
	if !at.retry || !at.since.Equal(no.Tried) {
		t.Fatalf("a notice tried before: %+v", at)
	}
	if _, err := n.postCard(ctx, "CSUPPORT", no, at); err != nil {
		t.Fatal(err)
	}
	if cards := fake.ChannelMessages("CSUPPORT"); len(cards) != 1 {
		t.Fatalf("%d cards in the channel", len(cards))
	}
}
