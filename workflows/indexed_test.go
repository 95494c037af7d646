package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
)

// A run started with its search attributes set (Input.Indexed: the gateway's start, a continue-as-new)
// upserts them only when the status changes; a run started without the flag (histories recorded before it)
// upserts them at once, as it always did.
func TestSearchAttributesUpsertedOnlyWhenStale(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		indexed bool
		start   string
		want    int // upserts before the refund hands off
	}{
		{"indexed start", true, "active", 0},
		{"start without the flag", false, "active", 1},
		{"indexed start with another status", true, "handoff", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if err := h.env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
				SupportStatusKey.ValueSet(tc.start), CustomerPhoneKey.ValueSet(phone))); err != nil {
				t.Fatal(err)
			}
			upserts := 0
			h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(mock.Arguments) { upserts++ }).Return(nil)
			var before int
			h.signal(time.Second, text("What are your trading hours?"))
			h.at(time.Minute, func() { before = upserts })
			h.signal(2*time.Minute, text("I want a refund for my order"))
			h.at(time.Hour, func() { h.env.CancelWorkflow() })
			h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: phone, Name: "Thandi Mokoena", Indexed: tc.indexed})
			h.endedCancelled()
			// Then the handoff and, 30 idle minutes later, awaiting_confirmation.
			if before != tc.want || upserts != tc.want+2 {
				t.Fatalf("%d upserts before the handoff and %d in all, want %d and %d", before, upserts, tc.want, tc.want+2)
			}
		})
	}
}
