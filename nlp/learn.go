package nlp

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/supportd/supportd/workflows/conversation"
)

// The learned layer is a linear model (multinomial logistic regression, one softmax over intents and one
// over sentiments) on hashed features of a message: its words, word pairs and character n-grams, its emoji,
// and what the rest of the engine found (the rules' intent and sentiment, VADER's compound score, anger
// points, shouting, "!!"/"??", amounts, negation, retrieval's verdict, and the cues of cues.go). It is
// trained by `go run ./nlp/cmd/train` on nlp/train/corpus.jsonl and embedded as model.bin.
//
// The rules stay where they are precise: an explicit request for a person decides on its own. Everywhere
// else the model decides, with the rules' verdict as one of its inputs, so it learns when to trust them.

// Model dimensions. The weights are a table of modelBuckets rows (hashed features) by modelOutputs
// columns: the intents of conversation.Intents, then the sentiments of conversation.Sentiments.
const (
	modelBuckets = 1 << 15
	nIntents     = 8
	nSentiments  = 4
	modelOutputs = nIntents + nSentiments
	// featureVersion changes whenever features() changes, so that stale weights are refused.
	featureVersion = 3
)

//go:generate go run ./cmd/train -dir .

//go:embed model.bin
var embeddedModel []byte

var modelMagic = [4]byte{'S', 'D', 'L', 'M'}

// model holds the weights, row-major: w[bucket*modelOutputs+output].
type model struct {
	w []float32
}

var (
	defaultModelOnce sync.Once
	defaultModel     *model
	defaultModelErr  error
)

// builtinModel decodes the embedded weights once.
func builtinModel() (*model, error) {
	defaultModelOnce.Do(func() {
		defaultModel, defaultModelErr = decodeModel(embeddedModel)
	})
	return defaultModel, defaultModelErr
}

// decodeModel reads the weight file: magic, feature version, buckets, outputs (uint32 each), a float32
// scale, then buckets*outputs little-endian int16 weights, each multiplied by the scale.
func decodeModel(b []byte) (*model, error) {
	const head = 4 + 4*4
	if len(b) < head || [4]byte(b[:4]) != modelMagic {
		return nil, errors.New("nlp: model: not a weight file")
	}
	version := binary.LittleEndian.Uint32(b[4:])
	buckets := binary.LittleEndian.Uint32(b[8:])
	outputs := binary.LittleEndian.Uint32(b[12:])
	scale := math.Float32frombits(binary.LittleEndian.Uint32(b[16:]))
	if version != featureVersion || buckets != modelBuckets || outputs != modelOutputs {
		return nil, fmt.Errorf("nlp: model: version %d, %dx%d; this engine reads version %d, %dx%d",
			version, buckets, outputs, featureVersion, modelBuckets, modelOutputs)
	}
	n := int(buckets * outputs)
	if len(b) != head+2*n {
		return nil, fmt.Errorf("nlp: model: %d bytes, want %d", len(b), head+2*n)
	}
	m := &model{w: make([]float32, n)}
	for i := range m.w {
		m.w[i] = float32(int16(binary.LittleEndian.Uint16(b[head+2*i:]))) * scale
	}
	return m, nil
}

// encodeModel writes weights in the format decodeModel reads, quantised to int16.
func encodeModel(w []float32) []byte {
	maxAbs := float32(0)
	for _, x := range w {
		maxAbs = max(maxAbs, float32(math.Abs(float64(x))))
	}
	scale := maxAbs / 32767
	if scale == 0 {
		scale = 1
	}
	b := make([]byte, 20, 20+2*len(w))
	copy(b, modelMagic[:])
	binary.LittleEndian.PutUint32(b[4:], featureVersion)
	binary.LittleEndian.PutUint32(b[8:], modelBuckets)
	binary.LittleEndian.PutUint32(b[12:], modelOutputs)
	binary.LittleEndian.PutUint32(b[16:], math.Float32bits(scale))
	for _, x := range w {
		q := int16(math.Round(float64(x / scale)))
		b = binary.LittleEndian.AppendUint16(b, uint16(q))
	}
	return b
}

// feature is one hashed feature with its value.
type feature struct {
	bucket uint32
	value  float32
}

// featurizer collects hashed features.
type featurizer struct {
	out []feature
}

func (f *featurizer) add(name string, value float32) {
	// FNV-1a, 32 bits.
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	f.out = append(f.out, feature{bucket: h % modelBuckets, value: value})
}

func (f *featurizer) add2(prefix, name string, value float32) {
	h := uint32(2166136261)
	for i := 0; i < len(prefix); i++ {
		h ^= uint32(prefix[i])
		h *= 16777619
	}
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	f.out = append(f.out, feature{bucket: h % modelBuckets, value: value})
}

// ruleView is what the rules decided, the model's richest input.
type ruleView struct {
	intent    conversation.Intent
	feeling   feeling
	complaint complaintFinding
	human     bool
	refund    bool
}

