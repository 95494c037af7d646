package conversation

import "github.com/supportd/supportd/handoff"

// The classifier's vocabulary (docs/CONTRACT.md): what a customer's message is, as the AI engine reads it and
// the conversation's rules decide on it, and the default handoff policy. The engines (packages llm and nlp)
// speak it too.

// Intent is what the customer wants (docs/CONTRACT.md vocabulary).
type Intent string

// The intents of the classifier vocabulary.
const (
	IntentGreeting       Intent = "greeting"
	IntentFAQ            Intent = "faq"
	IntentOrderStatus    Intent = "order_status"
	IntentRefundRequest  Intent = "refund_request"
	IntentHumanRequested Intent = "human_requested"
	IntentComplaint      Intent = "complaint"
	IntentThanks         Intent = "thanks"
	IntentOther          Intent = "other"
)

// Intents lists every intent, in contract order.
var Intents = []Intent{IntentGreeting, IntentFAQ, IntentOrderStatus, IntentRefundRequest,
	IntentHumanRequested, IntentComplaint, IntentThanks, IntentOther}

// Sentiment is how the customer feels.
type Sentiment string

// The sentiments of the classifier vocabulary.
const (
	SentimentPositive Sentiment = "positive"
	SentimentNeutral  Sentiment = "neutral"
	SentimentNegative Sentiment = "negative"
	SentimentAngry    Sentiment = "angry"
)

// Sentiments lists every sentiment, in contract order.
var Sentiments = []Sentiment{SentimentPositive, SentimentNeutral, SentimentNegative, SentimentAngry}

// Valid reports whether i is in the vocabulary.
func (i Intent) Valid() bool {
	for _, v := range Intents {
		if v == i {
			return true
		}
	}
	return false
}

// Valid reports whether s is in the vocabulary.
func (s Sentiment) Valid() bool {
	for _, v := range Sentiments {
		if v == s {
			return true
		}
	}
	return false
}

// Turn is one earlier question the customer asked, with the topic it was classified under, or (Role
// RoleHandBack) what a person left for the bot when handing the conversation back.
type Turn struct {
	Topic string `json:"topic"`
	Text  string `json:"text"`
	// Role is empty for the customer's question; RoleHandBack for a person's hand-back note and summary.
	Role string `json:"role,omitempty"`
	// Settled marks a question a person dealt with before handing the conversation back: context only, never
	// a request still open (an old "I want a person" must not hand off again).
	Settled bool `json:"settled,omitempty"`
}

// RoleHandBack is the Role of the turn a person leaves when returning a conversation to the bot.
const RoleHandBack = "hand_back"

// Classification is the engine's verdict on one customer message.
type Classification struct {
	Intent    Intent    `json:"intent"`
	Sentiment Sentiment `json:"sentiment"`
	// KBAnswers is true when the knowledge base answers the question.
	KBAnswers bool `json:"kb_answers"`
	// FAQID is the knowledge-base entry that answers it, empty when none does.
	FAQID string `json:"faq_id,omitempty"`
	// Topic names the question, so that the same question in other words gets the same topic:
	// "faq:<id>" for a knowledge-base question, otherwise a key derived from the words, or the topic of
	// the recent turn it repeats.
	Topic string `json:"topic,omitempty"`
	// Engine names the engine that produced the verdict ("local" or "llm").
	Engine string `json:"engine,omitempty"`
}

// Answer is the engine's reply. When Grounded is false the knowledge base does not answer the question
// and Text is empty: the caller must not guess.
type Answer struct {
	Text     string `json:"text"`
	Grounded bool   `json:"grounded"`
	FAQID    string `json:"faq_id,omitempty"`
}

// HandoffPolicy is the default handoff policy of docs/CONTRACT.md: an angry customer, a refund request, a request for a
// person or a complaint goes to a person. Anger outranks the intent, so an angry refund request reads "angry".
func HandoffPolicy(c Classification) (bool, handoff.Reason) {
	if c.Sentiment == SentimentAngry {
		return true, handoff.ReasonAngry
	}
	switch c.Intent {
	case IntentRefundRequest:
		return true, handoff.ReasonRefund
	case IntentHumanRequested:
		return true, handoff.ReasonHumanRequested
	case IntentComplaint:
		return true, handoff.ReasonComplaint
	}
	return false, handoff.ReasonNone
}
