package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows/conversation"
)

// The store is the fence and the ledger the worker's activities are given.
var (
	_ activities.TurnFence  = (*store.Store)(nil)
	_ activities.SendLedger = (*store.Store)(nil)
)

func TestTurnClaimedOrStoppedNeverBoth(t *testing.T) {
	s, mr := newStore(t)
	ctx := context.Background()
	claim := func(turn, sender string) conversation.TurnClaim {
		t.Helper()
		c, err := s.ClaimTurn(ctx, turn, sender, 20*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// An attempt first: the stop comes too late, and the attempt (asking again) still holds it.
	if c := claim("c1:m1", "reply.1"); c.State != conversation.TurnClaimed {
		t.Fatalf("claim: %+v", c)
	}
	if stopped, _, err := s.StopTurn(ctx, "c1:m1", time.Minute); err != nil || stopped {
		t.Fatalf("stop after a claim: %v %v", stopped, err)
	}
	if c := claim("c1:m1", "reply.1"); c.State != conversation.TurnClaimed {
		t.Fatal("the attempt lost its turn")
	}
	// The claim belongs to the attempt: a later attempt waits for it to lapse.
	if c := claim("c1:m1", "reply.2"); c.State != conversation.TurnBusy || c.Wait <= 0 || c.Wait > 20*time.Second {
		t.Fatalf("a later attempt found %+v", c)
	}
	// A claim that lapsed (its attempt can no longer be sending) is free again; a stop then wins.
	mr.FastForward(21 * time.Second)
	if stopped, _, _ := s.StopTurn(ctx, "c1:m1", time.Minute); !stopped {
		t.Fatal("a lapsed claim kept the turn from being stopped")
	}
	if c := claim("c1:m1", "reply.2"); c.State != conversation.TurnStopped {
		t.Fatalf("a stopped turn was claimed: %+v", c)
	}
	// Sent: a later attempt reports the reply instead of sending it, and a stop cannot take it back.
	claim("c1:m3", "reply.1")
	if err := s.MarkTurnSent(ctx, "c1:m3", "reply.1", "wamid.A", time.Minute); err != nil {
		t.Fatal(err)
	}
	if c := claim("c1:m3", "reply.2"); c.State != conversation.TurnSent || c.MessageID != "wamid.A" {
		t.Fatalf("after the send: %+v", c)
	}
	if stopped, _, _ := s.StopTurn(ctx, "c1:m3", time.Minute); stopped {
		t.Fatal("a sent turn was stopped")
	}
	if _, err := s.ClaimTurn(ctx, "c1:m4", "stopped", time.Minute); err == nil {
		t.Fatal("a sender named like the stop mark was accepted")
	}
	// Turns expire.
	mr.FastForward(2 * time.Minute)
	if c := claim("c1:m1", "reply.1"); c.State != conversation.TurnClaimed {
		t.Fatal("an expired turn is still stopped")
	}
	// Racing: exactly one side wins each turn.
	for i := range 50 {
		turn := "race:" + string(rune('a'+i%26)) + time.Now().String()
		var claimed, stopped bool
		var wg sync.WaitGroup
		wg.Go(func() {
			c, _ := s.ClaimTurn(ctx, turn, "reply.1", time.Minute)
			claimed = c.State == conversation.TurnClaimed
		})
		wg.Go(func() { stopped, _, _ = s.StopTurn(ctx, turn, time.Minute) })
		wg.Wait()
		if claimed == stopped {
			t.Fatalf("turn %d: claimed %v, stopped %v", i, claimed, stopped)
		}
	}
}

// The typing indicator is fenced too: none once the turn is stopped, and a stop sees the one under way.
func TestTypingIndicatorFenced(t *testing.T) {
	s, mr := newStore(t)
	ctx := context.Background()
	if ok, err := s.TypeTurn(ctx, "c1:m1", "reply.1", 3*time.Second); err != nil || !ok {
		t.Fatalf("typing: %v %v", ok, err)
	}
	stopped, typing, err := s.StopTurn(ctx, "c1:m1", time.Minute)
	if err != nil || !stopped || typing <= 0 || typing > 3*time.Second {
		t.Fatalf("stop during typing: stopped %v, typing %v, %v", stopped, typing, err)
	}
	if err := s.TypedTurn(ctx, "c1:m1", "reply.1"); err != nil {
		t.Fatal(err)
	}
	if _, typing, _ := s.StopTurn(ctx, "c1:m1", time.Minute); typing != 0 {
		t.Fatalf("typing still under way after it ended: %v", typing)
	}
	if ok, _ := s.TypeTurn(ctx, "c1:m1", "reply.1", 3*time.Second); ok {
		t.Fatal("typing shown for a stopped turn")
	}
	// An indicator whose attempt died lapses by itself.
	s.TypeTurn(ctx, "c1:m2", "reply.1", 3*time.Second)
	mr.FastForward(4 * time.Second)
	if _, typing, _ := s.StopTurn(ctx, "c1:m2", time.Minute); typing != 0 {
		t.Fatalf("a lapsed indicator still counts: %v", typing)
	}
}
