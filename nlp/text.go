package nlp

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// tokenKind says what a token holds.
type tokenKind uint8

const (
	kindWord   tokenKind = iota
	kindNumber           // digits, possibly with separators: 5544, 08:00, 1,500
	kindMoney            // a rand amount: R95, R1,500
)

// token is one word of a message after normalisation.
type token struct {
	raw   string // as typed, without surrounding punctuation
	norm  string // lower case, accents folded, spelling variant resolved
	canon string // light stem of norm, the form words are matched on
	// concept is the knowledge concept the word, or the phrase it starts, stands for ("" when none).
	concept string
	// inPhrase marks the second and later words of a multi-word concept phrase.
	inPhrase bool
	kind     tokenKind
	caps     bool // typed in capitals (two or more letters)
	hash     bool // typed with a leading '#', as order numbers are
	sent     int  // sentence index
	clause   int  // clause index: commas, "but" and sentence ends separate clauses
	// start and end are the rune offsets of the typed word the token comes from.
	start, end int
}

// message is a parsed customer message.
type message struct {
	text   string
	tokens []token
	emoji  []string // emoji in order of appearance, skin tones and joiners removed
	// maxExclaim and maxQuestion are the longest runs of '!' and '?'.
	maxExclaim, maxQuestion int
	// mixedMarks reports "?!" or "!?".
	mixedMarks bool
	// questions[i] reports whether sentence i reads as a question.
	questions []bool
}

// sentences returns the number of sentences that hold tokens.
func (m *message) sentences() int {
	if len(m.tokens) == 0 {
		return 0
	}
	return m.tokens[len(m.tokens)-1].sent + 1
}

// hasEmoji reports whether any emoji of set appears in the message, with the highest weight set gives one.
func (m *message) hasEmoji(set map[string]float64) (float64, bool) {
	best, found := 0.0, false
	for _, e := range m.emoji {
		if w, ok := set[e]; ok {
			if !found || w > best {
				best = w
			}
			found = true
		}
	}
	return best, found
}

// hasNorm reports whether any token's normalised form is in set.
func (m *message) hasNorm(set map[string]bool) bool {
	for _, t := range m.tokens {
		if set[t.norm] {
			return true
		}
	}
	return false
}

// maxAnalysed is the longest text read, in runes: WhatsApp's own limit on a message. Anything longer is
// read up to the limit, which keeps the time a message takes bounded.
const maxAnalysed = 4096

// parse normalises and tokenises text. It depends only on the package's immutable tables, so that Topic and
// the engine read a message the same way.
func parse(text string) *message {
	if utf8.RuneCountInString(text) > maxAnalysed {
		text = string([]rune(text)[:maxAnalysed])
	}
	m := &message{text: text}
	sc := scanner{m: m}
	sc.run(text)
	markConcepts(m.tokens)
	m.questions = make([]bool, m.sentences())
	for i := range m.questions {
		m.questions[i] = sc.questionEnd[i] || startsQuestion(m.tokens, i)
	}
	return m
}

// scanner splits text into words, punctuation runs and emoji.
type scanner struct {
	m           *message
	sent        int
	clause      int
	sentOpen    bool // the current sentence has tokens
	questionEnd map[int]bool
	start, end  int // rune offsets of the word being added
}

func (s *scanner) breakSentence(question bool) {
	if s.sentOpen {
		if question {
			if s.questionEnd == nil {
				s.questionEnd = map[int]bool{}
			}
			s.questionEnd[s.sent] = true
		}
		s.sent++
		s.clause++
		s.sentOpen = false
	} else if question && s.sent > 0 {
		if s.questionEnd == nil {
			s.questionEnd = map[int]bool{}
		}
		s.questionEnd[s.sent-1] = true
	}
}

func (s *scanner) breakClause() {
	if s.sentOpen {
		s.clause++
	}
}

