package store_test

import (
	"testing"
)

func TestClaimCustomer(t *testing.T) {
	t.Parallel()
	s, mr := newStore(t)
	ctx := t.Context()
	// A customer never seen: every identifier is linked to the new key.
	if key, err := s.ClaimCustomer(ctx, "27821234567", "27821234567", "ZA.1", ""); err != nil || key != "27821234567" {
		t.Fatalf("first claim: %q %v", key, err)
	}
	for _, id := range []string{"27821234567", "ZA.1"} {
		if key, found, _ := s.CustomerKey(ctx, id); !found || key != "27821234567" {
			t.Fatalf("link of %s after the claim: %q %v", id, key, found)
		}
		if ttl := mr.TTL("wa_link:" + id); ttl <= 0 {
			t.Errorf("claimed link of %s without an expiry: %v", id, ttl)
		}
	}
	// A later claim under the user ID alone, or with a new phone first, gets the first claim's key, and the
	// new phone joins it.
	if key, err := s.ClaimCustomer(ctx, "ZA.1", "ZA.1"); err != nil || key != "27821234567" {
		t.Fatalf("claim by the user ID: %q %v", key, err)
	}
	if key, err := s.ClaimCustomer(ctx, "27830000000", "27830000000", "ZA.1"); err != nil || key != "27821234567" {
		t.Fatalf("claim with a new phone: %q %v", key, err)
	}
	if key, found, _ := s.CustomerKey(ctx, "27830000000"); !found || key != "27821234567" {
		t.Fatalf("the new phone is linked to %q %v", key, found)
	}
	// A link that exists is never moved by a claim: the first linked identifier decides.
	if err := s.LinkCustomer(ctx, "ZA.9", "ZA.9"); err != nil {
		t.Fatal(err)
	}
	if key, err := s.ClaimCustomer(ctx, "27821234567", "27821234567", "ZA.9"); err != nil || key != "27821234567" {
		t.Fatalf("claim across two conversations: %q %v", key, err)
	}
	if key, _, _ := s.CustomerKey(ctx, "ZA.9"); key != "ZA.9" {
		t.Fatalf("a claim moved an existing link to %q", key)
	}
	if _, err := s.ClaimCustomer(ctx, "27821234567", ""); err == nil {
		t.Fatal("a claim with no identifier succeeded")
	}
}
