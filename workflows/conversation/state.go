package conversation

import (
	"strings"
	"time"

	"github.com/supportd/supportd/handoff"
)

// State is everything the conversation remembers; it is carried over by continue-as-new. Who holds the
// conversation (Status, Assignee) changes only through Transition.
type State struct {
	// Phone is the conversation key, fixed when it started: the customer's wa_id, or their business-scoped
	// user ID when the first message had no phone. WaID and UserID are the customer's identifiers known now
	// (either may change); messages go to WaID when known, else to UserID (Address).
	Phone          string         `json:"phone"`
	WaID           string         `json:"wa_id,omitempty"`
	UserID         string         `json:"user_id,omitempty"`
	Username       string         `json:"username,omitempty"`
	Name           string         `json:"name,omitempty"`
	Status         Status         `json:"status"`
	Assignee       string         `json:"assignee,omitempty"`
	AssigneeID     string         `json:"assignee_id,omitempty"`
	Reason         handoff.Reason `json:"reason,omitempty"`
	HandoffAt      time.Time      `json:"handoff_at,omitempty"`
	Summary        string         `json:"summary,omitempty"`
	OutOfHoursNote string         `json:"out_of_hours_note,omitempty"`
	// IdleDeadline is when the idle timer of a handoff fires; zero while no timer runs.
	IdleDeadline time.Time `json:"idle_deadline,omitempty"`
	// Escalation is the unclaimed timer of the latest handoff (escalate.go).
	Escalation Escalation `json:"escalation"`
	// WindowWarned is the customer message (by time) whose 24-hour window people were warned about.
	WindowWarned time.Time `json:"window_warned,omitempty"`
	// AgentStarted is the handoff an agent started with a message of their own (late.go): the customer gets
	// that message, not the handoff notice.
	AgentStarted int `json:"agent_started,omitempty"`

	// Settings are the worker's settings as last read (business name, idle timeout, support hours).
	Settings Settings `json:"settings"`

	Transcript []Line `json:"transcript,omitempty"`
	Earlier    int    `json:"earlier,omitempty"`

	// Seen holds the most recent inbound message ids, for deduplication.
	Seen []string `json:"seen,omitempty"`
	// Pending are accepted customer messages not yet handled.
	Pending []Message `json:"pending,omitempty"`

	LastInbound time.Time `json:"last_inbound,omitempty"`
	// Unread is the customer's latest message not yet marked read; the next message to them marks it.
	Unread       string    `json:"unread,omitempty"`
	LastActivity time.Time `json:"last_activity,omitempty"`
	LastMessage  string    `json:"last_message,omitempty"`

	Recent []Turn `json:"recent,omitempty"`
	Repeat Repeat `json:"repeat"`
	Offer  Offer  `json:"offer"`
	// CSAT is the rating question of the latest hand-back and its answer (csat.go).
	CSAT CSAT `json:"csat"`
	// Note is the latest internal note agents wrote on the current handoff: a return without a note of its
	// own leaves this one for the bot (csat.go).
	Note string `json:"note,omitempty"`

	// Generation changes with every change of status; bot work and followups of an older generation are void.
	Generation int `json:"generation"`
	// Handoffs counts handoffs; each has its own card for agents.
	Handoffs int       `json:"handoffs,omitempty"`
	Cards    []CardRef `json:"cards,omitempty"`

	// Todo is what transitions left for the main loop to carry out.
	Todo []Followup `json:"todo,omitempty"`
	// Notices are queued for the agents' tool, sent in order.
	Notices []Notice `json:"notices,omitempty"`
	// Outbound counts the messages sent to the customer, by kind.
	Outbound map[string]int `json:"outbound,omitempty"`
	// BotTurns are when the latest model calls were made, at most BOT_TURNS_PER_MINUTE of them (speaker.go).
	BotTurns []time.Time `json:"bot_turns,omitempty"`
	// Replied are the latest agents' messages sent, by update id: a request repeated under the same
	// Idempotency-Key after a continue-as-new (Temporal remembers update ids for one run) gets its result
	// instead of a second message.
	Replied []Replied `json:"replied,omitempty"`
}

// Replied is an agent's message that went out, by the id of the update that sent it.
type Replied struct {
	UpdateID  string `json:"update_id"`
	MessageID string `json:"message_id"`
}

// MaxReplied bounds State.Replied.
const MaxReplied = 50

// Address is where messages to the customer go: their phone when known, else their user ID. A conversation
// carried over from before identifiers were tracked has only its key.
func (s *State) Address() Address {
	if s.WaID == "" && s.UserID == "" {
		return AddressOf(s.Phone)
	}
	return Address{Phone: s.WaID, UserID: s.UserID}
}

