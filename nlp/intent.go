package nlp

import "github.com/supportd/supportd/workflows/conversation"

// Intent is decided by precedence, strongest request first:
//
//  1. human_requested: the customer asks for a person ("let me speak to your manager", "ngicela
//     ukukhuluma nomuntu");
//  2. refund_request: money back, a reversed payment, a cancelled order, unless refunds are asked about
//     in general ("what is your refund policy?" is faq) or declined ("I don't need a refund");
//  3. complaint about a fault: something is damaged, missing, wrong or never arrived, or the service
//     failed;
//  4. order_status: a question about the customer's own order ("where is my order #123", "has it
//     shipped"), unless it asks how something is done and the knowledge base answers that ("how can I
//     track where my parcel is?");
//  5. complaint about delay or about the bot's answers ("I've been waiting 3 weeks");
//  6. greeting or thanks, when the message holds nothing else, or thanks with praise and no question
//     ("my husband loves the chairs, thank you");
//  7. faq: the knowledge base answers it;
//  8. order_status from weaker signs ("my parcel", "when will my order come") the knowledge base does not
//     answer;
//  9. other.
//
// An angry message that asks nothing else is a complaint: that is decided after sentiment, in analyze.

// intentVerdict is the intent with the evidence sentiment needs.
type intentVerdict struct {
	intent    conversation.Intent
	complaint complaintFinding // what the complaint rules found, whatever intent won
	// human and refund report what the request rules found; refundRead is false when the refund rules were
	// not needed (a person was asked for first).
	human, refund, refundRead bool
}

// intent decides the intent of m, given what retrieval found for it.
func (e *Engine) intent(m *message, h hit) intentVerdict {
	ts := m.tokens
	r := e.rules
	if len(ts) == 0 {
		if _, ok := m.hasEmoji(positiveEmoji); ok {
			return intentVerdict{intent: conversation.IntentThanks}
		}
		if _, ok := m.hasEmoji(angryEmoji); ok {
			return intentVerdict{intent: conversation.IntentComplaint}
		}
		return intentVerdict{intent: conversation.IntentOther}
	}
	c := e.complaint(m)
	v := intentVerdict{complaint: c, human: e.humanRequested(m)}
	if !v.human {
		v.refund, v.refundRead = e.refundRequested(m), true
	}
	switch {
	case v.human:
		v.intent = conversation.IntentHumanRequested
	case v.refund:
		v.intent = conversation.IntentRefundRequest
	case c.fault:
		v.intent = conversation.IntentComplaint
	case h.ok && asksHow(ts) && !hasOrderNumber(ts):
		v.intent = conversation.IntentFAQ
	case c.infoMissing || c.notYet || e.orderStatus(m):
		v.intent = conversation.IntentOrderStatus
	case c.delay:
		v.intent = conversation.IntentComplaint
	case r.alwaysSarcastic.any(ts):
		// "Thanks a lot for nothing" thanks nobody.
		v.intent = conversation.IntentComplaint
	case e.onlyWords(m, &r.opener, greetingOnly):
		v.intent = conversation.IntentGreeting
	case e.onlyWords(m, &r.thanks, thanksOnly):
		v.intent = conversation.IntentThanks
	case !anyQuestion(m) && e.thanksWithPraise(m):
		v.intent = conversation.IntentThanks
	case h.ok:
		v.intent = conversation.IntentFAQ
	case !c.hypothetical && e.orderStatusWeak(m):
		v.intent = conversation.IntentOrderStatus
	default:
		v.intent = conversation.IntentOther
	}
	return v
}

// thanksWithPraise reports a statement that thanks and praises ("my husband loves the chairs, thank you").
func (e *Engine) thanksWithPraise(m *message) bool {
	thanks := false
	for _, t := range m.tokens {
		thanks = thanks || gratitudeWords[t.norm]
	}
	if !thanks {
		return false
	}
	_, ok := e.rules.negative.first(m.tokens)
	return !ok
}

