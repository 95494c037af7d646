package nlp

import (
	"fmt"
	"strings"
)

// A pattern is a phrase rule matched against a message's tokens within one sentence. Rules are written as
// space-separated slots:
//
//	word|word      one token, any of the words (matched on the normalised form or the stem)
//	no_one|nobody  an alternative of several words, joined by underscores
//	@class         any word or phrase of a word class (wordClasses in rules.go)
//	%concept       any token carrying the concept (lexicon.go), for example %order
//	=word          the word exactly as normalised, not its stem ("=cancelled" is not "cancel")
//	[a|the]        an optional slot
//	...            up to three tokens of anything
//	#              a number, alone or as an alternative (#|one|two)
//	*              any one token
//	^  $           the start or end of the sentence
//
// So "speak|talk to [a|the] [real] @person" matches "talk to the manager" and "speak to a real person".
type pattern struct {
	slots       []slot
	anchorStart bool
	anchorEnd   bool
}

type slot struct {
	words    map[string]bool // normalised words and their stems
	exact    map[string]bool // normalised words matched without stemming
	concepts map[string]bool
	any      bool
	number   bool
	optional bool
	gap      bool
}

func (s *slot) matches(t *token) bool {
	switch {
	case s.any:
		return true
	case s.number && t.kind == kindNumber:
		return true
	}
	return s.words[t.norm] || s.words[t.canon] || s.exact[t.norm] || (t.concept != "" && s.concepts[t.concept])
}

// compilePatterns compiles rule sources, expanding multi-word alternatives into separate patterns.
// A malformed rule is a programming error, reported with the rule text.
func compilePatterns(classes map[string][]string, srcs ...string) []pattern {
	var out []pattern
	for _, src := range srcs {
		for _, variant := range expandVariants(classes, strings.Fields(src)) {
			p, err := compileOne(variant)
			if err != nil {
				panic(fmt.Sprintf("nlp: rule %q: %v", src, err))
			}
			out = append(out, p)
		}
	}
	return out
}

// expandVariants replaces every multi-word alternative (from a class such as @person, or a word the
// normaliser splits, such as "dont") by its own copy of the rule, so that each slot holds single words.
func expandVariants(classes map[string][]string, fields []string) [][]string {
	for i, f := range fields {
		body, optional := slotBody(f)
		if body == "..." || body == "*" || body == "#" || body == "^" || body == "$" {
			continue
		}
		var single []string
		var multi [][]string
		for _, alt := range strings.Split(body, "|") {
			for _, w := range alternatives(classes, alt) {
				if strings.HasPrefix(w, "%") || strings.HasPrefix(w, "=") {
					single = append(single, w)
					continue
				}
				words := normaliseRuleWords(w)
				if len(words) == 1 {
					single = append(single, words[0])
				} else if len(words) > 1 {
					multi = append(multi, words)
				}
			}
		}
		if len(multi) == 0 {
			continue
		}
		var out [][]string
		rest := expandVariants(classes, fields[i+1:])
		head := normaliseFields(classes, fields[:i])
		emit := func(mid []string) {
			for _, r := range rest {
				v := append(append(append([]string(nil), head...), mid...), r...)
				out = append(out, v)
			}
		}
		if len(single) > 0 {
			s := strings.Join(single, "|")
			if optional {
				s = "[" + s + "]"
			}
			emit([]string{s})
		} else if optional {
			emit(nil)
		}
		for _, m := range multi {
			emit(m)
		}
		return out
	}
	return [][]string{normaliseFields(classes, fields)}
}

// normaliseFields resolves classes and normalises the words of a rule that has only single-word
// alternatives left.
func normaliseFields(classes map[string][]string, fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		body, optional := slotBody(f)
		if body == "..." || body == "*" || body == "#" || body == "^" || body == "$" {
			out[i] = f
			continue
		}
		var alts []string
		for _, alt := range strings.Split(body, "|") {
			for _, w := range alternatives(classes, alt) {
				if strings.HasPrefix(w, "%") || strings.HasPrefix(w, "=") {
					alts = append(alts, w)
					continue
				}
				alts = append(alts, normaliseRuleWords(w)...)
			}
		}
		s := strings.Join(alts, "|")
		if optional {
			s = "[" + s + "]"
		}
		out[i] = s
	}
	return out
}

// slotBody returns a slot without the brackets of an optional slot. Unbalanced brackets stay, for
// compileOne to reject.
func slotBody(f string) (body string, optional bool) {
	if len(f) >= 2 && strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") {
		return f[1 : len(f)-1], true
	}
	return f, false
}

