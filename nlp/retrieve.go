package nlp

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/supportd/supportd/kb"
)

// Retrieval ranks FAQs by how much of the customer's question they cover. Every content word of the
// question carries a weight:
//
//   - a word the knowledge base uses weighs its inverse document frequency over the FAQs;
//   - a word it never uses weighs moderately ("physical" in "what's your physical address?") unless it
//     names the thing asked about, which the knowledge base must then cover: the object of a price, a
//     payment, a sale or a stock question ("can I pay with Bitcoin?", "do you sell car tyres?", "how much is
//     the sofa?"), or a brand typed with a capital ("Weber"); those weigh the most a word can;
//   - in a question about a policy that applies to any product (returns, warranty, delivery, tracking,
//     collection), the product weighs little: "what is the warranty on the gazebo?" asks about the warranty;
//   - places and days weigh little ("to Durban", "today"), and everyday verbs less ("tell me", "I want").
//
// An FAQ answers the question when it covers most of that weight, in its questions or its answer text,
// with partial credit for related concepts (a payment question about delivery meets the delivery-cost
// FAQ). Below that the engine says it does not know rather than answer something else.

// Retrieval thresholds, chosen on the development set and checked on the other labelled sets (see
// eval_test.go):
const (
	// minCoverage is the share of the question's weight an FAQ must cover.
	minCoverage = 0.62
	// minCovered is the covered weight, from words other than places and times, below which a match on
	// common words alone ("is it free?") is not trusted.
	minCovered = 0.9
	// answerCredit is how much a word found only in the answer text counts, against 1 in a question.
	answerCredit = 0.8
	// lowWeight is the weight of words that narrow a question without changing it: places, days, the
	// product a policy question is about.
	lowWeight = 0.3
	// genericWeight is the weight of everyday verbs and nouns that frame a question ("I want to know").
	genericWeight = 0.1
	// unknownWeight is the weight of a word the knowledge base does not use, outside a closed question.
	unknownWeight = 0.8
)

// faqDoc is one FAQ prepared for retrieval.
type faqDoc struct {
	faq       kb.FAQ
	questions []map[string]bool // terms of each question
	inQ       map[string]bool   // terms of all questions
	inA       map[string]bool   // terms of the answer
}

// index is the retrieval index over a knowledge base. It is built once by New and only read afterwards.
type index struct {
	docs   []faqDoc
	idf    map[string]float64
	maxIDF float64
	// vocab holds the knowledge base's words by length, for typo tolerance.
	vocab map[int][]string
}

// term is one content word or concept of a text, with its retrieval weight class.
type term struct {
	key   string
	class termClass
}

// termClass says how a term is weighed (see the top of this file).
type termClass uint8

const (
	classContent termClass = iota // its IDF, or moderately when the knowledge base does not use it
	classNamed                    // its IDF, or the most when the knowledge base does not use it
	classLow                      // a place, a day, the product of a policy question
	classGeneric                  // an everyday verb or noun
)

// low reports a term that narrows a question without deciding which FAQ answers it.
func (t term) low() bool { return t.class == classLow || t.class == classGeneric }

func newIndex(k *kb.KnowledgeBase) *index {
	ix := &index{idf: map[string]float64{}}
	df := map[string]int{}
	for _, f := range k.FAQs {
		d := faqDoc{faq: f, inQ: map[string]bool{}, inA: map[string]bool{}}
		for _, q := range f.Questions {
			set := map[string]bool{}
			_, terms := retrievalTerms(parse(q))
			for _, t := range terms {
				set[t.key] = true
				d.inQ[t.key] = true
			}
			d.questions = append(d.questions, set)
		}
		_, answerTerms := retrievalTerms(parse(f.Answer))
		for _, t := range answerTerms {
			d.inA[t.key] = true
		}
		seen := map[string]bool{}
		for key := range d.inQ {
			seen[key] = true
		}
		for key := range d.inA {
			seen[key] = true
		}
		for key := range seen {
			df[key]++
		}
		ix.docs = append(ix.docs, d)
	}
	n := float64(len(ix.docs))
	for key, c := range df {
		ix.idf[key] = bm25IDF(n, float64(c))
	}
	ix.maxIDF = bm25IDF(n, 0)
	ix.vocab = wordsByLength(func(yield func(string)) {
		for key := range ix.idf {
			yield(key)
		}
	})
	return ix
}