// Learn records the customer's identifiers as a message carried them and reports whether any changed. An
// empty identifier says nothing: a phone number once shared stays known.
func (s *State) Learn(waID, userID, username string) bool {
	changed := false
	for _, f := range []struct {
		field *string
		value string
	}{{&s.WaID, waID}, {&s.UserID, userID}, {&s.Username, username}} {
		if f.value != "" && *f.field != f.value {
			*f.field, changed = f.value, true
		}
	}
	return changed
}

// CardRef locates the card of one handoff.
type CardRef struct {
	Seq int `json:"seq"`
	Ref Ref `json:"ref"`
}

// Agent is the person behind an agent's action.
type Agent struct {
	Name string `json:"name"`
	// ID identifies the agent in the agents' tool (a Slack user id); empty for the console and the API.
	ID string `json:"id,omitempty"`
}

// EventKind is something that changes who holds the
type EventKind string

// The events of the conversation's state machine.
const (
	// EvHandoff: the bot decided the customer needs a person.
	EvHandoff EventKind = "handoff"
	// EvTakeover: an agent takes the
	EvTakeover EventKind = "takeover"
	// EvReply: an agent replied to the customer.
	EvReply EventKind = "reply"
	// EvKeep: an agent keeps the conversation (after the idle prompt, or at any time during a handoff).
	EvKeep EventKind = "keep"
	// EvNote: agents work on the handoff without writing to the customer (an internal note).
	EvNote EventKind = "note"
	// EvIdle: the idle timeout passed with no agent activity.
	EvIdle EventKind = "idle"
	// EvReturn: an agent returned the conversation to the bot.
	EvReturn EventKind = "return"
	// EvEcho: someone wrote to the customer from the WhatsApp Business app on the same number. It stops the
	// bot like a takeover, and counts as agents' activity during a handoff.
	EvEcho EventKind = "echo"
	// EvCancel: an operator ended the conversation (Temporal UI, CLI): other systems are told the bot answers
	// again, and the customer's next message starts a new run.
	EvCancel EventKind = "cancel"
)

// Event is one input to Transition.
type Event struct {
	Kind   EventKind
	Reason handoff.Reason
	Agent  Agent
	At     time.Time
}

// FollowupKind is work that follows from a transition and needs the outside world.
type FollowupKind string

// The followups the main loop carries out.
const (
	// DoAnnounce tells the customer a person will answer, writes the agents' summary and posts their card.
	DoAnnounce FollowupKind = "announce"
	// DoWelcomeBack tells the customer the bot is back.
	DoWelcomeBack FollowupKind = "welcome_back"
)

// Followup is one piece of work after a transition, tagged with the generation it belongs to: a followup of a
// transition that has since been overtaken is dropped.
type Followup struct {
	Kind       FollowupKind `json:"kind"`
	Generation int          `json:"generation"`
}

// Outcome is what a transition did.
type Outcome struct {
	// StopBot is true when the bot lost the conversation: its work in flight must be cancelled.
	StopBot bool
	// Line is the system line for the transcript, if any.
	Line string
	// Notices are for the agents' tool.
	Notices []NoticeKind
	// HeldBy is set when another agent holds the conversation and the event changed nothing.
	HeldBy string
}

