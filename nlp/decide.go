package nlp

import (
	"github.com/supportd/supportd/ai"
)

// Thresholds of the learned layer's decision, chosen on the tuning part of the phenomena set only (and
// checked against the development set, which must not regress).
var (
	// intentMargin is how much more likely the model must find its intent than the rules' one to replace
	// it: the rules are kept where the model is unsure.
	intentMargin = 0.25
	// sentimentMargin is the same for sentiment when the rules read a message as neutral, and overruleMargin
	// when they read it as positive or negative, readings the model must be much surer to overturn.
	sentimentMargin = 0.25
	overruleMargin  = 0.5
	// faqWithoutHit is the probability from which the model's faq stands when retrieval found a related
	// FAQ but not one that answers: the customer asked a question of the shop, which the answer step will
	// say it cannot answer and offer a person for.
	faqWithoutHit = 0.9
	// angryAt is the probability of anger from which a customer counts as angry whatever the rules say. It
	// sits below one half because a missed angry customer costs more than an offer of a person to a calm one.
	angryAt = 0.35
	// calmAt is the probability of anger below which the model overrules the rules' anger.
	calmAt = 0.05
	// personAt is the combined probability of the intents a person handles (refund, a person, a
	// complaint) from which a message the model would otherwise answer goes to a person.
	personAt = 0.45
)

// decide replaces the rules' intent and sentiment with the learned layer's where the model is clearly
// surer, keeping the rules where they are precise: an explicit request for a person stands.
func (e *Engine) decide(a *analysis, rv ruleView) {
	pi, ps := e.model.scores(e.features(a, rv))
	intent := rv.intent
	if best := argmax(pi[:]); pi[best]-pi[intentIndex(rv.intent)] >= intentMargin {
		intent = ai.Intents[best]
	}
	person := pi[intentIndex(ai.IntentRefundRequest)] + pi[intentIndex(ai.IntentHumanRequested)] +
		pi[intentIndex(ai.IntentComplaint)]
	if !handsOff(intent) && person >= personAt {
		// Between an answer and a person, lean to the person.
		best := ai.IntentComplaint
		for _, i := range []ai.Intent{ai.IntentRefundRequest, ai.IntentHumanRequested} {
			if pi[intentIndex(i)] > pi[intentIndex(best)] {
				best = i
			}
		}
		intent = best
	}
	if rv.human {
		intent = ai.IntentHumanRequested
	}
	if intent == ai.IntentFAQ && !a.hit.ok && (a.hit.doc == nil || pi[intentIndex(ai.IntentFAQ)] < faqWithoutHit) {
		// Only the knowledge base answers questions: what it does not cover is the rules' call.
		intent = rv.intent
	}

	// The rules' negative reading stands (short of anger): a grievance they see is one. Their neutral and
	// positive readings give way to a clearly surer model.
	sentiment := rv.feeling.sentiment
	margin := overruleMargin
	if sentiment == ai.SentimentNeutral {
		margin = sentimentMargin
	}
	if best := argmax(ps[:]); sentiment != ai.SentimentNegative && ps[best]-ps[sentimentIndex(sentiment)] >= margin {
		sentiment = ai.Sentiments[best]
	}
	angry := ps[sentimentIndex(ai.SentimentAngry)]
	switch {
	case angry >= angryAt:
		sentiment = ai.SentimentAngry
	case sentiment == ai.SentimentAngry && angry < calmAt:
		var best int
		for i, p := range ps {
			if ai.Sentiments[i] != ai.SentimentAngry && p > ps[best] || ai.Sentiments[best] == ai.SentimentAngry {
				best = i
			}
		}
		sentiment = ai.Sentiments[best]
	}
	a.intent = intent
	a.feeling.sentiment = sentiment
}

// handsOff reports the intents the default policy hands to a person.
func handsOff(i ai.Intent) bool {
	return i == ai.IntentRefundRequest || i == ai.IntentHumanRequested || i == ai.IntentComplaint
}

func argmax(p []float64) int {
	best := 0
	for i, x := range p {
		if x > p[best] {
			best = i
		}
	}
	return best
}
