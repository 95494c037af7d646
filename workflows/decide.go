package workflows

import (
	"fmt"
	"strings"
	"time"

	"github.com/supportd/supportd/workflows/conversation"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/handoff"
)

// decision is the rules' decision on a message (conversation.DecideText, DecideAnswer) and what became of it
// on the model path: spoken is true when the reply activity already sent its text (speak.go); tag is the send
// tag under which it tried and failed, for the workflow's own send.
type decision struct {
	conversation.Decision
	spoken bool
	tag    string
}

func decided(action conversation.Action, reason handoff.Reason, text string) decision {
	return decision{Decision: conversation.Decision{Action: action, Reason: reason, Text: text}}
}

// kind names a bot message for metrics: a knowledge-base answer or another prepared text.
func (d decision) kind() string {
	if d.Answered {
		return activities.SendAnswer
	}
	return activities.SendSay
}

// decideButton decides on a reply-button tap or a non-text message, before any classification. ok is false
// when the message is to be classified as text.
func decideButton(s *conversation.State, m conversation.Message) (decision, bool) {
	switch m.Kind {
	case conversation.KindButton:
		switch m.ButtonID {
		case ButtonHandoffYes:
			return decided(conversation.ActHandoff, conversation.OfferReason(s.Offer), ""), true
		case ButtonHandoffNo:
			return decided(conversation.ActSay, "", conversation.TextDeclined), true
		}
		return decision{}, false
	case conversation.KindText:
		return decision{}, false
	case conversation.KindReaction, conversation.KindSystem:
		return decided(conversation.ActNothing, "", ""), true
	}
	return decided(conversation.ActSay, "", nonTextReply(m)), true
}

// The words of an offer of a person. WhatsApp allows at most three reply buttons of at most 20 characters.
const (
	titleYes = "Yes, a person"
	titleNo  = "No, thanks"
)

// offerButtons are the reply buttons of an offer of a person.
var offerButtons = []conversation.Button{{ID: ButtonHandoffYes, Title: titleYes}, {ID: ButtonHandoffNo, Title: titleNo}}

func nonTextReply(m conversation.Message) string {
	switch m.Kind {
	case conversation.KindVoice:
		return "Sorry, I can't listen to voice notes. Please type your question, or type *agent* to chat to a person."
	case conversation.KindLocation:
		return "Thanks for sharing your location. I can only answer typed questions: what can I help you with? Type *agent* to chat to a person."
	case conversation.KindContacts:
		return "Thanks for the contact card. What can I help you with? Type *agent* to chat to a person."
	case conversation.KindMedia:
		return "Thanks for the attachment. I can only read text, so please type your question, or type *agent* and a person will look at it."
	}
	return "Sorry, I can't read that kind of message. Please type your question, or type *agent* to chat to a person."
}

// handoffNotice is what the customer is told, once, when a person takes over.
func handoffNotice(reason handoff.Reason, name, outOfHours string) string {
	var b strings.Builder
	switch reason {
	case handoff.ReasonAngry:
		b.WriteString("I'm sorry about this. I'm passing you to a person on our team, who will reply here.")
	case handoff.ReasonRefund:
		b.WriteString("I've passed your refund request to a person on our team, who will reply here.")
	case handoff.ReasonComplaint:
		b.WriteString("I'm sorry to hear that. I've passed this to a person on our team, who will reply here.")
	case handoff.ReasonRepeatedQuestion:
		b.WriteString("Let me get a person on our team to help you. They'll reply here.")
	case handoff.ReasonAgentTakeover:
		b.WriteString("A person from our team is joining this chat now.")
	case handoff.ReasonAIUnavailable:
		b.WriteString("Sorry, I can't answer right now. I've asked a person on our team to reply here.")
	case handoff.ReasonCSATBad:
		b.WriteString("I'm sorry we didn't get it right. I've asked a person on our team to look at this again; they'll reply here.")
	default:
		b.WriteString("Sure, I'm passing you to a person on our team, who will reply here.")
	}
	if outOfHours != "" {
		b.WriteString(" ")
		b.WriteString(outOfHours)
	} else if reason != handoff.ReasonAgentTakeover {
		b.WriteString(" You don't need to repeat anything: they can see our chat.")
	}
	return b.String()
}

// outOfHoursNote says when a person will answer, for the customer and the agents' card.
func outOfHoursNote(s conversation.Settings) string {
	if s.InSupportHours || s.NextOpening.IsZero() {
		return ""
	}
	return fmt.Sprintf("Our team is away right now; a person will reply from %s.", formatOpening(s.NextOpening))
}

func formatOpening(t time.Time) string { return t.Format("Monday 15:04") }

func returnedNotice(business string) string {
	who := "our assistant"
	if business != "" {
		who = "the " + business + " assistant"
	}
	return fmt.Sprintf("You're chatting with %s again. Ask me anything, or type *agent* to chat to a person.", who)
}