// Transition applies an event to the state: it is the only code that changes who holds the conversation
// (the bot, people waiting to take it, a person, or people asked to confirm a return). It returns what follows;
// work for the main loop is queued in Todo.
func (s *State) Transition(ev Event) Outcome {
	var (
		out      Outcome
		followup FollowupKind
	)
	from := s.Status
	switch {
	case ev.Kind == EvCancel:
		s.Status, s.Assignee, s.AssigneeID, s.IdleDeadline = StatusActive, "", "", time.Time{}
		out = Outcome{StopBot: true}
	case ev.Kind == EvHandoff || (ev.Kind == EvTakeover || ev.Kind == EvEcho) && from == StatusActive:
		if from != StatusActive {
			return Outcome{} // already with people
		}
		reason := ev.Reason
		switch ev.Kind {
		case EvTakeover:
			reason = handoff.ReasonAgentTakeover
		case EvEcho:
			reason = handoff.ReasonBusinessAppReply
		}
		s.Status, s.Reason, s.HandoffAt = StatusHandoff, reason, ev.At
		s.Assignee, s.AssigneeID = ev.Agent.Name, ev.Agent.ID
		s.Summary, s.OutOfHoursNote, s.Offer = "", "", Offer{}
		s.CSAT.Pending, s.Note = false, "" // a handoff cancels every other automation
		s.Handoffs++
		s.startIdleTimer(ev.At)
		out = Outcome{StopBot: true, Line: "Handed to a person: " + reason.Label()}
		if ev.Kind == EvEcho {
			out.Line = "Someone replied from the WhatsApp Business app: the bot is paused until a person returns the conversation"
		} else if ev.Agent.Name != "" {
			out.Line = "Taken over by " + ev.Agent.Name
		}
		followup = DoAnnounce
	case from == StatusActive:
		return Outcome{} // agents' actions need a handoff
	case ev.Kind == EvTakeover && s.Assignee != "" && !s.IsAssignee(ev.Agent):
		return Outcome{HeldBy: s.Assignee}
	case ev.Kind == EvTakeover || ev.Kind == EvReply || ev.Kind == EvKeep || ev.Kind == EvEcho:
		out = Outcome{Notices: []NoticeKind{NoticeCardUpdate}}
		if s.Assignee == "" && ev.Agent.Name != "" {
			s.Assignee, s.AssigneeID = ev.Agent.Name, ev.Agent.ID
			out.Line = "Taken over by " + ev.Agent.Name
		} else if ev.Kind == EvKeep && from == StatusAwaitingConfirmation {
			out.Line = "Kept with a person by " + ev.Agent.Name
		}
		if from == StatusAwaitingConfirmation {
			s.Status = StatusHandoff
		}
		s.startIdleTimer(ev.At)
	case ev.Kind == EvNote:
		if from == StatusHandoff {
			s.startIdleTimer(ev.At)
		}
		return Outcome{}
	case ev.Kind == EvIdle:
		if from != StatusHandoff {
			return Outcome{}
		}
		s.Status, s.IdleDeadline = StatusAwaitingConfirmation, time.Time{}
		out = Outcome{Notices: []NoticeKind{NoticeConfirmPrompt, NoticeCardUpdate},
			Line: "No agent activity: waiting for an agent to return the conversation to the bot or keep it"}
	case ev.Kind == EvReturn:
		s.Status, s.Assignee, s.AssigneeID, s.IdleDeadline = StatusActive, "", "", time.Time{}
		s.Repeat, s.Offer = Repeat{}, Offer{}
		out = Outcome{Notices: []NoticeKind{NoticeCardUpdate},
			Line: "Returned to the bot by " + ev.Agent.Name}
		followup = DoWelcomeBack
	default:
		return Outcome{}
	}
	if s.Status != from {
		s.Generation++
	}
	if followup != "" {
		s.Todo = append(s.Todo, Followup{Kind: followup, Generation: s.Generation})
	}
	return out
}

func (s *State) startIdleTimer(now time.Time) {
	timeout := s.Settings.IdleTimeout
	if timeout <= 0 {
		timeout = handoff.DefaultIdleTimeout
	}
	s.IdleDeadline = now.Add(timeout)
}

// IsAssignee reports whether an agent is the assignee: by the agents' tool's user id when both have one,
// else by name.
func (s *State) IsAssignee(a Agent) bool {
	if a.ID != "" && s.AssigneeID != "" {
		return a.ID == s.AssigneeID
	}
	return strings.EqualFold(strings.TrimSpace(a.Name), s.Assignee)
}

// Holds reports whether the bot still holds the conversation it started working on in generation gen.
func (s *State) Holds(gen int) bool {
	return s.Generation == gen && s.Status == StatusActive
}

// Escalation is the unclaimed-handoff timer of one handoff: when nobody takes the waiting conversation or
// replies within HANDOFF_UNCLAIMED_TIMEOUT of support hours, agents are alerted and the customer is told about
// the wait, once per handoff.
type Escalation struct {
	// Seq is the handoff (State.Handoffs) the timer belongs to.
	Seq int `json:"seq,omitempty"`
	// Due is when the handoff escalates: the timeout counted in support hours, as a wall-clock time.
	Due     time.Time     `json:"due,omitempty"`
	Timeout time.Duration `json:"timeout,omitempty"`
	// At is when it escalated; zero until then.
	At time.Time `json:"at,omitempty"`
}

// WaitingForPerson is true while a handoff waits for someone to take it (still so when the idle timer asked
// for a confirmation nobody could give, since nobody took it).
func (s *State) WaitingForPerson() bool {
	return s.Status.BotSilent() && s.Assignee == ""
}

// Overdue is true while the current handoff waits for a person after it escalated.
func (s *State) Overdue() bool {
	return s.WaitingForPerson() && s.Escalation.Seq == s.Handoffs && !s.Escalation.At.IsZero()
}

// TurnContext is what the rules of a bot turn read of the conversation.
func (s *State) TurnContext() TurnContext {
	return TurnContext{Offer: s.Offer, Repeat: s.Repeat, Name: s.Name, Business: s.Settings.BusinessName, Topics: s.Settings.Topics}
}
