package store_test

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestTurnClaimedOrStoppedNeverBoth(t *testing.T) {
	s, mr := newStore(t)
	ctx := context.Background()
	// A sender first: the stop comes too late, and the sender (retried) still holds it.
	if ok, err := s.ClaimTurn(ctx, "c1:m1", "reply-1", time.Minute); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if stopped, err := s.StopTurn(ctx, "c1:m1", time.Minute); err != nil || stopped {
		t.Fatalf("stop after a claim: %v %v", stopped, err)
	}
	if ok, _ := s.ClaimTurn(ctx, "c1:m1", "reply-1", time.Minute); !ok {
		t.Fatal("the sender's retry lost its turn")
	}
	if ok, _ := s.ClaimTurn(ctx, "c1:m1", "reply-2", time.Minute); ok {
		t.Fatal("a second sender claimed a held turn")
	}
	// A stop first: no sender may claim it, and stopping again says stopped.
	if stopped, _ := s.StopTurn(ctx, "c1:m2", time.Minute); !stopped {
		t.Fatal("stop of a free turn")
	}
	if ok, _ := s.ClaimTurn(ctx, "c1:m2", "reply-1", time.Minute); ok {
		t.Fatal("a stopped turn was claimed")
	}
	if stopped, _ := s.StopTurn(ctx, "c1:m2", time.Minute); !stopped {
		t.Fatal("second stop")
	}
	if _, err := s.ClaimTurn(ctx, "c1:m3", "stopped", time.Minute); err == nil {
		t.Fatal("a sender named like the stop mark was accepted")
	}
	// Turns expire.
	mr.FastForward(2 * time.Minute)
	if ok, _ := s.ClaimTurn(ctx, "c1:m2", "reply-1", time.Minute); !ok {
		t.Fatal("an expired turn is still stopped")
	}
	// Racing: exactly one side wins each turn.
	for i := range 50 {
		turn := "race:" + string(rune('a'+i%26)) + time.Now().String()
		var claimed, stopped bool
		var wg sync.WaitGroup
		wg.Go(func() { claimed, _ = s.ClaimTurn(ctx, turn, "reply-1", time.Minute) })
		wg.Go(func() { stopped, _ = s.StopTurn(ctx, turn, time.Minute) })
		wg.Wait()
		if claimed == stopped {
			t.Fatalf("turn %d: claimed %v, stopped %v", i, claimed, stopped)
		}
	}
}
