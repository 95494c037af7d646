// Package workflows holds the conversation state machine: one ConversationWorkflow per customer phone number,
// deciding whether the bot answers or a person does. Its decisions are plain functions (decide.go); the
// workflow only sequences them with activities and timers.
package workflows

import (
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/workflows/conversation"
)

// WorkflowName is the registered name of the conversation workflow.
const WorkflowName = "ConversationWorkflow"

// Signal, update and query names of the conversation workflow.
const (
	// SignalCustomerMessage delivers one inbound WhatsApp message (SignalWithStart from the gateway).
	SignalCustomerMessage = "customer-message"
	// UpdateTakeover hands the conversation to an agent; it completes once the bot is silent.
	UpdateTakeover = "takeover"
	// UpdateReply sends an agent's reply to the customer.
	UpdateReply = "agent-reply"
	// UpdateAgentMessage is a message an agent starts or continues a conversation with: the conversation is
	// theirs from then on (UpdateWithStart from the API, so that it may start the workflow).
	UpdateAgentMessage = "agent-message"
	// UpdateReturnToBot returns the conversation to the bot.
	UpdateReturnToBot = "return-to-bot"
	// UpdateKeep keeps the conversation with a person and restarts the idle timer.
	UpdateKeep = "keep"
	// UpdateActivity reports agents working on the conversation (an internal note), which restarts the idle
	// timer of a handoff.
	UpdateActivity = "agent-activity"
	// QueryStatus returns the conversation without its transcript.
	QueryStatus = "status"
	// QueryTranscript returns the transcript.
	QueryTranscript = "transcript"
	// QueryConversation returns the conversation with its transcript.
	QueryConversation = "conversation"
	// QueryProgress reports whether the workflow has taken in a message (by id) and has nothing left to do
	// about it, so that a caller can check what did or did not follow without waiting a fixed time.
	QueryProgress = "progress"
)

// Progress is the answer to QueryProgress.
type Progress struct {
	// Accepted is true when the message asked about is in the conversation.
	Accepted bool `json:"accepted"`
	// Settled is true when nothing is in flight: no message or followup waiting, no bot turn, no notice to
	// agents on its way, no update being handled. Timers may be running.
	Settled bool `json:"settled"`
}

// Search attributes kept current by the workflow, so the Temporal UI can list conversations by status.
var (
	// SupportStatusKey holds the conversation status (active, handoff, awaiting_confirmation).
	SupportStatusKey = temporal.NewSearchAttributeKeyKeyword("SupportStatus")
	// CustomerPhoneKey holds the customer's wa_id, when known.
	CustomerPhoneKey = temporal.NewSearchAttributeKeyKeyword("CustomerPhone")
	// CustomerUserIDKey holds the customer's business-scoped user ID, when known. With CustomerPhoneKey it
	// lets the gateway find a customer's conversation by any identifier when Redis has lost the links.
	CustomerUserIDKey = temporal.NewSearchAttributeKeyKeyword("CustomerUserID")
)

// Reply button ids of the offer of a person (docs/CONTRACT.md).
const (
	ButtonHandoffYes = "handoff_yes"
	ButtonHandoffNo  = "handoff_no"
)

// Application error types returned by the updates, which callers map to their own answers.
const (
	ErrTypeBotHolds       = "BotHoldsConversation"
	ErrTypeNotAssignee    = "NotAssignee"
	ErrTypeInvalidText    = "InvalidText"
	ErrTypeAlreadyWithBot = "AlreadyWithBot"
	ErrTypeInvalidRequest = "InvalidRequest"
	ErrTypeWindowClosed   = activities.ErrTypeWindowClosed
	ErrTypeRejected       = activities.ErrTypeRejected
)

// WorkflowID is the id of a customer's conversation workflow.
func WorkflowID(phone string) string { return conversation.WorkflowIDPrefix + phone }

