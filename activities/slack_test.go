package activities

import (
	"context"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/slackapp"
	"github.com/supportd/supportd/workflows/conversation"
)

// A notice the conversation tries again in a new activity (after its tries ran out, or in the next run) says
// when it was first tried: its first attempt looks for the card an earlier try may have posted.
func TestNoticeTriedBeforeLooksForItsCard(t *testing.T) {
	fake := testkit.NewSlackAPI(t)
	c, err := slackapp.New(slackapp.Config{Token: fake.Token(), APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	n := SlackNotifier{Slack: &slackapp.Notifier{Client: c, Channel: "CSUPPORT", PublicURL: "https://support.example"}}
	ctx := context.Background()
	no := conversation.Notice{Kind: conversation.NoticeHandoff, Phone: "27821234567", Seq: 4,
		Card: &conversation.Card{Phone: "27821234567", Status: conversation.StatusHandoff, Name: "Thandi"}}
	fake.FailNext(1, testkit.SlackServerErrorAfterPosting())
	if _, err := n.Notify(ctx, no); err == nil {
		t.Fatal("the first try succeeded despite the 500")
	}
	no.Tried = time.Now().Add(-time.Second)
	if at := noticeAttemptOf(ctx, no); !at.Retry || !at.Since.Equal(no.Tried) {
		t.Fatalf("a notice tried before: %+v", at)
	}
	if _, err := n.Notify(ctx, no); err != nil {
		t.Fatal(err)
	}
	if cards := fake.ChannelMessages("CSUPPORT"); len(cards) != 1 {
		t.Fatalf("%d cards in the channel", len(cards))
	}
}
