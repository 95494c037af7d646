// Package handoff names why the bot stepped aside for a person (the policy that decides it is conversation.HandoffPolicy).
package handoff

import "time"

// DefaultIdleTimeout is how long agents may stay silent during a handoff before an agent is asked to confirm
// a return to the bot (HANDOFF_IDLE_TIMEOUT, docs/CONTRACT.md).
const DefaultIdleTimeout = 30 * time.Minute

// Reason says why a conversation went to a person. It drives the customer notice, the agent card and metrics.
type Reason string

// The reasons a conversation is handed to a person.
const (
	ReasonNone             Reason = ""
	ReasonAngry            Reason = "angry"
	ReasonRefund           Reason = "refund_request"
	ReasonHumanRequested   Reason = "human_requested"
	ReasonComplaint        Reason = "complaint"
	ReasonRepeatedQuestion Reason = "repeated_question"
	ReasonAgentTakeover    Reason = "agent_takeover"
	ReasonAIUnavailable    Reason = "ai_unavailable"
	// ReasonBusinessAppReply: someone replied from the WhatsApp Business app on the same number.
	ReasonBusinessAppReply Reason = "business_app_reply"
	// ReasonCSATBad: the customer rated the help "Not good" (csat_bad) after a person handed the conversation
	// back to the bot.
	ReasonCSATBad Reason = "csat_bad"
)

// Label is the reason in words for an agent.
func (r Reason) Label() string {
	switch r {
	case ReasonAngry:
		return "Angry customer"
	case ReasonRefund:
		return "Refund request"
	case ReasonHumanRequested:
		return "Asked for a person"
	case ReasonComplaint:
		return "Complaint (damaged, missing or wrong item, poor service)"
	case ReasonRepeatedQuestion:
		return "Repeated question: the bot's answers did not help"
	case ReasonAgentTakeover:
		return "Taken over by an agent"
	case ReasonBusinessAppReply:
		return "Replied from the WhatsApp Business app"
	case ReasonAIUnavailable:
		return "The AI could not answer (engine unavailable)"
	case ReasonCSATBad:
		return "Rated the help Not good after a hand-back"
	case ReasonNone:
		return ""
	}
	return string(r)
}