// abroad reports a message naming a place outside South Africa that the knowledge base does not mention.
func (ix *index) abroad(m *message) bool {
	for _, t := range m.tokens {
		if foreignPlaces[t.norm] {
			if _, ok := ix.idf[t.norm]; !ok {
				return true
			}
		}
	}
	return false
}

// correct replaces a word the knowledge base does not use by the one of its words a typo away, if any:
// "irigation" is "irrigation".
func (ix *index) correct(ts []term) {
	for i := range ts {
		k := ts[i].key
		if _, ok := ix.idf[k]; ok || strings.HasPrefix(k, "@") {
			continue
		}
		if w, ok := nearestWord(k, ix.vocab); ok {
			ts[i].key = w
		}
	}
}

// bm25IDF is the BM25 inverse document frequency of a term found in df of n documents.
func bm25IDF(n, df float64) float64 {
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// weight is how much a term counts in a question.
func (ix *index) weight(t term) float64 {
	switch t.class {
	case classLow:
		return lowWeight
	case classGeneric:
		return genericWeight
	}
	if w, ok := ix.idf[t.key]; ok {
		return w
	}
	if t.class == classNamed || strings.HasPrefix(t.key, "@") {
		return ix.maxIDF
	}
	return unknownWeight
}

// related gives partial credit to an FAQ that holds a concept close to the customer's.
var related = map[string]map[string]float64{
	conceptPay:      {conceptCost: 0.6},
	conceptCost:     {conceptMoney: 0.6, conceptPay: 0.4},
	conceptMoney:    {conceptCost: 0.6},
	conceptArrive:   {conceptDelivery: 0.6},
	conceptDelivery: {conceptArrive: 0.6},
	conceptWhere:    {conceptLocation: 0.6},
	conceptLocation: {conceptWhere: 0.6},
	conceptReturn:   {conceptWarranty: 0.3},
}

// credit is how much of term key document d covers: 1 in a question, less in the answer or through a
// related concept.
func (d *faqDoc) credit(key string) float64 {
	switch {
	case d.inQ[key]:
		return 1
	case d.inA[key]:
		return answerCredit
	}
	best := 0.0
	for other, c := range related[key] {
		switch {
		case d.inQ[other]:
			best = max(best, c)
		case d.inA[other]:
			best = max(best, c*answerCredit)
		}
	}
	return best
}

// hit is the result of retrieval.
type hit struct {
	ok       bool    // the FAQ answers the question
	doc      *faqDoc // the best FAQ, answering or not; nil when no word matched
	coverage float64
	score    float64
}

// better reports whether h beats o: an answering FAQ beats one that does not, then the higher score wins.
func (h hit) better(o hit) bool {
	if h.ok != o.ok {
		return h.ok
	}
	return h.score > o.score
}

// retrieve finds the FAQ that answers m, if any. It scores each question sentence on its own (so that
// praise or a greeting around the question does not dilute it) and the message as a whole, and keeps the
// best.
func (ix *index) retrieve(m *message) hit {
	if len(ix.docs) == 0 || len(m.tokens) == 0 {
		return hit{}
	}
	var best hit
	consider := func(ts []term) {
		if h := ix.rank(ts); h.better(best) {
			best = h
		}
	}
	asks := anyQuestion(m)
	if !asks && !requestsInformation(m) {
		// "I love shopping with you guys!" mentions the shop but asks nothing.
		return hit{}
	}
	if ix.abroad(m) || injection(m.tokens) {
		// A question about a place abroad the knowledge base never names ("a branch in Namibia?") is not
		// answered by what it says about South Africa; text written to instruct the bot asks nothing.
		return hit{}
	}
	bySentence, all := retrievalTerms(m)
	for _, ts := range bySentence {
		ix.correct(ts)
	}
	ix.correct(all)
	for s, ts := range bySentence {
		if asks && !m.questions[s] {
			continue
		}
		consider(ts)
	}
	if len(bySentence) > 1 && !asks {
		consider(all)
	}
	return best
}

// requestsInformation reports whether a message without a question still asks for something: it uses a
// word of request ("I want to know your hours", "address pls", "tell me the delivery fee") or it is a bare
// keyword query ("trading hours", "delivery cost") rather than a remark about the customer or the shop.
func requestsInformation(m *message) bool {
	for _, t := range m.tokens {
		if requestWords[t.norm] || questionWords[t.norm] && t.norm != "is" && t.norm != "are" {
			return true
		}
	}
	content := 0
	for _, t := range m.tokens {
		switch {
		case personalWords[t.norm] || affectWords[t.norm] || thanksWords[t.norm]:
			return false
		case !stopwords[t.norm] && !fillerWords[t.norm] && !greetingWords[t.norm]:
			content++
		}
	}
	return content <= 3
}

// requestWords ask for information in a sentence that is not a question.
var requestWords = map[string]bool{
	"please": true, "know": true, "tell": true, "information": true, "details": true, "need": true,
	"want": true, "looking": true, "send": true, "asking": true, "wondering": true, "enquire": true,
	"enquiring": true, "inquire": true, "query": true, "question": true, "help": true, "share": true,
	"asseblief": true, "weet": true, "ngicela": true, "sicela": true, "ndicela": true, "ngifuna": true,
	"ndifuna": true, "check": true, "confirm": true, "advise": true, "explain": true, "wil": true,
	"soek": true, "graag": true,
}

// personalWords make a short message a remark rather than a keyword query.
var personalWords = map[string]bool{
	"i": true, "you": true, "we": true, "my": true, "me": true, "your": true, "our": true, "they": true,
	"ek": true, "jy": true, "julle": true, "ons": true, "mina": true, "wena": true,
}

// rank scores every FAQ against the terms of one question and returns the best, marked ok when it answers.
func (ix *index) rank(ts []term) hit {
	if len(ts) == 0 {
		return hit{}
	}
	total := 0.0
	for _, t := range ts {
		total += ix.weight(t)
	}
	var best hit
	for i := range ix.docs {
		d := &ix.docs[i]
		covered, coveredContent := 0.0, 0.0
		for _, t := range ts {
			w := ix.weight(t)
			credit := d.credit(t.key)
			covered += w * credit
			if !t.low() {
				coveredContent += w * credit
			}
		}
		coverage := covered / total
		// How much of the closest FAQ question the customer's words cover breaks ties between FAQs that
		// share words ("are you open?" is trading hours before it is public holidays).
		qsim := 0.0
		for _, q := range d.questions {
			in, all := 0.0, 0.0
			for key := range q {
				w := ix.weight(term{key: key})
				all += w
				for _, t := range ts {
					if t.key == key {
						in += w
						break
					}
				}
			}
			if all > 0 && in/all > qsim {
				qsim = in / all
			}
		}
		h := hit{
			ok:       coverage >= minCoverage && coveredContent >= minCovered,
			doc:      d,
			coverage: coverage,
			score:    0.75*coverage + 0.25*qsim,
		}
		if h.score > 0 && h.better(best) {
			best = h
		}
	}
	return best
}

// retrievalTerms returns the distinct content terms of each sentence of m and of the whole message: the
// concept of a word or phrase when it has one, else its stem. Function words, greetings, thanks, feelings
// and numbers are left out, and so is whatever a customer says they do not want ("I don't need a refund,
// just your hours").
func retrievalTerms(m *message) (bySentence [][]term, all []term) {
	ts := m.tokens
	skip := unwantedSpans(ts)
	frames := questionFrames(ts)
	bySentence = make([][]term, m.sentences())
	for i := range ts {
		t := &ts[i]
		if t.inPhrase || skip[i] {
			continue
		}
		tm, ok := termOf(t)
		if !ok {
			continue
		}
		if t.concept == "" && tm.class == classContent {
			f := frames[t.clause]
			switch {
			case f.place && i > 0 && placePrepositions[ts[i-1].norm]:
				// "delivery to Mthatha": an unlisted place.
				tm.class = classLow
			case f.closed || properNoun(ts, i):
				tm.class = classNamed
			case f.policy:
				tm.class = classLow
			}
		}
		bySentence[t.sent] = addTerm(bySentence[t.sent], tm)
		all = addTerm(all, tm)
	}
	return bySentence, all
}

// addTerm adds tm to ts unless its key is there already; a named occurrence makes the term named.
func addTerm(ts []term, tm term) []term {
	for i := range ts {
		if ts[i].key == tm.key {
			if tm.class == classNamed {
				ts[i].class = classNamed
			}
			return ts
		}
	}
	return append(ts, tm)
}

// frame is what one clause of a question asks about.
type frame struct {
	// closed: a named thing whose words the knowledge base must cover (a price, a payment method,
	// something sold or stocked).
	closed bool
	// policy: a policy that applies to any product (returns, warranty, delivery, tracking, collection).
	policy bool
	// place: a place (delivery, installation, the shop's location), so that an unknown word after "to"
	// or "in" is a place.
	place bool
}

// questionFrames returns the frame of every clause, indexed by clause.
func questionFrames(ts []token) map[int]frame {
	frames := map[int]frame{}
	for i := range ts {
		t := &ts[i]
		f := frames[t.clause]
		switch t.concept {
		case conceptCost, conceptPay, conceptStock:
			f.closed = true
		case conceptReturn, conceptWarranty, conceptPolicy, conceptTrack, conceptCollect:
			f.policy = true
		case conceptDelivery, conceptArrive:
			f.policy, f.place = true, true
		case conceptInstall, conceptLocation, conceptStore:
			f.place = true
		}
		if closedVerbs[t.canon] || closedVerbs[t.norm] {
			f.closed = true
		}
		// "do you have", "have you got", "do you do"
		if (t.norm == "have" || t.norm == "got" || t.norm == "do") && i > 0 &&
			(ts[i-1].norm == "you" || ts[i-1].norm == "julle") {
			f.closed = true
		}
		frames[t.clause] = f
	}
	return frames
}

// properNoun reports an unknown word typed with a capital inside a sentence: a brand or a product name.
func properNoun(ts []token, i int) bool {
	t := &ts[i]
	if i == 0 || ts[i-1].sent != t.sent || t.caps || t.raw == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t.raw)
	return unicode.IsUpper(r) && t.norm != "i"
}

