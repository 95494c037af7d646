package handoff

import (
	"testing"

	"github.com/supportd/supportd/ai"
)

func TestPolicy(t *testing.T) {
	tests := []struct {
		intent    ai.Intent
		sentiment ai.Sentiment
		want      bool
		reason    Reason
	}{
		{ai.IntentFAQ, ai.SentimentNeutral, false, ReasonNone},
		{ai.IntentFAQ, ai.SentimentNegative, false, ReasonNone},
		{ai.IntentFAQ, ai.SentimentAngry, true, ReasonAngry},
		{ai.IntentRefundRequest, ai.SentimentNeutral, true, ReasonRefund},
		{ai.IntentRefundRequest, ai.SentimentAngry, true, ReasonAngry},
		{ai.IntentHumanRequested, ai.SentimentNeutral, true, ReasonHumanRequested},
		{ai.IntentComplaint, ai.SentimentNegative, true, ReasonComplaint},
		{ai.IntentOrderStatus, ai.SentimentNegative, false, ReasonNone},
		{ai.IntentOrderStatus, ai.SentimentAngry, true, ReasonAngry},
		{ai.IntentGreeting, ai.SentimentPositive, false, ReasonNone},
		{ai.IntentThanks, ai.SentimentPositive, false, ReasonNone},
		{ai.IntentOther, ai.SentimentNeutral, false, ReasonNone},
	}
	for _, tc := range tests {
		got, reason := Policy(ai.Classification{Intent: tc.intent, Sentiment: tc.sentiment})
		if got != tc.want || reason != tc.reason {
			t.Errorf("Policy(%s, %s) = %v, %q; want %v, %q", tc.intent, tc.sentiment, got, reason, tc.want, tc.reason)
		}
	}
}