func (s *scanner) run(text string) {
	rs := []rune(text)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isWordRune(r) || (r == '#' && i+1 < len(rs) && unicode.IsDigit(rs[i+1])):
			j := i + 1
			for j < len(rs) && (isWordRune(rs[j]) || joinsWord(rs, j)) {
				j++
			}
			s.start, s.end = i, j
			s.word(string(rs[i:j]))
			i = j
		case r == '!' || r == '?':
			j := i
			ex, q := 0, 0
			for j < len(rs) && (rs[j] == '!' || rs[j] == '?' || rs[j] == '1' && ex > 0) {
				if rs[j] == '?' {
					q++
				} else {
					ex++
				}
				j++
			}
			if ex > s.m.maxExclaim {
				s.m.maxExclaim = ex
			}
			if q > s.m.maxQuestion {
				s.m.maxQuestion = q
			}
			if ex > 0 && q > 0 {
				s.m.mixedMarks = true
			}
			s.breakSentence(q > 0)
			i = j
		case r == '.' || r == ';' || r == '\n' || r == '\r':
			s.breakSentence(false)
			i++
		case r == ',' || r == ':' || r == '(' || r == ')' || r == '-' || r == '/' || r == '"' || r == '…':
			s.breakClause()
			i++
		case r == '&':
			s.start, s.end = i, i+1
			s.add("&", "and", false)
			i++
		case isEmojiRune(r):
			j := i
			for j < len(rs) && (isEmojiRune(rs[j]) || isEmojiModifier(rs[j])) {
				if isEmojiRune(rs[j]) {
					s.m.emoji = append(s.m.emoji, string(rs[j]))
				}
				j++
			}
			s.breakSentence(false)
			i = j
		default:
			i++
		}
	}
}

// isWordRune reports letters and digits, including accented letters.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// joinsWord reports punctuation that belongs inside a word: apostrophes between letters, separators inside
// numbers (1,500 08:00 1.5) and hyphens inside words (e-mail, i-order, call-back).
func joinsWord(rs []rune, j int) bool {
	if j+1 >= len(rs) || j == 0 {
		return false
	}
	prev, next := rs[j-1], rs[j+1]
	switch rs[j] {
	case '\'', '’', '‘', 'ʼ', '`':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case ',', '.', ':':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	case '-':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	}
	return false
}

// isEmojiRune reports pictographs and symbols people use as emoji.
func isEmojiRune(r rune) bool {
	switch {
	case r >= 0x1F300 && r <= 0x1FAFF:
		return !isEmojiModifier(r)
	case r >= 0x2600 && r <= 0x27BF:
		return true
	case r == 0x2B50 || r == 0x2764 || r == 0x2639 || r == 0x263A:
		return true
	}
	return false
}

// isEmojiModifier reports skin tones, joiners and variation selectors.
func isEmojiModifier(r rune) bool {
	return (r >= 0x1F3FB && r <= 0x1F3FF) || r == 0x200D || r == 0xFE0F || r == 0xFE0E
}

// word normalises one scanned word and appends its tokens.
func (s *scanner) word(w string) {
	hash := false
	if strings.HasPrefix(w, "#") {
		hash = true
		w = w[1:]
	}
	caps := isCaps(w)
	lower := foldAccents(strings.ToLower(w))
	if n, kind, ok := numberToken(lower); ok {
		s.addToken(token{raw: w, norm: n, canon: n, kind: kind, hash: hash})
		return
	}
	for _, part := range splitHyphen(lower) {
		for _, n := range expand(part) {
			s.add(w, n, caps)
		}
	}
}

func (s *scanner) add(raw, norm string, caps bool) {
	s.addToken(token{raw: raw, norm: norm, canon: canon(norm), caps: caps})
}

func (s *scanner) addToken(t token) {
	if breaksClause[t.norm] && s.sentOpen {
		s.clause++
	}
	t.sent, t.clause = s.sent, s.clause
	t.start, t.end = s.start, s.end
	s.m.tokens = append(s.m.tokens, t)
	s.sentOpen = true
}

