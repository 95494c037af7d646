package nlp

import (
	"strings"

	"github.com/jonreiter/govader"
	"github.com/supportd/supportd/workflows/conversation"
)

// Sentiment combines VADER's polarity with cues VADER cannot see in South African WhatsApp messages:
// local slang and swearing, Afrikaans and isiZulu words of anger and thanks, shouting, runs of "!!!" and
// "??", sarcasm after a complaint, threats to report the shop, and emoji. Anger is scored in points; two
// points make a customer angry. A single insult, swear word, threat or "unacceptable" is two points;
// intensity (capitals, "!!!", "??", "you people", asking again) only counts on top of a grievance, so
// "THANK YOU!!!" stays positive.

// Sentiment thresholds.
const (
	// angryPoints is the anger score at which a customer counts as angry.
	angryPoints = 2.0
	// vaderNegative and vaderPositive are the VADER compound scores that count as a negative or positive
	// message on their own. VADER's customary ±0.05 is too eager for customer questions, where "missing"
	// or "free" appear without feeling.
	vaderNegative = -0.35
	vaderPositive = 0.3
	// vaderVeryNegative adds half an anger point to a grievance that VADER already finds very negative.
	vaderVeryNegative = -0.75
)

// vaderAdjustments change VADER's lexicon for shop messages: local words of feeling are added, and everyday
// shop words that VADER rates as feelings ("help", "free", "please", "gift", "ok") are made neutral.
var vaderAdjustments = map[string]float64{
	// Thanks and praise.
	"dankie": 2.0, "ngiyabonga": 2.0, "siyabonga": 2.0, "enkosi": 2.0, "kealeboha": 2.0, "leboha": 2.0,
	"leboga": 2.0, "lekker": 2.0, "mooi": 1.5, "kuhle": 1.5, "ayoba": 2.0, "sharp": 0.5, "legend": 2.0,
	// Anger, slang and swearing.
	"kak": -2.5, "rubbish": -2.0, "gatvol": -2.6, "woedend": -3.0, "kwaad": -2.5, "belaglik": -2.0,
	"onaanvaarbaar": -2.2, "pateties": -2.5, "swak": -1.8, "teleurgesteld": -2.0, "hartseer": -1.8,
	"sies": -1.8, "eish": -1.0, "hayibo": -1.0, "jislaaik": -0.8, "twak": -1.8, "fokken": -2.5,
	"fok": -2.5, "vrot": -2.0, "ngithukuthele": -2.5, "ngicasukile": -2.3, "amasela": -2.5,
	"ndinomsindo": -2.5, "scammers": -2.8, "unhelpful": -1.8, "hellopeter": -1.5, "ontevrede": -1.8,
	"useless": -2.2, "ridiculous": -2.0, "nonsense": -2.0,
	// Problems with an order.
	"expensive": -1.3, "overpriced": -1.8, "pricey": -1.0, "late": -1.0, "delayed": -1.3,
	"overdue": -1.3, "rusting": -1.8, "rusted": -1.8, "rusty": -1.2, "defective": -1.8, "cracked": -1.5,
	"dented": -1.3, "scratched": -1.2, "leaking": -1.3, "torn": -1.3, "stukkend": -1.8, "beskadig": -1.8,
	// Shop words that are not feelings.
	"help": 0, "please": 0, "like": 0, "free": 0, "ok": 0, "okay": 0, "fine": 0, "yes": 0, "sure": 0,
	"kind": 0, "care": 0, "save": 0, "pretty": 0, "well": 0, "top": 0, "fair": 0, "matter": 0,
	"want": 0, "yeah": 0, "cool": 0, "gift": 0, "joke": 0, "party": 0, "play": 0, "protection": 0,
	"protect": 0, "secure": 0, "credit": 0, "share": 0, "charged": 0, "charge": 0, "cancel": 0,
	"cancelled": -0.8, "welcome": 0.5, "lol": 0, "hope": 0.5, "accept": 0, "easy": 0.5,
	"die": 0, "garden": 0, "collection": 0, "opportunity": 0, "interested": 0, "no": -0.4, "stop": -0.6,
	"pls": 0,
}

// vaderBoosters are local intensifiers ("baie", "vrek", "bleddie").
var vaderBoosters = map[string]float64{
	"baie": 0.293, "vrek": 0.293, "bleddie": 0.293, "fokken": 0.293, "mega": 0.293, "super": 0.293,
	"hectic": 0.293, "totally": 0.293,
}

// newVader builds a VADER analyser with the local adjustments. The analyser only reads its tables after
// this, so one may serve concurrent calls.
func newVader() *govader.SentimentIntensityAnalyzer {
	v := govader.NewSentimentIntensityAnalyzer()
	for w, s := range vaderAdjustments {
		v.Lexicon[w] = s
	}
	for w, s := range vaderBoosters {
		v.Constants.BoosterDict[w] = s
	}
	return v
}

// feeling is the sentiment verdict with the evidence behind it.
type feeling struct {
	sentiment conversation.Sentiment
	anger     float64
	compound  float64
}

