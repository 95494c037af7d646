package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/store"
)

func newStore(t *testing.T) (*store.Store, *miniredis.Miniredis) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	return store.New(rdb), mr
}

func TestTwoPhaseDelivery(t *testing.T) {
	ctx := context.Background()
	st, mr := newStore(t)
	claim := func(id string) store.Delivery {
		t.Helper()
		d, err := st.ClaimDelivery(ctx, "wa", id, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	// First delivery claims; a concurrent one sees it pending; once done, every redelivery sees done.
	if d := claim("m1"); d != store.DeliveryClaimed {
		t.Fatalf("first claim: %v", d)
	}
	if d := claim("m1"); d != store.DeliveryPending {
		t.Fatalf("second claim while the first is at work: %v", d)
	}
	if err := st.MarkDelivered(ctx, "wa", "m1", 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if d := claim("m1"); d != store.DeliveryDone {
		t.Fatalf("claim after done: %v", d)
	}
	if ttl := mr.TTL("dedupe:wa:m1"); ttl < 6*24*time.Hour {
		t.Fatalf("done kept for %v, want the 7 days Meta redelivers for", ttl)
	}
	if err := st.ReleaseDelivery(ctx, "wa", "m1"); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.DeliveryState(ctx, "wa", "m1"); d != store.DeliveryDone {
		t.Fatalf("release undid a done delivery: %v", d)
	}

	// A delivery that crashed after claiming leaves a pending claim that expires on its own.
	claim("m2")
	mr.FastForward(31 * time.Second)
	if d := claim("m2"); d != store.DeliveryClaimed {
		t.Fatalf("claim after the crashed delivery's claim expired: %v", d)
	}
	// A failed hand-over releases its claim at once.
	if err := st.ReleaseDelivery(ctx, "wa", "m2"); err != nil {
		t.Fatal(err)
	}
	if d := claim("m2"); d != store.DeliveryClaimed {
		t.Fatalf("claim after release: %v", d)
	}

	// A key written by the earlier one-phase claim ("1") proves nothing about the hand-over.
	mr.Set("dedupe:wa:m3", "1")
	if d := claim("m3"); d != store.DeliveryClaimed {
		t.Fatalf("claim over a one-phase key: %v", d)
	}
}

func TestDeliveryWithoutRedis(t *testing.T) {
	ctx := context.Background()
	st, mr := newStore(t)
	mr.Close()
	if _, err := st.ClaimDelivery(ctx, "wa", "m1", time.Second); err == nil {
		t.Fatal("claim without Redis reported no error")
	}
	if err := st.MarkDelivered(ctx, "wa", "m1", time.Second); err == nil {
		t.Fatal("mark without Redis reported no error")
	}
}
