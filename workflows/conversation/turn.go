package conversation

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/supportd/supportd/handoff"
)

// The rules of a bot turn: what the bot does with a customer's text once the AI engine has read it. The
// workflow decides with them; the reply activity, allowed to send the knowledge base's answer itself, asks
// MaySay, which is the same rules: there is one copy of "may the bot send this answer".

// Analysis is the classifier's verdict plus what the customer's words mean as an answer to an offer of a person.
type Analysis struct {
	Classification
	Affirmative bool `json:"affirmative,omitempty"`
	Negative    bool `json:"negative,omitempty"`
}

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
	// Answered is true when Text is an answer from the knowledge base.
	Answered bool
}

// Offer is an open offer of a person, made with the handoff_yes / handoff_no buttons.
type Offer struct {
	Pending bool           `json:"pending,omitempty"`
	Reason  handoff.Reason `json:"reason,omitempty"`
}

// TurnContext is what the rules of a bot turn read of the conversation: an open offer of a person, the
// customer's recent questions, who they are and what the business answers.
type TurnContext struct {
	Offer    Offer    `json:"offer"`
	Repeat   Repeat   `json:"repeat"`
	Name     string   `json:"name,omitempty"`
	Business string   `json:"business,omitempty"`
	Topics   []string `json:"topics,omitempty"`
}

// DecideText decides on a classified text message asked at at. It returns the question streak after the
// message; it changes nothing itself.
func DecideText(tc TurnContext, an Analysis, at time.Time) (Decision, Repeat) {
	if tc.Offer.Pending {
		if an.Affirmative {
			return Decision{Action: ActHandoff, Reason: OfferReason(tc.Offer)}, tc.Repeat
		}
		if an.Negative {
			return Decision{Action: ActSay, Text: TextDeclined}, tc.Repeat
		}
	}
	if ok, reason := HandoffPolicy(an.Classification); ok {
		return Decision{Action: ActHandoff, Reason: reason}, tc.Repeat
	}
	repeat, again := tc.Repeat.Observe(an.Topic, at)
	if again {
		return Decision{Action: ActOffer, Reason: handoff.ReasonRepeatedQuestion, Text: textOfferRepeated}, repeat
	}
	switch an.Intent {
	case IntentGreeting:
		return Decision{Action: ActSay, Text: Greeting(tc.Name, tc.Business, tc.Topics)}, repeat
	case IntentThanks:
		return Decision{Action: ActSay, Text: textWelcome}, repeat
	}
	return Decision{Action: ActAnswer}, repeat
}

// DecideAnswer turns the knowledge base's answer into what to say: the answer when it is grounded, else an
// offer of a person (the bot never guesses).
func DecideAnswer(an Analysis, ans Answer) Decision {
	if !ans.Grounded || ans.Text == "" {
		text := textOfferUnknown
		if an.Intent == IntentOrderStatus {
			text = textOfferNoOrder
		}
		return Decision{Action: ActOffer, Reason: handoff.ReasonHumanRequested, Text: text}
	}
	return Decision{Action: ActSay, Text: ans.Text, Answered: true}
}

// MaySay reports whether the rules have the bot say the knowledge base's answer ans to a message read as an,
// asked at at: the reply activity may then send it itself.
func MaySay(tc TurnContext, an Analysis, ans Answer, at time.Time) bool {
	if d, _ := DecideText(tc, an, at); d.Action != ActAnswer {
		return false
	}
	return DecideAnswer(an, ans).Answered
}

// OfferReason is the reason of a handoff the customer accepted when offered a person.
func OfferReason(o Offer) handoff.Reason {
	if o.Reason != "" {
		return o.Reason
	}
	return handoff.ReasonHumanRequested
}

// The bot's words in a bot turn. Kept together so that tone stays consistent.
const (
	TextDeclined      = "No problem. Ask me anything else, or type *agent* any time to chat to a person."
	textWelcome       = "You're welcome! Anything else I can help with?"
	textOfferRepeated = "It looks like my answers aren't helping with this. Would you like to chat to a person?"
	textOfferUnknown  = "I'm sorry, I don't have an answer to that. Would you like to chat to a person?"
	textOfferNoOrder  = "I can't look up orders myself. Would you like a person on our team to check it for you?"
)

// Greeting introduces the bot with the topics of the business's knowledge base.
func Greeting(name, business string, topics []string) string {
	hi := "Hi"
	if first := FirstName(name); first != "" {
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

// FirstName is the first word of a WhatsApp profile name.
func FirstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// Bounds of repeated-question detection.
const (
	// repeatWindow is how far back a question counts: the same question asked once a month is no loop.
	repeatWindow = 24 * time.Hour
	// repeatTimes is how often a question is asked within the window before a person is offered.
	repeatTimes = 3
	// maxAsked bounds the questions remembered.
	maxAsked = 20
)

// Repeat tracks the customer's recent questions to notice the same question asked again: a third time within a
// day, or again right after the bot answered it.
type Repeat struct {
	Asked        []Ask `json:"asked,omitempty"`
	LastAnswered bool  `json:"last_answered,omitempty"`
	// Offered is the topic a person was already offered for in the current streak.
	Offered string `json:"offered,omitempty"`
}

// Ask is one question the customer asked, by topic.
type Ask struct {
	Topic string    `json:"topic"`
	At    time.Time `json:"at"`
}

// Observe returns the streak after a question on topic asked at at, and whether the customer should now be
// offered a person. The offer is made once per streak: a run of the same question. Observe does not change r.
func (r Repeat) Observe(topic string, at time.Time) (Repeat, bool) {
	if topic == "" {
		return r, false
	}
	var next Repeat
	count := 1
	for _, a := range r.Asked {
		if at.Sub(a.At) > repeatWindow {
			continue
		}
		next.Asked = append(next.Asked, a)
		if a.Topic == topic {
			count++
		}
	}
	last := r.last()
	recent := last.Topic != "" && at.Sub(last.At) <= repeatWindow
	again := recent && last.Topic == topic && r.LastAnswered
	next.Offered = r.Offered
	if !recent || last.Topic != topic {
		next.Offered = ""
	}
	next.Asked = append(next.Asked, Ask{Topic: topic, At: at})
	if len(next.Asked) > maxAsked {
		next.Asked = next.Asked[len(next.Asked)-maxAsked:]
	}
	if (again || count >= repeatTimes) && next.Offered != topic {
		next.Offered = topic
		return next, true
	}
	return next, false
}

// Triggers returns the topics on which a question asked at at would make Observe offer a person. A topic
// never asked cannot: Observe counts it once, and it is not the last question.
func (r Repeat) Triggers(at time.Time) []string {
	var out []string
	for i, a := range r.Asked {
		if slices.ContainsFunc(r.Asked[:i], func(b Ask) bool { return b.Topic == a.Topic }) {
			continue
		}
		if _, again := r.Observe(a.Topic, at); again {
			out = append(out, a.Topic)
		}
	}
	return out
}

// Answered returns the streak after the bot answered the last question.
func (r Repeat) Answered() Repeat {
	r.LastAnswered = true
	return r
}

func (r Repeat) last() Ask {
	if len(r.Asked) == 0 {
		return Ask{}
	}
	return r.Asked[len(r.Asked)-1]
}
