package conversation_test

import (
	"testing"
	"time"

	"github.com/supportd/supportd/workflows/conversation"
)

func TestWindowOpen(t *testing.T) {
	now := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		lastInbound time.Time
		open        bool
	}{
		{"never wrote", time.Time{}, false},
		{"just now", now, true},
		{"an hour ago", now.Add(-time.Hour), true},
		{"a second before closing", now.Add(-conversation.ServiceWindow + time.Second), true},
		{"exactly 24 hours ago", now.Add(-conversation.ServiceWindow), false},
		{"two days ago", now.Add(-48 * time.Hour), false},
		{"clock skew into the future", now.Add(time.Minute), true},
	}
	for _, tt := range tests {
		if got := conversation.WindowOpen(tt.lastInbound, now); got != tt.open {
			t.Errorf("%s: WindowOpen = %v, want %v", tt.name, got, tt.open)
		}
	}
}