// numberToken recognises digits (5544, 08:00, 1,500) and rand amounts (r95, r1,500).
func numberToken(w string) (string, tokenKind, bool) {
	kind := kindNumber
	digits := w
	if len(w) > 1 && w[0] == 'r' && w[1] >= '0' && w[1] <= '9' {
		kind = kindMoney
		digits = w[1:]
	}
	if digits == "" || digits[0] < '0' || digits[0] > '9' {
		return "", 0, false
	}
	for _, r := range digits {
		if !(r >= '0' && r <= '9') && r != ',' && r != '.' && r != ':' {
			if kind == kindNumber && isOrdinalSuffix(digits) {
				return digits, kindNumber, true
			}
			return "", 0, false
		}
	}
	return strings.NewReplacer(",", "", ".", "").Replace(digits), kind, true
}

// isOrdinalSuffix reports 1st, 2nd, 3rd, 24th, 2x, 3pm and similar number words.
func isOrdinalSuffix(w string) bool {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	switch w[i:] {
	case "st", "nd", "rd", "th", "x", "am", "pm", "h", "hrs", "km", "kg":
		return true
	}
	return false
}

// isCaps reports a word typed in capitals with at least two letters.
func isCaps(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			letters++
		}
	}
	return letters >= 2
}

// foldAccents removes the accents Afrikaans and typing habits put on letters (môre, hê, dié, café): the
// combining marks of the letters' canonical decomposition. It also makes typographic apostrophes plain.
func foldAccents(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	// A transformer keeps state while it runs: each call has its own.
	fold := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(plainApostrophe), norm.NFC)
	folded, _, err := transform.String(fold, s)
	if err != nil {
		return s
	}
	return folded
}

// plainApostrophe turns the apostrophes phones and word processors type into '.
func plainApostrophe(r rune) rune {
	switch r {
	case '’', '‘', 'ʼ', '`':
		return '\''
	}
	return r
}

// splitHyphen joins e-mail style words and drops isiZulu noun prefixes on borrowed words (i-order, ama-parcel),
// and splits other hyphenated words into their parts.
func splitHyphen(w string) []string {
	if !strings.Contains(w, "-") {
		return []string{w}
	}
	parts := strings.Split(w, "-")
	if len(parts) == 2 {
		switch {
		case parts[0] == "e" && (parts[1] == "mail" || parts[1] == "pos" || parts[1] == "post"):
			return []string{"email"}
		case zuluPrefixes[parts[0]]:
			return []string{parts[1]}
		case len(parts[0]) == 1 || len(parts[1]) == 1:
			return []string{parts[0] + parts[1]}
		}
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// expand resolves contractions, elongations and spelling variants of one lower-case word into one or more
// normalised words.
func expand(w string) []string {
	if strings.ContainsRune(w, '\'') {
		return expandContraction(w)
	}
	w = collapseRepeats(w)
	if v, ok := variants[w]; ok {
		return strings.Fields(v)
	}
	return []string{w}
}

// expandContraction turns don't into do not, where's into where is, I'm into I am and 'n into n.
func expandContraction(w string) []string {
	switch {
	case strings.HasSuffix(w, "n't"):
		base := w[:len(w)-3]
		switch base {
		case "ca":
			base = "can"
		case "wo":
			base = "will"
		case "sha":
			base = "shall"
		case "ai":
			base = "is"
		}
		return []string{base, "not"}
	case strings.HasSuffix(w, "'s"):
		base := w[:len(w)-2]
		if copulaBases[base] {
			return []string{base, "is"}
		}
		if base == "let" {
			return []string{"let", "us"}
		}
		return expand(base)
	case strings.HasSuffix(w, "'m"):
		return []string{w[:len(w)-2], "am"}
	case strings.HasSuffix(w, "'re"):
		return []string{w[:len(w)-3], "are"}
	case strings.HasSuffix(w, "'ve"):
		return []string{w[:len(w)-3], "have"}
	case strings.HasSuffix(w, "'ll"):
		return []string{w[:len(w)-3], "will"}
	case strings.HasSuffix(w, "'d"):
		return []string{w[:len(w)-2], "would"}
	}
	return expand(strings.ReplaceAll(w, "'", ""))
}

// collapseRepeats shortens letters typed three or more times (pleeease, hiii, noooo): to one letter when that
// gives a known word, else to two.
func collapseRepeats(w string) string {
	if len(w) < 3 {
		return w
	}
	run := false
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] {
			run = true
			break
		}
	}
	if !run {
		return w
	}
	one := squeeze(w, 1)
	if knownWord(one) {
		return one
	}
	return squeeze(w, 2)
}