// sentiment scores the feeling of m. The intent and what the complaint rules found tell it whether the
// message carries a grievance, which is what makes shouting and "!!!" angry rather than excited. Something
// missing, broken or late is at least negative; an order that "has not arrived yet" is not.
func (e *Engine) sentiment(m *message, intent conversation.Intent, c complaintFinding) feeling {
	compound := e.vader.PolarityScores(vaderText(m)).Compound
	ts := m.tokens
	r := e.rules
	complaint := c.fault || c.delay

	// In a conditional question ("what if it arrives damaged?") VADER's negativity is the topic's, not the
	// customer's.
	negative := (compound <= vaderNegative && !c.hypothetical) || complaint || c.infoMissing
	if _, ok := r.negative.first(ts); ok {
		negative = true
	}
	if _, ok := m.hasEmoji(negativeEmoji); ok {
		negative = true
	}
	grievance := negative || intent == conversation.IntentComplaint || intent == conversation.IntentRefundRequest ||
		intent == conversation.IntentOrderStatus || intent == conversation.IntentHumanRequested

	anger := 0.0
	counted := make(map[int]bool)
	r.anger.each(ts, func(p int, mt match) bool {
		rule := r.angerRule[p]
		if !counted[rule] && !negatedAt(ts, mt.start) {
			counted[rule] = true
			anger += angerRules[rule].weight
		}
		return true
	})
	if w, ok := m.hasEmoji(angryEmoji); ok {
		anger += w
	}
	if _, ok := r.alwaysSarcastic.first(ts); ok {
		anger += 2
		negative = true
	} else if negative || complaint {
		if _, ok := r.sarcasm.first(ts); ok {
			anger += 1.5
		}
	}
	if grievance || anger > 0 {
		if shouting(ts) {
			// Capitals about a problem are shouting at the shop.
			anger += 1.5
			if grievance {
				anger += 0.5
			}
		}
		switch {
		case m.maxExclaim >= 3:
			anger += 1
		case m.maxExclaim == 2:
			anger += 0.5
		}
		switch {
		case m.mixedMarks || m.maxQuestion >= 3:
			anger += 1
		case m.maxQuestion >= 2:
			anger += 0.5
		}
		if compound <= vaderVeryNegative {
			anger += 0.5
		}
		// A fault reported with a cue of anger ("Hayibo! You sent me a broken braai") is angrier than
		// either alone.
		if c.fault && anger >= 1 {
			anger += 0.5
		}
	}

	f := feeling{anger: anger, compound: compound}
	switch {
	case anger >= angryPoints:
		f.sentiment = conversation.SentimentAngry
	case negative:
		f.sentiment = conversation.SentimentNegative
	default:
		f.sentiment = conversation.SentimentNeutral
		if _, ok := r.positive.first(ts); ok {
			f.sentiment = conversation.SentimentPositive
		} else if _, ok := m.hasEmoji(positiveEmoji); ok {
			f.sentiment = conversation.SentimentPositive
		} else if compound >= vaderPositive && !allQuestions(m) && !m.hasNorm(negators) {
			// VADER's mild positives in a question come from content words ("who won", "a good
			// plumber"), and a negated negative ("I'm not angry") is not a positive feeling.
			f.sentiment = conversation.SentimentPositive
		}
	}
	return f
}

// anyQuestion reports whether any sentence of m is a question.
func anyQuestion(m *message) bool {
	for _, q := range m.questions {
		if q {
			return true
		}
	}
	return false
}

// allQuestions reports whether every sentence of m with words in it is a question (an order number
// after a question is not a statement).
func allQuestions(m *message) bool {
	words := make([]bool, len(m.questions))
	any := false
	for _, t := range m.tokens {
		if t.kind == kindWord {
			words[t.sent] = true
		}
	}
	for s, q := range m.questions {
		if !words[s] {
			continue
		}
		if !q {
			return false
		}
		any = true
	}
	return any
}

// vaderText is the message as VADER reads it: names of holidays and places are left out, so that "Good
// Friday" and "Port Shepstone" carry no feeling.
func vaderText(m *message) string {
	var drop [][2]int
	for _, t := range m.tokens {
		if t.concept == conceptHoliday || t.concept == conceptPlace {
			drop = append(drop, [2]int{t.start, t.end})
		}
	}
	if len(drop) == 0 {
		return m.text
	}
	rs := []rune(m.text)
	var b strings.Builder
	for i, r := range rs {
		skip := false
		for _, d := range drop {
			if i >= d[0] && i < d[1] {
				skip = true
				break
			}
		}
		if !skip {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// shouting reports a message typed mostly in capitals: at least two capitalised words, making up half the
// words or more, or three capitalised words anywhere. Abbreviations (EFT, SMS, ID) do not count.
func shouting(ts []token) bool {
	caps, words := 0, 0
	for _, t := range ts {
		if t.kind != kindWord || len(t.raw) < 2 {
			continue
		}
		words++
		if t.caps && !abbreviations[t.norm] {
			caps++
		}
	}
	return caps >= 3 || (caps >= 2 && caps*2 >= words)
}

// abbreviations are typed in capitals without shouting.
var abbreviations = map[string]bool{
	"eft": true, "sms": true, "id": true, "ok": true, "pe": true, "sa": true, "rsa": true, "jhb": true,
	"cpt": true, "dbn": true, "pta": true, "asap": true, "faq": true, "cod": true, "atm": true, "pin": true,
	"otp": true, "usb": true, "tv": true, "led": true, "kzn": true, "eta": true, "vat": true, "pm": true,
	"am": true, "pop": true, "ncc": true, "cpa": true, "pmb": true, "dm": true, "po": true, "gps": true,
	"diy": true, "sku": true, "qr": true, "url": true, "ps": true, "nb": true, "hi": true,
}
