package conversation

import "time"

// Settings are what the conversation knows of the worker's settings at a decision point (the settings
// activity reads them): the business, the timeouts, whether people are at work now.
type Settings struct {
	BusinessName string `json:"business_name"`
	// Topics are a few things the knowledge base answers, for the bot's greeting.
	Topics         []string      `json:"topics,omitempty"`
	IdleTimeout    time.Duration `json:"idle_timeout"`
	LocalEngine    bool          `json:"local_engine,omitempty"`
	InSupportHours bool          `json:"in_support_hours"`
	NextOpening    time.Time     `json:"next_opening,omitempty"`
	// CSAT is true when the customer is asked to rate the help after a hand-back (CSAT=on).
	CSAT bool `json:"csat,omitempty"`
	// UnclaimedTimeout is the support time a handoff may wait unclaimed; UnclaimedAfter is the wall-clock
	// time from now until that much support time has passed (support hours pause it). Both 0: no escalation.
	UnclaimedTimeout time.Duration `json:"unclaimed_timeout,omitempty"`
	UnclaimedAfter   time.Duration `json:"unclaimed_after,omitempty"`
	// ReplyTemplate is true when a reply template can carry agents' replies after the 24-hour window.
	ReplyTemplate bool `json:"reply_template,omitempty"`
	// BotTurnsPerMinute is the most model calls one customer can cause a minute (BOT_TURNS_PER_MINUTE); 0
	// for no limit.
	BotTurnsPerMinute int `json:"bot_turns_per_minute,omitempty"`
}