// closedVerbs ask whether the shop sells, stocks or does a named thing.
var closedVerbs = map[string]bool{
	"sell": true, "sells": true, "selling": true, "stock": true, "carry": true, "offer": true,
	"offers": true, "accept": true, "accepts": true, "take": true, "supply": true, "rent": true,
	"hire": true, "repair": true, "fix": true, "make": true, "manufacture": true, "buy": true,
	"verkoop": true, "aanvaar": true, "neem": true, "thengisa": true, "niyathengisa": true,
	"nithengisa": true, "uthengisa": true, "install": true,
}

// placePrepositions come before a place.
var placePrepositions = map[string]bool{
	"to": true, "in": true, "at": true, "from": true, "near": true, "around": true, "naar": true,
	"na": true, "by": true, "outside": true, "into": true,
}

// termOf maps a token to its retrieval term.
func termOf(t *token) (term, bool) {
	if t.concept == conceptPerson {
		return term{}, false
	}
	if t.concept != "" {
		if t.concept == conceptPlace || t.concept == conceptWhenDay {
			return term{key: t.concept, class: classLow}, true
		}
		return term{key: t.concept}, true
	}
	if t.kind != kindWord || len(t.norm) < 2 {
		return term{}, false
	}
	if stopwords[t.norm] || fillerWords[t.norm] || greetingWords[t.norm] || thanksWords[t.norm] ||
		ackWords[t.norm] || affectWords[t.norm] || negators[t.norm] {
		return term{}, false
	}
	if genericWords[t.norm] || genericWords[t.canon] {
		return term{key: t.canon, class: classGeneric}, true
	}
	return term{key: t.canon}, true
}