// alternatives resolves one alternative: a class name to its members, anything else to itself.
func alternatives(classes map[string][]string, alt string) []string {
	if strings.HasPrefix(alt, "@") {
		members, ok := classes[alt[1:]]
		if !ok {
			panic(fmt.Sprintf("nlp: unknown word class %s", alt))
		}
		return members
	}
	return []string{strings.ReplaceAll(alt, "_", " ")}
}

// normaliseRuleWords reads a rule word as the scanner reads a typed word.
func normaliseRuleWords(w string) []string {
	var out []string
	for _, f := range strings.Fields(w) {
		for _, part := range splitHyphen(foldAccents(strings.ToLower(f))) {
			out = append(out, expand(part)...)
		}
	}
	return out
}

func compileOne(fields []string) (pattern, error) {
	var p pattern
	for i, f := range fields {
		switch {
		case f == "^":
			if i != 0 {
				return p, fmt.Errorf("^ must come first")
			}
			p.anchorStart = true
			continue
		case f == "$":
			if i != len(fields)-1 {
				return p, fmt.Errorf("$ must come last")
			}
			p.anchorEnd = true
			continue
		}
		var s slot
		body, optional := slotBody(f)
		s.optional = optional
		if strings.ContainsAny(body, "[] ") {
			return p, fmt.Errorf("slot %q: join the words of a phrase with _ inside one slot", f)
		}
		switch body {
		case "...":
			s.gap = true
		case "*":
			s.any = true
		case "#":
			s.number = true
		default:
			s.words = map[string]bool{}
			for _, alt := range strings.Split(body, "|") {
				if alt == "" {
					return p, fmt.Errorf("empty alternative in %q", f)
				}
				if alt == "#" {
					s.number = true
					continue
				}
				if strings.HasPrefix(alt, "=") {
					if s.exact == nil {
						s.exact = map[string]bool{}
					}
					s.exact[alt[1:]] = true
					continue
				}
				if strings.HasPrefix(alt, "%") {
					if s.concepts == nil {
						s.concepts = map[string]bool{}
					}
					s.concepts["@"+alt[1:]] = true
					continue
				}
				s.words[alt] = true
				s.words[canon(alt)] = true
			}
		}
		p.slots = append(p.slots, s)
	}
	if len(p.slots) == 0 {
		return p, fmt.Errorf("no slots")
	}
	return p, nil
}

// maxGap is how many tokens "..." may skip.
const maxGap = 3

// find returns the first match at or after token from: the index of its first and one past its last token.
func (p *pattern) find(ts []token, from int) (start, end int, ok bool) {
	for i := from; i < len(ts); i++ {
		if p.anchorStart && i > 0 && ts[i-1].sent == ts[i].sent {
			continue
		}
		if e, ok := p.matchAt(ts, i, 0, ts[i].sent); ok {
			return i, e, true
		}
	}
	return 0, 0, false
}

func (p *pattern) matchAt(ts []token, i, k, sent int) (int, bool) {
	if k == len(p.slots) {
		if p.anchorEnd && i < len(ts) && ts[i].sent == sent {
			return 0, false
		}
		return i, true
	}
	s := &p.slots[k]
	if s.gap {
		for g := 0; g <= maxGap; g++ {
			j := i + g
			if j > len(ts) || (g > 0 && ts[j-1].sent != sent) {
				break
			}
			if e, ok := p.matchAt(ts, j, k+1, sent); ok {
				return e, true
			}
		}
		return 0, false
	}
	if i < len(ts) && ts[i].sent == sent && s.matches(&ts[i]) {
		if e, ok := p.matchAt(ts, i+1, k+1, sent); ok {
			return e, true
		}
	}
	if s.optional {
		return p.matchAt(ts, i, k+1, sent)
	}
	return 0, false
}

// match is one rule matched in a message: the index of its first and one past its last token.
type match struct {
	start, end int
}

// ruleSet is a group of compiled patterns with an index from the words of each pattern's first required
// slot to the pattern, so that a message is only tried against the patterns whose anchor word it holds.
type ruleSet struct {
	patterns  []pattern
	byWord    map[string][]int // normalised word or stem -> patterns anchored on it
	byConcept map[string][]int // concept -> patterns anchored on it
	always    []int            // patterns without a word anchor (numbers, any token)
}