// asksHow reports a question about how something is done: "how do I", "how can I", "where can I".
func asksHow(ts []token) bool {
	for i := 0; i+2 < len(ts); i++ {
		if i > 0 && ts[i-1].sent == ts[i].sent && !greetingWords[ts[i-1].norm] && !fillerWords[ts[i-1].norm] {
			continue
		}
		if (ts[i].norm == "how" || ts[i].norm == "where") && howAux[ts[i+1].norm] &&
			(ts[i+2].norm == "i" || ts[i+2].norm == "we" || ts[i+2].norm == "one") {
			return true
		}
	}
	return false
}

// howAux follow "how" or "where" in a question about how something is done.
var howAux = map[string]bool{
	"do": true, "can": true, "could": true, "should": true, "would": true, "does": true, "must": true,
}

// humanRequested reports a request for a person that no negation governs.
func (e *Engine) humanRequested(m *message) bool {
	_, ok := e.rules.human.first(m.tokens)
	return ok
}

// refundRequested reports a refund asked for, not declined and not asked about in general.
func (e *Engine) refundRequested(m *message) bool {
	ts := m.tokens
	mt, ok := e.rules.refund.first(ts)
	if !ok {
		return false
	}
	sent := ts[mt.start].sent
	return !e.rules.refundGeneral.sentences(ts)[sent] || mineOrSpecific(ts, sent)
}

// mineOrSpecific reports whether sentence sent names the customer's own purchase ("my order", "the hose",
// an order number), which makes a refund question a request rather than a policy question.
func mineOrSpecific(ts []token, sent int) bool {
	for i, t := range ts {
		if t.sent != sent {
			continue
		}
		if t.kind == kindNumber && len(t.norm) >= 3 {
			return true
		}
		if (t.norm == "my" || t.norm == "yami" || t.norm == "yam") && i+1 < len(ts) && ts[i+1].sent == sent &&
			!policyWords[ts[i+1].norm] {
			return true
		}
	}
	return false
}

// policyWords follow "my" in a general question ("my rights", "my options").
var policyWords = map[string]bool{
	"rights": true, "options": true, "right": true, "option": true, "mind": true,
}

// complaintFinding is what the complaint rules find in a message.
type complaintFinding struct {
	fault bool // something is damaged, missing, wrong or never arrived, or the service failed
	delay bool // waiting too long, or the bot's answers do not help
	// infoMissing is a confirmation, invoice or tracking link that never came: an order question.
	infoMissing bool
	// notYet is an order that "has not arrived yet": an order question.
	notYet bool
	// hypothetical is a conditional question ("what if it arrives broken?"): a question, not a report.
	hypothetical bool
}

// complaint applies the complaint rules that hold: not negated, not in a conditional sentence.
func (e *Engine) complaint(m *message) complaintFinding {
	ts := m.tokens
	r := e.rules
	var c complaintFinding
	hypothetical := r.hypothetical.sentences(ts)
	c.hypothetical = len(hypothetical) > 0
	holds := func(rs *ruleSet, skip map[int]bool) bool {
		found := false
		rs.each(ts, func(_ int, m match) bool {
			s := ts[m.start].sent
			found = !negatedAt(ts, m.start) && !hypothetical[s] && !skip[s]
			return !found
		})
		return found
	}
	if holds(&r.damage, r.notProduct.sentences(ts)) || holds(&r.complaint, nil) {
		c.fault = true
		return c
	}
	c.delay = holds(&r.delay, nil)
	// "Not received": the goods are a complaint; a confirmation is an order question; a reply is poor service.
	r.notReceived.each(ts, func(_ int, m match) bool {
		s := ts[m.start].sent
		if hypothetical[s] {
			return true
		}
		after := ts[m.end:sentenceEnd(ts, m.end)]
		switch {
		case r.replyNoun.any(after):
		case r.confirmation.any(after):
			c.infoMissing = true
			return true
		case sentenceHas(ts, s, yetWords) && !sentenceHas(ts, s, stillWords):
			c.notYet = true
			return true
		}
		c.fault = true
		return false
	})
	return c
}

// sentenceEnd returns the index one past the last token of the sentence token i is in.
func sentenceEnd(ts []token, i int) int {
	if i >= len(ts) {
		return len(ts)
	}
	j := i
	for j < len(ts) && ts[j].sent == ts[i].sent {
		j++
	}
	return j
}

func sentenceHas(ts []token, sent int, words map[string]bool) bool {
	for _, t := range ts {
		if t.sent == sent && words[t.norm] {
			return true
		}
	}
	return false
}

