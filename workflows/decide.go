package workflows

import (
	"fmt"
	"github.com/supportd/supportd/workflows/conversation"
	"strings"
	"time"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/handoff"
)

// Action is what the bot does with one customer message while it holds the conversation.
type Action int

// The bot's possible actions.
const (
	// ActNothing: nothing to say (a reaction, a system notice).
	ActNothing Action = iota
	// ActHandoff: hand the conversation to a person.
	ActHandoff
	// ActSay: send a prepared text.
	ActSay
	// ActOffer: offer a person with the handoff_yes / handoff_no buttons.
	ActOffer
	// ActAnswer: answer from the knowledge base.
	ActAnswer
)

// Decision is the bot's decision on one message.
type Decision struct {
	Action Action
	Reason handoff.Reason
	Text   string
	// answered is true when Text is an answer from the knowledge base.
	answered bool
	// spoken is true when the reply activity already sent Text (speak.go); tag is the send tag under which
	// it tried and failed, for the workflow's own send.
	spoken bool
	tag    string
}

// Kind names a bot message for metrics: a knowledge-base answer or another prepared text.
func (d Decision) Kind() string {
	if d.answered {
		return activities.SendAnswer
	}
	return activities.SendSay
}

// decideButton decides on a reply-button tap or a non-text message, before any classification. ok is false
// when the message is to be classified as text.
func decideButton(s *State, m CustomerMessage) (Decision, bool) {
	switch m.Kind {
	case KindButton:
		switch m.ButtonID {
		case ButtonHandoffYes:
			return Decision{Action: ActHandoff, Reason: offerReason(s.Offer)}, true
		case ButtonHandoffNo:
			return Decision{Action: ActSay, Text: textDeclined}, true
		}
		return Decision{}, false
	case KindText:
		return Decision{}, false
	case KindReaction, KindSystem:
		return Decision{Action: ActNothing}, true
	}
	return Decision{Action: ActSay, Text: nonTextReply(m)}, true
}

// decideText decides on a classified text message asked at at. It returns the question streak after the
// message; it changes nothing itself.
func decideText(s *State, an activities.Analysis, at time.Time) (Decision, Repeat) {
	if s.Offer.Pending {
		if an.Affirmative {
			return Decision{Action: ActHandoff, Reason: offerReason(s.Offer)}, s.Repeat
		}
		if an.Negative {
			return Decision{Action: ActSay, Text: textDeclined}, s.Repeat
		}
	}
	if ok, reason := ai.HandoffPolicy(an.Classification); ok {
		return Decision{Action: ActHandoff, Reason: reason}, s.Repeat
	}
	repeat, again := s.Repeat.Observe(an.Topic, at)
	if again {
		return Decision{Action: ActOffer, Reason: handoff.ReasonRepeatedQuestion, Text: textOfferRepeated}, repeat
	}
	switch an.Intent {
	case ai.IntentGreeting:
		return Decision{Action: ActSay, Text: greeting(s.Name, s.Settings.BusinessName, s.Settings.Topics)}, repeat
	case ai.IntentThanks:
		return Decision{Action: ActSay, Text: textWelcome}, repeat
	}
	return Decision{Action: ActAnswer}, repeat
}

// decideAnswer turns the knowledge base's answer into what to say: the answer when it is grounded, else an
// offer of a person (the bot never guesses).
func decideAnswer(an activities.Analysis, ans ai.Answer) Decision {
	if !ans.Grounded {
		text := textOfferUnknown
		if an.Intent == ai.IntentOrderStatus {
			text = textOfferNoOrder
		}
		return Decision{Action: ActOffer, Reason: handoff.ReasonHumanRequested, Text: text}
	}
	return Decision{Action: ActSay, Text: ans.Text, answered: true}
}

func offerReason(o Offer) handoff.Reason {
	if o.Reason != "" {
		return o.Reason
	}
	return handoff.ReasonHumanRequested
}

// The bot's words. Kept together so that tone stays consistent.
const (
	textDeclined      = "No problem. Ask me anything else, or type *agent* any time to chat to a person."
	textWelcome       = "You're welcome! Anything else I can help with?"
	textOfferRepeated = "It looks like my answers aren't helping with this. Would you like to chat to a person?"
	textOfferUnknown  = "I'm sorry, I don't have an answer to that. Would you like to chat to a person?"
	textOfferNoOrder  = "I can't look up orders myself. Would you like a person on our team to check it for you?"
	titleYes          = "Yes, a person"
	titleNo           = "No, thanks"
)

// offerButtons are the reply buttons of an offer of a person.
var offerButtons = []conversation.Button{{ID: ButtonHandoffYes, Title: titleYes}, {ID: ButtonHandoffNo, Title: titleNo}}

// greeting introduces the bot with the topics of the business's knowledge base.
func greeting(name, business string, topics []string) string {
	hi := "Hi"
	if first := firstName(name); first != "" {
		hi += " " + first
	}
	who := "the assistant"
	if business != "" {
		who = "the " + business + " assistant"
	}
	ask := "Ask me a question"
	if len(topics) > 0 {
		ask = "Ask me about " + listOf(topics)
	}
	return fmt.Sprintf("%s! I'm %s. %s, or type *agent* to chat to a person.", hi, who, ask)
}

// listOf joins items as a sentence does: "a, b or c".
func listOf(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func nonTextReply(m CustomerMessage) string {
	switch m.Kind {
	case KindVoice:
		return "Sorry, I can't listen to voice notes. Please type your question, or type *agent* to chat to a person."
	case KindLocation:
		return "Thanks for sharing your location. I can only answer typed questions: what can I help you with? Type *agent* to chat to a person."
	case KindContacts:
		return "Thanks for the contact card. What can I help you with? Type *agent* to chat to a person."
	case KindMedia:
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
func outOfHoursNote(s activities.RuntimeSettings) string {
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

func firstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