// KeyOf is the customer's key in a conversation workflow id, and whether the id is one.
func KeyOf(workflowID string) (string, bool) {
	return strings.CutPrefix(workflowID, conversation.WorkflowIDPrefix)
}

// Input starts a conversation workflow, or continues one after continue-as-new.
type Input struct {
	// Phone is the conversation key (a wa_id, or a business-scoped user ID); WaID and UserID the customer's
	// identifiers known at the start.
	Phone  string `json:"phone"`
	WaID   string `json:"wa_id,omitempty"`
	UserID string `json:"user_id,omitempty"`
	Name   string `json:"name,omitempty"`
	// State is the conversation carried over by continue-as-new; nil for a new conversation.
	State *conversation.State `json:"state,omitempty"`
	// Indexed says the run starts with its search attributes set (the gateway's start, a continue-as-new),
	// so that the run upserts them only when they differ from the status. A run started without it upserts
	// them at once, as every run did before the field existed: its history replays the same.
	Indexed bool `json:"indexed,omitempty"`
	// Revision is the behaviour a run recorded before the worker chose it itself starts with: runs since then
	// record the worker's Revision as a version marker at their start (revisionOf), and this field is left
	// empty. 0 is every run from before either existed.
	Revision int `json:"revision,omitempty"`
}

// Revision is what new runs start with: the worker that starts a run records it there, so that a gateway or a
// worker of another release cannot make a run record behaviour the workers replaying it do not know. A run of
// an older revision moves to this one at its next idle moment (a continue-as-new), so that the branches of
// older revisions can be deleted one release after they stopped being the current one. Revisions:
//
//	1: a bot message's send also updates the conversation's Redis mirror (no local activity after it).
//	2: on the model path, the reply activity sends the knowledge base's answer itself when the rules allow.
//	3: the bot's messages in a bot turn go out from the workflow task that decided them (a local activity).
//	4: one speaker for every bot message, which a takeover stops and waits for; messages that arrive during
//	   a bot turn answered together in the next one, within BOT_TURNS_PER_MINUTE; notices to agents
//	   coalesced and carried over by continue-as-new; what a cancelled run had not handled carried to a
//	   fresh run.
const Revision = revisionOneSpeaker

const (
	revisionMirrorOnSend = 1
	revisionSpeakInReply = 2
	revisionLocalBotSend = 3
	revisionOneSpeaker   = 4
)

// versionRevision is the change id of the version marker in which a run records its revision.
const versionRevision = "revision"

// TakeoverRequest asks to hand the conversation to an agent.
type TakeoverRequest struct {
	Agent string `json:"agent"`
	// AgentID identifies the agent in Slack (user id); empty for the console and API.
	AgentID string `json:"agent_id,omitempty"`
}

// TakeoverResult says who holds the conversation after a takeover.
type TakeoverResult struct {
	Assignee string `json:"assignee"`
	// AlreadyAssigned is true when another agent held it: nothing changed.
	AlreadyAssigned bool                `json:"already_assigned"`
	Status          conversation.Status `json:"status"`
}

// ReplyRequest is an agent's reply to the customer.
type ReplyRequest struct {
	Agent   string              `json:"agent"`
	AgentID string              `json:"agent_id,omitempty"`
	Text    string              `json:"text"`
	Source  conversation.Source `json:"source,omitempty"`
	// ThreadTS is the Slack thread the reply was written in.
	ThreadTS string `json:"thread_ts,omitempty"`
}

// ReplyResult carries the WhatsApp id of the sent reply.
type ReplyResult struct {
	MessageID string `json:"message_id"`
}

// AgentRequest is an agent's return-to-bot or keep decision, or their activity on a handoff.
type AgentRequest struct {
	Agent   string `json:"agent"`
	AgentID string `json:"agent_id,omitempty"`
	// Note is what the agent leaves for the bot with a return to the bot, or the text of an internal note
	// (agent activity), which a later return without a note of its own leaves for the bot.
	Note string `json:"note,omitempty"`
}
