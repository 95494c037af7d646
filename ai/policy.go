package ai

import "github.com/supportd/supportd/handoff"

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
