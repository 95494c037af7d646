package nlp

import "github.com/supportd/supportd/workflows/conversation"

// Thresholds of the learned layer's decision, chosen on the tuning part of the phenomena set and checked
// against the development set and the older labelled sets, which must not regress; never on the held-aside
// part (NLP_TUNE=1 go test ./nlp/ -run TestTuneThresholds -v prints a grid).
var (
	// intentMargin is how much more likely the model must find its intent than the rules' one to replace
	// it: the rules are kept where the model is unsure.
	intentMargin = 0.25
	// sentimentMargin is the same for sentiment when the rules read a message as neutral, and overruleMargin
	// when they read it as positive or negative, readings the model must be much surer to overturn.
	sentimentMargin = 0.25
	overruleMargin  = 0.5
	// angryAt is the probability of anger from which a customer counts as angry whatever the rules say. It
	// sits below one half because a missed angry customer costs more than an offer of a person to a calm one.
	angryAt = 0.35
	// calmAt is the probability of anger below which the model overrules the rules' anger; zero keeps
	// every anger the rules see (a threat, an insult, "unacceptable").
	calmAt = 0.0
	// personAt is the combined probability of the intents a person handles (refund, a person, a
	// complaint) from which a message the model would otherwise answer goes to a person.
	personAt = 0.6
)

// decide replaces the rules' intent and sentiment with the learned layer's where the model is clearly
// surer, keeping the rules where they are precise: an explicit request for a person stands.
func (e *Engine) decide(a *analysis, rv ruleView) {
	pi, ps := e.model.scores(e.features(a, rv))
	intent := rv.intent
	if best := argmax(pi[:]); pi[best]-pi[intentIndex(rv.intent)] >= intentMargin {
		intent = conversation.Intents[best]
	}
	person := pi[intentIndex(conversation.IntentRefundRequest)] + pi[intentIndex(conversation.IntentHumanRequested)] +
		pi[intentIndex(conversation.IntentComplaint)]
	if !handsOff(intent) && person >= personAt {
		// Between an answer and a person, lean to the person.
		best := conversation.IntentComplaint
		for _, i := range []conversation.Intent{conversation.IntentRefundRequest, conversation.IntentHumanRequested} {
			if pi[intentIndex(i)] > pi[intentIndex(best)] {
				best = i
			}
		}
		intent = best
	}
	if intent == conversation.IntentHumanRequested && !rv.human && !mentionsPerson(a.msg) {
		// A request for a person names a person, a role or a team: "Can you email me the quote?" asks for
		// no one.
		intent = rv.intent
	}
	if rv.human {
		intent = conversation.IntentHumanRequested
	}

	// The rules' negative and angry readings stand: a grievance they see is one. Their neutral and
	// positive readings give way to a clearly surer model.
	sentiment := rv.feeling.sentiment
	margin := overruleMargin
	if sentiment == conversation.SentimentNeutral {
		margin = sentimentMargin
	}
	if best := argmax(ps[:]); sentiment != conversation.SentimentNegative && sentiment != conversation.SentimentAngry && ps[best]-ps[sentimentIndex(sentiment)] >= margin {
		sentiment = conversation.Sentiments[best]
	}
	angry := ps[sentimentIndex(conversation.SentimentAngry)]
	switch {
	case angry >= angryAt && grievance(a, rv):
		// Anger shows in the text too (a grievance, "??", capitals, sarcasm, asking again): topic words
		// alone ("hoe laat maak julle oop") are not anger.
		sentiment = conversation.SentimentAngry
	case sentiment == conversation.SentimentAngry && angry < calmAt:
		var best int
		for i, p := range ps {
			if conversation.Sentiments[i] != conversation.SentimentAngry && p > ps[best] || conversation.Sentiments[best] == conversation.SentimentAngry {
				best = i
			}
		}
		sentiment = conversation.Sentiments[best]
	}
	if intent == conversation.IntentFAQ && !a.hit.ok && sentiment != conversation.SentimentAngry {
		// Only the knowledge base answers questions: what it does not cover is the rules' call. An angry
		// customer's question stays one: a person answers it.
		intent = rv.intent
	}
	a.intent = intent
	a.feeling.sentiment = sentiment
}

// grievance reports evidence in the text of something wrong: the rules' complaint findings, anger points or
// a negative reading, "!!", "??", capitals, an angry emoji, or a cue of sarcasm, incredulity, asking again
// or paying for nothing.
func grievance(a *analysis, rv ruleView) bool {
	c := rv.complaint
	m := a.msg
	if c.fault || c.delay || c.infoMissing || rv.feeling.anger > 0 || rv.feeling.sentiment == conversation.SentimentNegative ||
		rv.feeling.sentiment == conversation.SentimentAngry || m.maxExclaim >= 2 || m.maxQuestion >= 2 || m.mixedMarks ||
		shouting(m.tokens) {
		return true
	}
	if _, ok := m.hasEmoji(angryEmoji); ok {
		return true
	}
	if _, ok := m.hasEmoji(negativeEmoji); ok {
		return true
	}
	for _, cue := range readCues(m) {
		switch cue {
		case "sarcasm_delay", "money_incredulity", "money_lacking", "paid_nothing", "incredulity", "repeat",
			"no_answer", "eyeroll", "nothing", "ellipsis", "quotes":
			return true
		}
	}
	return false
}

// mentionsPerson reports a message that names a person, a role or a team: a name, "the lady who", "the
// manager", "someone", "customer service".
func mentionsPerson(m *message) bool {
	for i, t := range m.tokens {
		if t.concept == conceptPerson || wordClassSet("person")[t.norm] || wordClassSet("speak")[t.norm] ||
			cuePersonRole[t.norm] || cueTitles[t.norm] {
			return true
		}
		// "Who can help me?"
		if t.norm == "who" && i+1 < len(m.tokens) && questionWords[m.tokens[i+1].norm] {
			return true
		}
	}
	for _, c := range readCues(m) {
		switch c {
		case "named_person", "person_who", "in_charge":
			return true
		}
	}
	return false
}

// handsOff reports the intents the default policy hands to a person.
func handsOff(i conversation.Intent) bool {
	return i == conversation.IntentRefundRequest || i == conversation.IntentHumanRequested || i == conversation.IntentComplaint
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
