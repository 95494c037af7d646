package store_test

import (
	"errors"
	"testing"

	"github.com/supportd/supportd/workflows/conversation"
)

func TestCustomerLinks(t *testing.T) {
	t.Parallel()
	s, mr := newStore(t)
	ctx := t.Context()
	if _, found, err := s.CustomerKey(ctx, "27821234567", "ZA.1"); err != nil || found {
		t.Fatalf("empty store: %v %v", found, err)
	}
	if err := s.LinkCustomer(ctx, "27821234567", "27821234567", "ZA.1", ""); err != nil {
		t.Fatal(err)
	}
	// The first linked identifier wins; an unlinked one first is skipped.
	if key, found, err := s.CustomerKey(ctx, "27830000000", "ZA.1"); err != nil || !found || key != "27821234567" {
		t.Fatalf("by user ID: %q %v %v", key, found, err)
	}
	if ttl := mr.TTL("wa_link:ZA.1"); ttl <= 0 {
		t.Errorf("link without an expiry: %v", ttl)
	}

	// A rebuild writes what visibility lists and marks the links complete; a flush drops the mark.
	ran, err := s.RebuildLinks(ctx, func(link func(key string, ids ...string) error) error {
		return link("ZA.2", "27839999999")
	})
	if err != nil || !ran {
		t.Fatalf("rebuild: %v %v", ran, err)
	}
	if complete, _ := s.LinksComplete(ctx); !complete {
		t.Fatal("links not complete after a rebuild")
	}
	if key, found, _ := s.CustomerKey(ctx, "27839999999"); !found || key != "ZA.2" {
		t.Fatalf("rebuilt link: %q %v", key, found)
	}
	if err := s.LinksIncomplete(ctx); err != nil {
		t.Fatal(err)
	}
	if complete, _ := s.LinksComplete(ctx); complete {
		t.Fatal("still complete after a link was lost")
	}

	// A rebuild that fails leaves the links incomplete.
	if _, err := s.RebuildLinks(ctx, func(func(string, ...string) error) error { return errors.New("visibility down") }); err == nil {
		t.Fatal("a failed rebuild reported no error")
	}
	if complete, _ := s.LinksComplete(ctx); complete {
		t.Fatal("a failed rebuild marked the links complete")
	}
}

func TestDeliveriesOnTheTranscript(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	for _, st := range []struct {
		id     string
		status conversation.Delivery
		reason string
	}{
		{"wamid.A", conversation.DeliveryRead, ""},
		{"wamid.A", conversation.DeliverySent, ""}, // late: never overwrites read
		{"wamid.B", conversation.DeliveryFailed, "not on WhatsApp"},
	} {
		if _, err := s.RecordDelivery(ctx, st.id, st.status, st.reason); err != nil {
			t.Fatal(err)
		}
	}
	lines := []conversation.Line{
		{From: conversation.FromBot, ID: "wamid.A"},
		{From: conversation.FromAgent, ID: "wamid.B"},
		{From: conversation.FromCustomer, ID: "wamid.A"}, // a customer's message has no delivery
		{From: conversation.FromBot, ID: "wamid.C"},      // nothing reported yet
	}
	if err := s.Deliveries(ctx, lines); err != nil {
		t.Fatal(err)
	}
	want := []conversation.Delivery{conversation.DeliveryRead, conversation.DeliveryFailed, "", ""}
	for i, l := range lines {
		if l.Delivery != want[i] {
			t.Errorf("line %d: %q, want %q", i, l.Delivery, want[i])
		}
	}
	if lines[1].Error != "not on WhatsApp" {
		t.Errorf("failure reason %q", lines[1].Error)
	}
}
