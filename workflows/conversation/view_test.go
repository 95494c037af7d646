package conversation_test

import (
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

// The list entry is the snapshot without its transcript, and back: what Redis mirrors is what the console's
// list shows.
func TestEntryAndSnapshotAreOneView(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	for _, m := range []conversation.Mirror{
		{Phone: "27821234567", WaID: "27821234567", Name: "Thandi", Status: conversation.StatusActive, LastMessage: "hi", LastActivity: at},
		{Phone: "ZA.1", UserID: "ZA.1", Username: "thandi", Name: "Thandi", Status: conversation.StatusHandoff, Assignee: "Sipho",
			Reason: handoff.ReasonRefund, Summary: "refund", LastMessage: "please", LastActivity: at, HandoffAt: at.Add(-time.Hour),
			PausedFor: 24 * time.Hour, Overdue: true, WindowClosesAt: at.Add(20 * time.Hour)},
	} {
		s := m.Snapshot()
		if got := s.Entry(m.PausedFor); got != m {
			t.Errorf("entry of the snapshot of %+v is %+v", m, got)
		}
		if s.HandoffReasonLabel != m.Reason.Label() {
			t.Errorf("label %q", s.HandoffReasonLabel)
		}
	}
}