// unwantedSpans marks the words a customer sets aside: after "not want/need" or "instead of", up to the end
// of the clause.
func unwantedSpans(ts []token) map[int]bool {
	var skip map[int]bool
	for i := 0; i < len(ts); i++ {
		start := -1
		switch {
		case ts[i].norm == "instead" && i+1 < len(ts) && ts[i+1].norm == "of":
			start = i + 2
		case ts[i].norm == "rather" && i+1 < len(ts) && ts[i+1].norm == "than":
			start = i + 2
		case negators[ts[i].norm] && i > 0 && unwantVerbs[ts[i-1].norm] && ts[i-1].clause == ts[i].clause:
			// Afrikaans puts the negation after the verb: "ek wil nie my geld terug hê nie".
			start = i + 1
		case negators[ts[i].norm]:
			// "not (really) want/need/looking for/asking about X"
			for k := i + 1; k < len(ts) && k <= i+3 && ts[k].clause == ts[i].clause; k++ {
				if unwantVerbs[ts[k].norm] {
					start = k + 1
					break
				}
			}
		}
		if start < 0 {
			continue
		}
		if skip == nil {
			skip = map[int]bool{}
		}
		for k := start; k < len(ts) && ts[k].clause == ts[start-1].clause; k++ {
			skip[k] = true
		}
	}
	return skip
}

// unwantVerbs after a negation set aside what follows.
var unwantVerbs = map[string]bool{
	"want": true, "need": true, "looking": true, "asking": true, "interested": true, "care": true,
	"wil": true, "soek": true, "ngifuni": true, "funi": true, "require": true,
}
