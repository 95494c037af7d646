package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows/conversation"
)

// watch starts WatchChanges on st and returns what it hears.
func watch(t *testing.T, st *store.Store) (subscribed <-chan struct{}, changed <-chan conversation.Mirror) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	subs := make(chan struct{}, 16)
	changes := make(chan conversation.Mirror, 16)
	go func() {
		defer close(done)
		st.WatchChanges(ctx, store.Watcher{
			Subscribed: func() { subs <- struct{}{} },
			Changed:    func(m conversation.Mirror) { changes <- m },
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("WatchChanges did not return after its context ended")
		}
	})
	return subs, changes
}

func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// TestMirrorAnnouncesChanges: every mirror write reaches every watcher (two gateways), and a watcher whose
// Redis went away and came back says so, then hears the next change.
func TestMirrorAnnouncesChanges(t *testing.T) {
	r := testkit.StartRedis(t)
	newStore := func() *store.Store {
		rdb := redis.NewClient(&redis.Options{Addr: r.Addr, DialTimeout: 200 * time.Millisecond})
		t.Cleanup(func() { _ = rdb.Close() })
		return store.New(rdb)
	}
	worker, gw1, gw2 := newStore(), newStore(), newStore()
	subs1, changes1 := watch(t, gw1)
	subs2, changes2 := watch(t, gw2)
	waitFor(t, subs1, "the first gateway's subscription")
	waitFor(t, subs2, "the second gateway's subscription")

	ctx := context.Background()
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	m := conversation.Mirror{Phone: "27820000001", Name: "Thandi", Status: conversation.StatusHandoff,
		Reason: "refund_request", LastMessage: "I want a refund", LastActivity: at, HandoffAt: at}
	if err := worker.Mirror(ctx, m); err != nil {
		t.Fatal(err)
	}
	for i, ch := range []<-chan conversation.Mirror{changes1, changes2} {
		got := waitFor(t, ch, "the change")
		if got.Phone != m.Phone || got.Status != m.Status || got.Reason != m.Reason || !got.LastActivity.Equal(at) {
			t.Errorf("gateway %d heard %+v, want %+v", i+1, got, m)
		}
	}
	// What was announced is already readable.
	if got, err := gw1.Entries(ctx, []string{m.Phone}); err != nil || len(got) != 1 || got[0].Status != m.Status {
		t.Errorf("entries after the announcement: %+v, %v", got, err)
	}

	r.Stop()
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, subs1, "the subscription again after Redis restarted")
	m.Status, m.Assignee = conversation.StatusHandoff, "Naledi"
	if err := worker.Mirror(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got := waitFor(t, changes1, "the change after Redis restarted"); got.Assignee != "Naledi" {
		t.Errorf("after the restart heard %+v", got)
	}
}

// TestMirrorAnnouncesChangesEmbedded: the embedded Redis of supportd dev (miniredis) carries the
// announcements too.
func TestMirrorAnnouncesChangesEmbedded(t *testing.T) {
	st, _ := newStore(t)
	subs, changes := watch(t, st)
	waitFor(t, subs, "the subscription")
	if err := st.Mirror(context.Background(), conversation.Mirror{Phone: "27820000002", Status: conversation.StatusActive,
		LastActivity: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if got := waitFor(t, changes, "the change"); got.Phone != "27820000002" {
		t.Errorf("heard %+v", got)
	}
}