func newRuleSet(ps []pattern) ruleSet {
	rs := ruleSet{patterns: ps, byWord: map[string][]int{}, byConcept: map[string][]int{}}
	for i := range ps {
		var anchor *slot
		for k := range ps[i].slots {
			if s := &ps[i].slots[k]; !s.optional && !s.gap {
				anchor = s
				break
			}
		}
		if anchor == nil || anchor.any || anchor.number {
			rs.always = append(rs.always, i)
			continue
		}
		for w := range anchor.words {
			rs.byWord[w] = append(rs.byWord[w], i)
		}
		for w := range anchor.exact {
			rs.byWord[w] = append(rs.byWord[w], i)
		}
		for c := range anchor.concepts {
			rs.byConcept[c] = append(rs.byConcept[c], i)
		}
	}
	return rs
}

// candidates returns, in rule order, the patterns that may match ts.
func (rs *ruleSet) candidates(ts []token) []int {
	seen := make([]bool, len(rs.patterns))
	for _, i := range rs.always {
		seen[i] = true
	}
	for k := range ts {
		t := &ts[k]
		for _, i := range rs.byWord[t.norm] {
			seen[i] = true
		}
		if t.canon != t.norm {
			for _, i := range rs.byWord[t.canon] {
				seen[i] = true
			}
		}
		if t.concept != "" {
			for _, i := range rs.byConcept[t.concept] {
				seen[i] = true
			}
		}
	}
	var out []int
	for i, ok := range seen {
		if ok {
			out = append(out, i)
		}
	}
	return out
}

// each calls fn for every match of every pattern in rule order, until fn returns false. negated matches
// are included; fn decides.
func (rs *ruleSet) each(ts []token, fn func(p int, m match) bool) {
	for _, i := range rs.candidates(ts) {
		for from := 0; from < len(ts); {
			s, e, ok := rs.patterns[i].find(ts, from)
			if !ok {
				break
			}
			if !fn(i, match{start: s, end: e}) {
				return
			}
			from = s + 1
		}
	}
}

// first reports the first match that no negation governs ("I don't need a refund" does not ask for one).
func (rs *ruleSet) first(ts []token) (match, bool) {
	var found match
	ok := false
	rs.each(ts, func(_ int, m match) bool {
		if negatedAt(ts, m.start) {
			return true
		}
		found, ok = m, true
		return false
	})
	return found, ok
}

// any reports whether any pattern matches, negated or not.
func (rs *ruleSet) any(ts []token) bool {
	ok := false
	rs.each(ts, func(int, match) bool {
		ok = true
		return false
	})
	return ok
}

// sentences returns the sentences in which some pattern matches.
func (rs *ruleSet) sentences(ts []token) map[int]bool {
	out := map[int]bool{}
	rs.each(ts, func(_ int, m match) bool {
		out[ts[m.start].sent] = true
		return true
	})
	return out
}

// negatedAt reports whether the words before token i negate it: a negator within four tokens of the same
// clause, with only words such as "want", "need", "a" or "my" between ("I don't need a refund", "ek wil nie
// my geld terug hê nie"). "I haven't received my refund" is not a negated refund: "received" stops the scope.
func negatedAt(ts []token, i int) bool {
	for k, n := i-1, 0; k >= 0 && n < 5; k, n = k-1, n+1 {
		t := &ts[k]
		if t.clause != ts[i].clause {
			return false
		}
		if negators[t.norm] {
			return true
		}
		if !negationTransparent[t.norm] {
			return false
		}
	}
	return false
}

// negators negate what follows them.
var negators = map[string]bool{
	"not": true, "no": true, "never": true, "nie": true, "geen": true, "without": true,
	"angifuni": true, "andifuni": true, "nothing": true, "dont": true,
}

// negationTransparent are words a negation reaches across: "not (want to) talk", "no (need for a) refund".
var negationTransparent = map[string]bool{
	"want": true, "wanna": true, "need": true, "needs": true, "would": true, "like": true,
	"looking": true, "look": true, "for": true, "asking": true, "ask": true, "about": true, "to": true,
	"a": true, "an": true, "the": true, "my": true, "any": true, "really": true, "actually": true,
	"even": true, "interested": true, "in": true, "request": true, "requesting": true, "get": true,
	"getting": true, "do": true, "does": true, "did": true, "i": true, "am": true, "we": true,
	"is": true, "it": true, "wil": true, "n": true, "die": true, "ek": true, "ons": true,
	"necessarily": true, "be": true, "have": true, "has": true, "please": true,
}
