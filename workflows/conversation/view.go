package conversation

import "time"

// One view of a conversation: the workflow makes the Snapshot from its state (the API and the console read it
// whole), and the list entry that Redis mirrors is the snapshot without its transcript. Going back, a list
// entry read from Redis is the snapshot as far as the list knows it.

// Entry is the snapshot as the conversations list shows it and Redis mirrors it. pausedFor is the expiry of
// the mirror's "paused" status while people hold the conversation.
func (s Snapshot) Entry(pausedFor time.Duration) Mirror {
	m := Mirror{
		Phone: s.Phone, WaID: s.WaID, UserID: s.UserID, Username: s.Username, Name: s.Name, Status: s.Status,
		Assignee: s.Assignee, Reason: s.HandoffReason, Summary: s.Summary, LastMessage: s.LastMessage,
		LastActivity: s.LastActivity, Overdue: s.Overdue,
	}
	if s.Status.BotSilent() {
		m.PausedFor = pausedFor
		if s.HandoffAt != nil {
			m.HandoffAt = *s.HandoffAt
		}
	}
	if s.WindowClosesAt != nil {
		m.WindowClosesAt = *s.WindowClosesAt
	}
	return m
}

// Snapshot is a list entry as a snapshot without its transcript: what the console's list shows.
func (m Mirror) Snapshot() Snapshot {
	s := Snapshot{
		Phone: m.Phone, WaID: m.WaID, UserID: m.UserID, Username: m.Username, Name: m.Name, Status: m.Status, Assignee: m.Assignee,
		HandoffReason: m.Reason, HandoffReasonLabel: m.Reason.Label(), Summary: m.Summary, LastMessage: m.LastMessage,
		LastActivity: m.LastActivity, Overdue: m.Overdue,
	}
	if m.Status.BotSilent() && !m.HandoffAt.IsZero() {
		t := m.HandoffAt
		s.HandoffAt = &t
	}
	if !m.WindowClosesAt.IsZero() {
		t := m.WindowClosesAt
		s.WindowClosesAt = &t
	}
	return s
}
