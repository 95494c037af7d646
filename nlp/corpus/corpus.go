// Package corpus expands the local engine's training templates (nlp/train/templates.txt) into labelled
// messages. Each template is expanded with its own seeded generator, so adding a template leaves the
// expansion of the others unchanged, and the whole corpus is the same on every run.
package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/supportd/supportd/nlp"
	"github.com/supportd/supportd/workflows/conversation"
)

// Seed is the seed the committed corpus is expanded with.
const Seed = 2026

// defaultCount is how many messages a template gives when it does not say; every count is multiplied by
// scale.
const (
	defaultCount = 16
	scale        = 5
)

// Build expands dir/train/templates.txt (dir is the nlp package directory) and drops every message close
// to one of the evaluation sets in dir/testdata (see Near). It returns the corpus and how many were dropped.
func Build(dir string) ([]nlp.Example, int, error) {
	src, err := os.ReadFile(filepath.Join(dir, "train", "templates.txt"))
	if err != nil {
		return nil, 0, err
	}
	examples, err := Expand(string(src), Seed)
	if err != nil {
		return nil, 0, err
	}
	evaluated, err := evaluatedTexts(filepath.Join(dir, "testdata"))
	if err != nil {
		return nil, 0, err
	}
	near := NewNear(evaluated)
	kept := examples[:0]
	for _, x := range examples {
		if !near.Near(x.Text) {
			kept = append(kept, x)
		}
	}
	return kept, len(examples) - len(kept), nil
}

// Encode writes examples as JSON lines, the format of corpus.jsonl.
func Encode(examples []nlp.Example) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, x := range examples {
		if err := enc.Encode(x); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// evaluatedTexts reads the text of every message of the evaluation sets.
func evaluatedTexts(testdata string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(testdata, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var l struct {
				Text string `json:"text"`
			}
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			out = append(out, l.Text)
		}
	}
	return out, nil
}

// Expand reads templates (see the header of templates.txt) and returns their messages, in template order.
func Expand(src string, seed uint64) ([]nlp.Example, error) {
	slots := map[string][]string{}
	type tmpl struct {
		line      int
		intent    conversation.Intent
		sentiment conversation.Sentiment
		count     int
		text      string
	}
	var ts []tmpl
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "$") {
			name, vals, ok := strings.Cut(line[1:], "=")
			if !ok {
				return nil, fmt.Errorf("line %d: slot without '='", n+1)
			}
			var vs []string
			for _, v := range splitTop(vals) {
				vs = append(vs, strings.TrimSpace(v))
			}
			slots[strings.TrimSpace(name)] = vs
			continue
		}
		head, text, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: template without ':'", n+1)
		}
		f := strings.Fields(head)
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("line %d: want \"intent sentiment [count] : text\"", n+1)
		}
		t := tmpl{line: n + 1, intent: conversation.Intent(f[0]), sentiment: conversation.Sentiment(f[1]), count: defaultCount,
			text: strings.TrimSpace(text)}
		if !t.intent.Valid() || !t.sentiment.Valid() {
			return nil, fmt.Errorf("line %d: unknown intent or sentiment", n+1)
		}
		if len(f) == 3 {
			c, err := strconv.Atoi(f[2])
			if err != nil || c < 1 {
				return nil, fmt.Errorf("line %d: bad count %q", n+1, f[2])
			}
			t.count = c
		}
		ts = append(ts, t)
	}
	var out []nlp.Example
	seen := map[string]bool{}
	for i, t := range ts {
		rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
		x := expander{slots: slots, rng: rng}
		made := 0
		want := t.count * scale
		for try := 0; made < want && try < want*6; try++ {
			s, err := x.expand(t.text, 0)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", t.line, err)
			}
			s = tidy(s)
			for k, v := range variants(s, t.intent, t.sentiment, rng) {
				if k > 0 && made >= want {
					break
				}
				key := Key(v)
				if key == "" && !hasSymbol(v) || seen[key+"\x00"+v] || seen[key] {
					continue
				}
				seen[key] = true
				out = append(out, nlp.Example{Text: v, Intent: t.intent, Sentiment: t.sentiment})
				made++
			}
		}
	}
	return out, nil
}

type expander struct {
	slots map[string][]string
	rng   *rand.Rand
}

