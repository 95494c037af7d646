package slackapp

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/testkit"
)

var testCardID = CardID{Conversation: testPhone, Handoff: 1}

func TestCardFoundByItsMetadata(t *testing.T) {
	c, fake := newTestClient(t)
	ctx := context.Background()
	since := time.Now()
	ts, err := c.PostCard(ctx, testChannel, testCardID, testCard())
	if err != nil {
		t.Fatal(err)
	}
	other := CardID{Conversation: "ZA.13491208655302741918", Handoff: 1}
	if _, err := c.PostCard(ctx, testChannel, other, testCard()); err != nil {
		t.Fatal(err)
	}
	m, _ := fake.Message(testChannel, ts)
	var meta struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	}
	if err := json.Unmarshal(m.Metadata, &meta); err != nil || meta.EventType != cardEventType ||
		meta.EventPayload["conversation"] != testPhone || meta.EventPayload["handoff"] != float64(1) {
		t.Fatalf("card metadata %s: %v", m.Metadata, err)
	}

	if got, found, err := c.FindCard(ctx, testChannel, testCardID, since); err != nil || !found || got != ts {
		t.Fatalf("FindCard = %q %v %v, want %s", got, found, err, ts)
	}
	for name, id := range map[string]CardID{
		"the next handoff":     {Conversation: testPhone, Handoff: 2},
		"another conversation": {Conversation: "27830000000", Handoff: 1},
	} {
		if got, found, err := c.FindCard(ctx, testChannel, id, since); err != nil || found {
			t.Errorf("FindCard for %s found %q (%v)", name, got, err)
		}
	}
	// A card from before the attempt (less the clocks' margin) is not this handoff's.
	if got, found, err := c.FindCard(ctx, testChannel, testCardID, time.Now().Add(2*cardClockSkew)); err != nil || found {
		t.Errorf("FindCard found %q posted before since (%v)", got, err)
	}
	call := fake.Calls("conversations.history")[0]
	if call.Form.Get("include_all_metadata") != "1" || call.Form.Get("limit") != "100" || call.Form.Get("oldest") == "" {
		t.Errorf("conversations.history asked with %v", call.Form)
	}
}

// A card whose post got no answer (Slack timed out, or answered 500 after posting) is in the channel: the
// post's error is retryable, and FindCard finds the card instead of a retry posting a second one.
func TestCardPostedWithoutAnAnswerIsFound(t *testing.T) {
	for name, failure := range map[string]testkit.SlackFailure{
		"timeout":           testkit.SlackSlow("chat.postMessage", 10*time.Second),
		"500 after posting": testkit.SlackServerErrorAfterPosting(),
	} {
		t.Run(name, func(t *testing.T) {
			fake := testkit.NewSlackAPI(t)
			c, err := New(Config{Token: fake.Token(), APIURL: fake.URL(), HTTPClient: &http.Client{Timeout: 300 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			since := time.Now()
			fake.FailNext(1, failure)
			if _, err := c.PostCard(ctx, testChannel, testCardID, testCard()); err == nil || !IsRetryable(err) {
				t.Fatalf("post without an answer: %v, want a retryable error", err)
			}
			posted := fake.ChannelMessages(testChannel)
			if len(posted) != 1 {
				t.Fatalf("%d cards in the channel", len(posted))
			}
			if ts, found, err := c.FindCard(ctx, testChannel, testCardID, since); err != nil || !found || ts != posted[0].TS {
				t.Fatalf("FindCard = %q %v %v, want %s", ts, found, err, posted[0].TS)
			}
		})
	}
}

func TestFindCardErrors(t *testing.T) {
	c, fake := newTestClient(t)
	ctx := context.Background()
	fake.FailNext(1, testkit.SlackFailure{Method: "conversations.history", Error: "missing_scope"})
	if _, _, err := c.FindCard(ctx, testChannel, testCardID, time.Now()); err == nil || IsRetryable(err) {
		t.Errorf("missing_scope: %v, want a final error", err)
	}
	fake.FailNext(1, testkit.SlackFailure{Method: "conversations.history", Status: http.StatusTooManyRequests, RetryAfter: 60, Error: "ratelimited"})
	_, _, err := c.FindCard(ctx, testChannel, testCardID, time.Now())
	if d, ok := RetryAfter(err); !ok || d != time.Minute || !IsRetryable(err) {
		t.Errorf("rate limited: %v (retry after %v %v)", err, d, ok)
	}
}
