package nlp

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows/conversation"
)

// Example is one labelled message of the training corpus.
type Example struct {
	Text      string                 `json:"text"`
	Intent    conversation.Intent    `json:"intent"`
	Sentiment conversation.Sentiment `json:"sentiment"`
}

// TrainConfig sets the training run. The zero value trains with the defaults the committed weights were
// made with.
type TrainConfig struct {
	Epochs int     // passes over the corpus; 0 means 12
	Rate   float64 // AdaGrad learning rate; 0 means 0.3
	Seed   uint64  // shuffling seed; 0 means 12
	// L2 shrinks every weight a message touches towards zero by this share of the learning rate; 0 means
	// 0.005, negative means none.
	L2 float64
}

// Train fits the learned layer on examples, reading each with the rules over knowledge base k (which the
// features' retrieval cues depend on), and returns the weight file the engine embeds. Training is
// deterministic: the same corpus, knowledge base and configuration give the same bytes.
func Train(k *kb.KnowledgeBase, examples []Example, cfg TrainConfig) ([]byte, error) {
	if cfg.Epochs == 0 {
		cfg.Epochs = 12
	}
	if cfg.Rate == 0 {
		cfg.Rate = 0.3
	}
	if cfg.Seed == 0 {
		cfg.Seed = 12
	}
	if cfg.L2 == 0 {
		cfg.L2 = 0.005
	}
	l2 := float32(max(cfg.L2, 0))
	type row struct {
		fs        []feature
		intent    int
		sentiment int
	}
	e := NewRulesOnly(k)
	rows := make([]row, 0, len(examples))
	for n, x := range examples {
		i, s := intentIndex(x.Intent), sentimentIndex(x.Sentiment)
		if i < 0 || s < 0 {
			return nil, fmt.Errorf("example %d %q: intent %q or sentiment %q outside the vocabulary", n+1, x.Text,
				x.Intent, x.Sentiment)
		}
		a, rv := e.analyzeRules(x.Text)
		rows = append(rows, row{fs: e.features(&a, rv), intent: i, sentiment: s})
	}
	w := make([]float32, modelBuckets*modelOutputs)
	g2 := make([]float32, len(w))
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	md := &model{w: w}
	var grad [modelOutputs]float64
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, n := range order {
			r := rows[n]
			pi, ps := md.scores(r.fs)
			for k := 0; k < nIntents; k++ {
				grad[k] = pi[k]
			}
			grad[r.intent]--
			for k := 0; k < nSentiments; k++ {
				grad[nIntents+k] = ps[k]
			}
			grad[nIntents+r.sentiment]--
			for _, ft := range r.fs {
				base := int(ft.bucket) * modelOutputs
				for k, g := range grad {
					gv := float32(g)*ft.value + l2*w[base+k]
					if gv == 0 {
						continue
					}
					g2[base+k] += gv * gv
					w[base+k] -= float32(cfg.Rate) * gv / float32(math.Sqrt(float64(g2[base+k])+1e-8))
				}
			}
		}
	}
	return encodeModel(w), nil
}