// features describes a message for the model.
func (e *Engine) features(a *analysis, rv ruleView) []feature {
	m := a.msg
	ts := m.tokens
	f := featurizer{out: make([]feature, 0, 16*len(ts)+48)}
	f.add("bias", 1)

	// Words, stems, concepts, word pairs and character n-grams.
	var gram [64]byte
	for i := range ts {
		t := &ts[i]
		f.add2("w|", t.norm, 1)
		if t.canon != "" && t.canon != t.norm {
			f.add2("s|", t.canon, 0.5)
		}
		if t.concept != "" {
			f.add2("k|", t.concept, 0.5)
		}
		switch t.kind {
		case kindNumber:
			f.add("num", 0.5)
		case kindMoney:
			f.add("money", 1)
		}
		next := "$"
		if i+1 < len(ts) && ts[i+1].sent == t.sent {
			next = ts[i+1].norm
		}
		f.add2("b|", t.norm+" "+next, 0.7)
		if i == 0 || ts[i-1].sent != t.sent {
			f.add2("b|^ ", t.norm, 0.7)
		}
		if t.kind != kindWord || len(t.norm) < 3 || len(t.norm) > 40 {
			continue
		}
		w := gram[:0]
		w = append(w, '<')
		w = append(w, t.norm...)
		w = append(w, '>')
		for n := 3; n <= 4; n++ {
			for s := 0; s+n <= len(w); s++ {
				f.add2("g|", string(w[s:s+n]), 0.25)
			}
		}
	}
	for _, em := range m.emoji {
		f.add2("e|", em, 1)
	}
	if len(m.emoji) >= 2 {
		f.add("e|many", 0.5)
	}
	switch {
	case len(ts) == 0:
		f.add("len|0", 1)
	case len(ts) == 1:
		f.add("len|1", 1)
	case len(ts) <= 3:
		f.add("len|2-3", 1)
	case len(ts) <= 8:
		f.add("len|4-8", 1)
	default:
		f.add("len|9+", 1)
	}

	// The rules' verdict and the evidence behind it.
	f.add2("ri|", string(rv.intent), 1)
	f.add2("rs|", string(rv.feeling.sentiment), 1)
	f.add2("ri+rs|", string(rv.intent)+"+"+string(rv.feeling.sentiment), 0.5)
	if rv.human {
		f.add("rule|human", 1)
	}
	if rv.refund {
		f.add("rule|refund", 1)
	}
	c := rv.complaint
	for _, b := range []struct {
		on   bool
		name string
	}{{c.fault, "fault"}, {c.delay, "delay"}, {c.infoMissing, "infomissing"}, {c.notYet, "notyet"},
		{c.hypothetical, "hypothetical"}} {
		if b.on {
			f.add2("rc|", b.name, 1)
		}
	}
	anger := math.Min(rv.feeling.anger, 4)
	f.add(fmt.Sprintf("anger|%d", int(anger*2)), 1)
	f.add("anger", float32(anger/2))
	compound := rv.feeling.compound
	f.add(fmt.Sprintf("vader|%d", int(math.Round(compound*4))), 1)
	f.add("vader", float32(compound))
	if a.hit.ok {
		f.add("hit", 1)
		f.add(fmt.Sprintf("hit|%d", int(math.Min(a.hit.coverage, 1)*4)), 1)
	} else if a.hit.doc != nil {
		f.add("nearhit", 1)
	} else {
		f.add("nohit", 1)
	}

	// Surface cues of feeling.
	if shouting(ts) {
		f.add("shout", 1)
	}
	f.add(fmt.Sprintf("ex|%d", min(m.maxExclaim, 3)), 1)
	f.add(fmt.Sprintf("qm|%d", min(m.maxQuestion, 3)), 1)
	if m.mixedMarks {
		f.add("mixedmarks", 1)
	}
	if anyQuestion(m) {
		f.add("question", 1)
	}
	if m.hasNorm(negators) {
		f.add("negation", 1)
	}
	if hasOrderNumber(ts) {
		f.add("ordernumber", 1)
	}

	// The cues of cues.go, alone and with the rules' verdict.
	for _, cue := range readCues(m) {
		f.add2("cue|", cue, 1)
		f.add2("cue+ri|", cue+"+"+string(rv.intent), 0.5)
	}
	return f.out
}

// scores returns the model's intent and sentiment probabilities for the features fs.
func (md *model) scores(fs []feature) (intents [nIntents]float64, sentiments [nSentiments]float64) {
	var z [modelOutputs]float64
	for _, ft := range fs {
		row := md.w[int(ft.bucket)*modelOutputs : int(ft.bucket+1)*modelOutputs]
		v := float64(ft.value)
		for k := range z {
			z[k] += float64(row[k]) * v
		}
	}
	softmax(z[:nIntents], intents[:])
	softmax(z[nIntents:], sentiments[:])
	return intents, sentiments
}

func softmax(z []float64, p []float64) {
	hi := z[0]
	for _, x := range z[1:] {
		hi = max(hi, x)
	}
	sum := 0.0
	for i, x := range z {
		p[i] = math.Exp(x - hi)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

func intentIndex(i conversation.Intent) int {
	for k, v := range conversation.Intents {
		if v == i {
			return k
		}
	}
	return -1
}

func sentimentIndex(s conversation.Sentiment) int {
	for k, v := range conversation.Sentiments {
		if v == s {
			return k
		}
	}
	return -1
}

// EmbeddedWeights returns the weight file the engine embeds (model.bin), for tests that retrain it.
func EmbeddedWeights() []byte { return embeddedModel }

// CheckWeights reports whether b is a weight file this engine can load.
func CheckWeights(b []byte) error {
	_, err := decodeModel(b)
	return err
}