var (
	yetWords   = map[string]bool{"yet": true, "nog": true}
	stillWords = map[string]bool{"still": true, "never": true, "nooit": true, "steeds": true}
)

// orderStatus reports a question about the customer's own order: a status phrase or an order number.
func (e *Engine) orderStatus(m *message) bool {
	if _, ok := e.rules.orderStatus.first(m.tokens); ok {
		return true
	}
	return hasOrderNumber(m.tokens)
}

// orderStatusWeak reports a weaker sign of an order question ("my parcel", "when will my order come").
func (e *Engine) orderStatusWeak(m *message) bool {
	_, ok := e.rules.orderStatusWeak.first(m.tokens)
	return ok
}

// hasOrderNumber reports an order reference: a number typed with '#', or a number of three or more
// digits within three words after an order word ("order 7781", "my delivery? Order 6620"). Phone numbers
// and rand amounts do not count.
func hasOrderNumber(ts []token) bool {
	return len(orderNumbers(ts)) > 0
}

// orderRefWords come before an order number.
var orderRefWords = map[string]bool{
	"order": true, "ref": true, "reference": true, "invoice": true, "number": true, "no": true, "nr": true,
	"nommer": true, "bestelling": true, "tracking": true, "waybill": true, "parcel": true, "package": true,
	"inombolo": true, "num": true, "nom": true, "booking": true, "bestelnommer": true,
}

// phoneSpans marks numbers that belong to a phone number: consecutive numbers whose digits add up to nine
// or more and start with 0 or 27 (082 555 1234, 27825551234).
func phoneSpans(ts []token) map[int]bool {
	var out map[int]bool
	for i := 0; i < len(ts); i++ {
		if ts[i].kind != kindNumber {
			continue
		}
		j, digits := i, ""
		for j < len(ts) && ts[j].kind == kindNumber && len(digits) < 12 {
			digits += ts[j].norm
			j++
		}
		if len(digits) >= 9 && (digits[0] == '0' || (digits[0] == '2' && digits[1] == '7')) {
			if out == nil {
				out = map[int]bool{}
			}
			for k := i; k < j; k++ {
				out[k] = true
			}
			i = j - 1
		}
	}
	return out
}

// greetingOnly allows greeting words (which count) and filler words in a greeting.
func greetingOnly(t *token) (allowed, counts bool) {
	switch {
	case greetingWords[t.norm]:
		return true, true
	case fillerWords[t.norm], stopwords[t.norm]:
		return true, false
	}
	return false, false
}

// thanksOnly allows thanks and praise words (which count), acknowledgements and filler words in thanks.
func thanksOnly(t *token) (allowed, counts bool) {
	switch {
	case thanksWords[t.norm] || thanksWords[t.canon]:
		return true, true
	case fillerWords[t.norm], ackWords[t.norm], greetingWords[t.norm], stopwords[t.norm]:
		return true, false
	case t.norm == "service" || t.norm == "help" || t.norm == "info" || t.norm == "information" ||
		t.norm == "stuff" || t.norm == "hulp" || t.norm == "usizo":
		return true, false
	}
	return false, false
}

// onlyWords reports whether m consists only of the given phrases and allowed words, with at least one
// phrase or counting word. A greeting may carry one unknown word after a greeting word: a name.
func (e *Engine) onlyWords(m *message, phrases *ruleSet, allow func(*token) (bool, bool)) bool {
	ts := m.tokens
	covered := make([]bool, len(ts))
	counted := false
	phrases.each(ts, func(_ int, mt match) bool {
		if !negatedAt(ts, mt.start) {
			for k := mt.start; k < mt.end; k++ {
				covered[k] = true
			}
			counted = true
		}
		return true
	})
	unknown := 0
	for i := range ts {
		if covered[i] {
			continue
		}
		allowed, counts := allow(&ts[i])
		switch {
		case counts:
			counted = true
		case allowed:
		case ts[i].kind == kindWord && i > 0 && (greetingWords[ts[i-1].norm] || covered[i-1]) &&
			(i == len(ts)-1 || len(ts) <= 4):
			// A name: "Hi Thandi", "thank you Sipho".
			unknown++
		default:
			return false
		}
	}
	return counted && unknown <= 1
}
