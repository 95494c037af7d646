package conversation

import (
	"testing"

	"github.com/supportd/supportd/handoff"
)

func TestPolicy(t *testing.T) {
	tests := []struct {
		intent    Intent
		sentiment Sentiment
		want      bool
		reason    handoff.Reason
	}{
		{IntentFAQ, SentimentNeutral, false, handoff.ReasonNone},
		{IntentFAQ, SentimentNegative, false, handoff.ReasonNone},
		{IntentFAQ, SentimentAngry, true, handoff.ReasonAngry},
		{IntentRefundRequest, SentimentNeutral, true, handoff.ReasonRefund},
		{IntentRefundRequest, SentimentAngry, true, handoff.ReasonAngry},
		{IntentHumanRequested, SentimentNeutral, true, handoff.ReasonHumanRequested},
		{IntentComplaint, SentimentNegative, true, handoff.ReasonComplaint},
		{IntentOrderStatus, SentimentNegative, false, handoff.ReasonNone},
		{IntentOrderStatus, SentimentAngry, true, handoff.ReasonAngry},
		{IntentGreeting, SentimentPositive, false, handoff.ReasonNone},
		{IntentThanks, SentimentPositive, false, handoff.ReasonNone},
		{IntentOther, SentimentNeutral, false, handoff.ReasonNone},
	}
	for _, tc := range tests {
		got, reason := HandoffPolicy(Classification{Intent: tc.intent, Sentiment: tc.sentiment})
		if got != tc.want || reason != tc.reason {
			t.Errorf("HandoffPolicy(%s, %s) = %v, %q; want %v, %q", tc.intent, tc.sentiment, got, reason, tc.want, tc.reason)
		}
	}
}