func (x *expander) expand(s string, depth int) (string, error) {
	if depth > 8 {
		return "", fmt.Errorf("slots nest too deep in %q", s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{':
			end := matching(s, i)
			if end < 0 {
				return "", fmt.Errorf("unclosed '{' in %q", s)
			}
			choices := splitTop(s[i+1 : end])
			v, err := x.expand(choices[x.rng.IntN(len(choices))], depth+1)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i = end
		case c == '$':
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			vals, ok := x.slots[s[i+1:j]]
			if !ok {
				return "", fmt.Errorf("unknown slot $%s", s[i+1:j])
			}
			v, err := x.expand(vals[x.rng.IntN(len(vals))], depth+1)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i = j - 1
		case c == 'R' && i+1 < len(s) && s[i+1] == '#':
			b.WriteString(x.amount())
			i++
		case c == '#':
			b.WriteString(strconv.Itoa(1000 + x.rng.IntN(99000)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// amount writes a rand amount as people type it: R350, R1 200, R2,499, R4000, R12k.
func (x *expander) amount() string {
	n := []int{95, 150, 199, 250, 299, 350, 450, 499, 600, 750, 899, 1100, 1200, 1499, 1800, 2000, 2499, 3400,
		4000, 5200, 7999, 12000}[x.rng.IntN(22)]
	switch x.rng.IntN(4) {
	case 0:
		if n >= 1000 {
			return fmt.Sprintf("R%d %03d", n/1000, n%1000)
		}
	case 1:
		if n >= 1000 {
			return fmt.Sprintf("R%d,%03d", n/1000, n%1000)
		}
	case 2:
		if n >= 1000 && n%1000 == 0 {
			return fmt.Sprintf("R%dk", n/1000)
		}
	}
	return fmt.Sprintf("R%d", n)
}

// matching returns the index of the '}' closing the '{' at i, or -1.
func matching(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitTop splits s at the '|' outside braces.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '{':
			depth++
		case '}':
			depth--
		case '|':
			if depth == 0 {
				out = append(out, s[start:j])
				start = j + 1
			}
		}
	}
	return append(out, s[start:])
}

// tidy collapses spaces and removes spaces before punctuation.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{" ,", " .", " ?", " !", " :"} {
		for strings.Contains(s, p) {
			s = strings.ReplaceAll(s, p, p[1:])
		}
	}
	s = strings.TrimLeft(s, ",.: ")
	return s
}

// variants returns s and, some of the time, a copy typed differently: in lower case, without its final
// full stop, with a typo, with an emoji that fits its feeling, or (angry only) in capitals.
func variants(s string, intent conversation.Intent, sentiment conversation.Sentiment, rng *rand.Rand) []string {
	out := []string{s}
	if rng.Float64() >= 0.45 {
		return out
	}
	v := s
	switch r := rng.Float64(); {
	case r < 0.35:
		v = strings.ToLower(v)
	case r < 0.55:
		v = typo(v, rng)
	case r < 0.7:
		v = strings.TrimSuffix(strings.TrimSuffix(v, "."), "?")
		v = strings.ToLower(v)
	case r < 0.85:
		var pool []string
		switch sentiment {
		case conversation.SentimentPositive:
			pool = []string{"😊", "🙏", "👍", "😍", "🥰"}
		case conversation.SentimentNegative:
			pool = []string{"😞", "😢", "😕"}
		case conversation.SentimentAngry:
			pool = []string{"😡", "🤬", "😤😤"}
		default:
			if intent == conversation.IntentOther {
				return out
			}
			pool = []string{"🙏", "🙂"}
		}
		v += " " + pool[rng.IntN(len(pool))]
	default:
		if sentiment == conversation.SentimentAngry {
			v = strings.ToUpper(v)
		} else {
			v = typo(strings.ToLower(v), rng)
		}
	}
	if v != s {
		out = append(out, v)
	}
	return out
}

// typo drops or swaps a letter inside one longer word.
func typo(s string, rng *rand.Rand) string {
	words := strings.Split(s, " ")
	var long []int
	for i, w := range words {
		if len(w) >= 5 && isASCIIWord(w) {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return s
	}
	i := long[rng.IntN(len(long))]
	w := []byte(words[i])
	p := 1 + rng.IntN(len(w)-2)
	if rng.IntN(2) == 0 {
		w = append(w[:p], w[p+1:]...)
	} else {
		w[p], w[p+1] = w[p+1], w[p]
	}
	words[i] = string(w)
	return strings.Join(words, " ")
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if !(w[i] >= 'a' && w[i] <= 'z' || w[i] >= 'A' && w[i] <= 'Z') {
			return false
		}
	}
	return true
}

func hasSymbol(s string) bool {
	for _, r := range s {
		if unicode.IsSymbol(r) {
			return true
		}
	}
	return false
}

// Key is a message reduced for comparison: lower case, letters, digits and symbols only, single spaces.
func Key(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSymbol(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// Near finds corpus lines too close to evaluated messages to be trained on.
type Near struct {
	exact map[string]bool
	sets  [][]string
}

// nearJaccard is the share of shared words (of all words in either) from which two messages count as
// near copies.
const nearJaccard = 0.5

// NewNear indexes the evaluated messages.
func NewNear(evaluated []string) *Near {
	n := &Near{exact: map[string]bool{}}
	for _, s := range evaluated {
		n.exact[Key(s)] = true
		if w := words(s); len(w) >= 3 {
			n.exact[wordsKey(s)] = true
			n.sets = append(n.sets, w)
		}
	}
	return n
}

// Near reports whether s equals an evaluated message up to case and punctuation, or, for messages of three
// words or more, has the same words or shares at least half its words with one.
func (n *Near) Near(s string) bool {
	if n.exact[Key(s)] {
		return true
	}
	w := words(s)
	if len(w) < 3 {
		return false
	}
	if n.exact[wordsKey(s)] {
		return true
	}
	for _, e := range n.sets {
		if jaccard(w, e) >= nearJaccard {
			return true
		}
	}
	return false
}

// words returns the distinct lower-case words of s, sorted.
func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	sort.Strings(f)
	return slices.Compact(f)
}

func wordsKey(s string) string { return strings.Join(words(s), " ") }

func jaccard(a, b []string) float64 {
	i, j, both := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			both++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}