// squeeze limits every run of one letter to max repetitions.
func squeeze(w string, max int) string {
	b := make([]byte, 0, len(w))
	n := 0
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] {
			n++
		} else {
			n = 1
		}
		if n <= max {
			b = append(b, w[i])
		}
	}
	return string(b)
}

// knownWord reports words the tables know, used to undo elongation.
func knownWord(w string) bool {
	if _, ok := variants[w]; ok {
		return true
	}
	if _, ok := concepts[w]; ok {
		return true
	}
	return stopwords[w] || greetingWords[w] || thanksWords[w] || yesWords[w] || noWords[w]
}

// canon is a light English stemmer: it removes plural -s, -ing, -ed and -ly and a final -e, so that
// "closing", "closes" and "close" meet at "clos". It is only ever compared with itself.
func canon(w string) string {
	if len(w) < 4 || !isAlpha(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"):
	case strings.HasSuffix(w, "is") && !isVowel(w[len(w)-3]):
		// this, analysis, tennis; but braais, sais
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w) >= 6:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && len(w) >= 5:
		w = undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "ly") && len(w) >= 6:
		w = w[:len(w)-2]
	}
	if strings.HasSuffix(w, "e") && len(w) >= 5 {
		w = w[:len(w)-1]
	}
	return w
}

// undouble drops one of two final identical consonants (shipp, stopp), except l, s and z (call, miss, buzz).
func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func isVowel(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }

