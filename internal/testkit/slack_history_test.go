package testkit

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestSlackAPIMetadataAndHistory(t *testing.T) {
	s := NewSlackAPI(t)
	api := slackClient(s, s.Token())
	ctx := context.Background()
	meta := slack.SlackMetadata{EventType: "handoff_card", EventPayload: map[string]any{"conversation": "27821234567", "handoff": 2}}
	_, before, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("before", false))
	if err != nil {
		t.Fatal(err)
	}
	_, card, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("card", false), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatalf("post with metadata: %v", err)
	}
	for _, opts := range [][]slack.MsgOption{
		{slack.MsgOptionText("in the thread", false), slack.MsgOptionTS(card)},
		{slack.MsgOptionText("in the thread and the channel", false), slack.MsgOptionTS(card), slack.MsgOptionBroadcast()},
		{slack.MsgOptionText("other channel", false)},
	} {
		channel := "C1"
		if len(opts) == 1 {
			channel = "C2"
		}
		if _, _, err := api.PostMessageContext(ctx, channel, opts...); err != nil {
			t.Fatal(err)
		}
	}
	// An update without metadata keeps it.
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", card, slack.MsgOptionText("card, updated", false)); err != nil {
		t.Fatal(err)
	}

	history := func(p slack.GetConversationHistoryParameters) *slack.GetConversationHistoryResponse {
		t.Helper()
		p.ChannelID = "C1"
		resp, err := api.GetConversationHistoryContext(ctx, &p)
		if err != nil {
			t.Fatalf("history %+v: %v", p, err)
		}
		return resp
	}
	resp := history(slack.GetConversationHistoryParameters{})
	var texts []string
	for _, m := range resp.Messages {
		texts = append(texts, m.Text)
		if m.Metadata.EventType != "" {
			t.Errorf("metadata of %q without include_all_metadata: %+v", m.Text, m.Metadata)
		}
	}
	if want := []string{"in the thread and the channel", "card, updated", "before"}; !slices.Equal(texts, want) {
		t.Fatalf("history = %q, want %q (newest first, thread replies only when broadcast)", texts, want)
	}
	if resp.Messages[1].ReplyCount != 2 || resp.Messages[1].ThreadTimestamp != card {
		t.Errorf("the card as a thread root: %+v", resp.Messages[1].Msg)
	}

	resp = history(slack.GetConversationHistoryParameters{IncludeAllMetadata: true, Oldest: before})
	if len(resp.Messages) != 2 {
		t.Fatalf("after %s: %d messages, want 2 (oldest is excluded)", before, len(resp.Messages))
	}
	got := resp.Messages[1].Metadata
	if got.EventType != "handoff_card" || got.EventPayload["conversation"] != "27821234567" || got.EventPayload["handoff"] != float64(2) {
		t.Errorf("metadata with include_all_metadata: %+v", got)
	}
	if resp = history(slack.GetConversationHistoryParameters{Oldest: before, Inclusive: true}); len(resp.Messages) != 3 {
		t.Errorf("inclusive: %d messages, want 3", len(resp.Messages))
	}

	// Pages of one message each.
	var paged []string
	cursor := ""
	for range 5 {
		resp = history(slack.GetConversationHistoryParameters{Limit: 1, Cursor: cursor})
		for _, m := range resp.Messages {
			paged = append(paged, m.Text)
		}
		if cursor = resp.ResponseMetaData.NextCursor; !resp.HasMore {
			break
		}
	}
	if !slices.Equal(paged, texts) {
		t.Errorf("paged history = %q, want %q", paged, texts)
	}

	// Malformed metadata is refused as Slack does.
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionMetadata(slack.SlackMetadata{})); slackErrorCode(err) != "invalid_metadata_schema" {
		t.Errorf("metadata without an event type: %v", err)
	}
}

func TestSlackAPIFailsAfterPostingAndAnswersLate(t *testing.T) {
	s := NewSlackAPI(t)
	ctx := context.Background()
	api := slackClient(s, s.Token())

	// 500 after posting: the client sees a failure, the channel sees the message.
	s.FailNext(1, SlackServerErrorAfterPosting())
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("posted anyway", false))
	var status slack.StatusCodeError
	if !errors.As(err, &status) || status.Code != http.StatusInternalServerError {
		t.Fatalf("post answered %v, want a 500", err)
	}
	calls := s.Calls("chat.postMessage")
	if len(calls) != 1 || calls[0].OK() || !calls[0].Applied || calls[0].TS == "" {
		t.Fatalf("calls: %+v", calls)
	}
	if got := s.ChannelMessages("C1"); len(got) != 1 || got[0].Text != "posted anyway" || got[0].TS != calls[0].TS {
		t.Fatalf("channel: %+v", got)
	}

	// A slow answer: a client that gives up first gets none, and the message is posted.
	s.FailNext(1, SlackSlow("chat.postMessage", 10*time.Second))
	impatient := slack.New(s.Token(), slack.OptionAPIURL(s.URL()), slack.OptionHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}))
	start := time.Now()
	if _, _, err := impatient.PostMessageContext(ctx, "C1", slack.MsgOptionText("slow", false)); err == nil {
		t.Fatal("a post answered after 10 s reached a client that waits 200 ms")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the slow answer held the client %v", took)
	}
	if got := s.ChannelMessages("C1"); len(got) != 2 || got[1].Text != "slow" {
		t.Fatalf("channel after the slow post: %+v", got)
	}
	// Other calls are not held up meanwhile.
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("next", false)); err != nil {
		t.Fatal(err)
	}
}