func isAlpha(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// lookupConcept finds the concept of a word by its normalised form, its stem, or its stem with a final e
// restored (closing -> clos -> close).
func lookupConcept(t *token) string {
	if c, ok := concepts[t.norm]; ok {
		return c
	}
	if c, ok := concepts[t.canon]; ok {
		return c
	}
	if c, ok := concepts[t.canon+"e"]; ok {
		return c
	}
	for _, a := range affixConcepts {
		if len(t.norm) >= len(a.part)+2 && strings.Contains(t.norm, a.part) {
			return a.concept
		}
	}
	if t.kind == kindWord && !knownWord(t.norm) {
		if w, ok := nearestWord(t.norm, conceptWords); ok {
			return concepts[w]
		}
	}
	return ""
}

// conceptWords are the single words of the concept lexicon, by length, for typo tolerance.
var conceptWords = wordsByLength(func(yield func(string)) {
	for w := range concepts {
		if !strings.Contains(w, " ") {
			yield(w)
		}
	}
})

// wordsByLength groups words of five letters or more by length.
func wordsByLength(each func(func(string))) map[int][]string {
	out := map[int][]string{}
	each(func(w string) {
		if len(w) >= 5 && isAlpha(w) {
			out[len(w)] = append(out[len(w)], w)
		}
	})
	for _, ws := range out {
		sort.Strings(ws)
	}
	return out
}

// nearestWord finds the word of vocab one typo away from w (a letter dropped, added, changed or two
// swapped), for words of five letters or more that start with the same letter. When several are, the
// first in order wins, so the result does not depend on map order.
func nearestWord(w string, vocab map[int][]string) (string, bool) {
	if len(w) < 5 || !isAlpha(w) {
		return "", false
	}
	for _, n := range []int{len(w), len(w) + 1, len(w) - 1} {
		for _, v := range vocab[n] {
			if v[0] == w[0] && oneTypo(w, v) {
				return v, true
			}
		}
	}
	return "", false
}

// oneTypo reports whether a and b differ by one edit: a deletion, insertion, substitution or the swap of
// two neighbouring letters.
func oneTypo(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}

// markConcepts assigns concepts to words and to phrases of two or three words, longest phrase first.
func markConcepts(ts []token) {
	for i := 0; i < len(ts); i++ {
		if ts[i].inPhrase {
			continue
		}
		if n, c := phraseAt(ts, i); n > 0 {
			ts[i].concept = c
			for k := i + 1; k < i+n; k++ {
				ts[k].inPhrase = true
				ts[k].concept = c
			}
			i += n - 1
			continue
		}
		if returnVerbs[ts[i].canon] {
			if k := particleBack(ts, i); k > 0 {
				ts[i].concept = conceptReturn
				ts[k].concept = conceptReturn
				ts[k].inPhrase = true
				continue
			}
		}
		if n := markDate(ts, i); n > 0 {
			i += n - 1
			continue
		}
		switch ts[i].kind {
		case kindMoney:
			ts[i].concept = conceptMoney
		case kindNumber:
			if i+1 < len(ts) && durationUnits[ts[i+1].canon] {
				ts[i].concept = conceptDuration
				ts[i+1].concept = conceptDuration
				ts[i+1].inPhrase = true
				i++
			}
		default:
			ts[i].concept = lookupConcept(&ts[i])
		}
	}
}

// markDate recognises a date ("16th of December", "16 Dec", "December 16") starting at ts[i] and marks it
// a public holiday or a day. It returns the number of tokens it used, 0 when there is no date.
func markDate(ts []token, i int) int {
	day, month, n := 0, 0, 0
	switch {
	case ts[i].kind == kindNumber:
		day = leadingNumber(ts[i].norm)
		k := i + 1
		if k < len(ts) && ts[k].norm == "of" {
			k++
		}
		if k < len(ts) && ts[k].sent == ts[i].sent {
			month, n = months[ts[k].norm], k-i+1
		}
	case months[ts[i].norm] > 0 && ts[i].norm != "may" && ts[i].norm != "mar":
		if k := i + 1; k < len(ts) && ts[k].kind == kindNumber && ts[k].sent == ts[i].sent {
			month, day, n = months[ts[i].norm], leadingNumber(ts[k].norm), 2
		}
	}
	if month == 0 || day < 1 || day > 31 {
		return 0
	}
	concept := conceptWhenDay
	if publicHolidays[month*100+day] {
		concept = conceptHoliday
	}
	for k := i; k < i+n; k++ {
		ts[k].concept = concept
		ts[k].inPhrase = k > i
	}
	return n
}

// leadingNumber reads the digits at the start of s ("16th" is 16).
func leadingNumber(s string) int {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && i < 4; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// returnVerbs with "back" a few words later mean a return: "bring the chair back", "send it back".
var returnVerbs = map[string]bool{
	"bring": true, "brought": true, "send": true, "sent": true, "take": true, "tak": true, "took": true,
}

// particleBack returns the index of "back" (or "terug") within four words after ts[i] in its clause, or 0.
func particleBack(ts []token, i int) int {
	for k := i + 1; k < len(ts) && k <= i+4 && ts[k].clause == ts[i].clause; k++ {
		if ts[k].norm == "back" || ts[k].norm == "terug" {
			return k
		}
	}
	return 0
}

// phraseAt reports the length and concept of a concept phrase starting at ts[i].
func phraseAt(ts []token, i int) (int, string) {
	for n := 3; n >= 2; n-- {
		if i+n > len(ts) || ts[i+n-1].sent != ts[i].sent {
			continue
		}
		var nb, cb strings.Builder
		for k := i; k < i+n; k++ {
			if k > i {
				nb.WriteByte(' ')
				cb.WriteByte(' ')
			}
			nb.WriteString(ts[k].norm)
			cb.WriteString(ts[k].canon)
		}
		if c, ok := phrases[nb.String()]; ok {
			return n, c
		}
		if c, ok := phrases[cb.String()]; ok {
			return n, c
		}
	}
	return 0, ""
}

// startsQuestion reports whether sentence s opens with a question word.
func startsQuestion(ts []token, s int) bool {
	for _, t := range ts {
		if t.sent < s {
			continue
		}
		if t.sent > s {
			return false
		}
		if greetingWords[t.norm] || fillerWords[t.norm] {
			continue
		}
		return questionWords[t.norm]
	}
	return false
}
