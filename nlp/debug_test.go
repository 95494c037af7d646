package nlp

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/supportd/supportd/kb"
)

func TestDebugProbs(t *testing.T) {
	msgs := os.Getenv("NLP_DEBUG")
	if msgs == "" {
		t.Skip()
	}
	k, _ := kb.Load("testdata/kb.yaml")
	e := New(k)
	for _, s := range strings.Split(msgs, "|") {
		a, rv := e.analyzeRules(s)
		pi, ps := e.model.scores(e.features(&a, rv))
		line := fmt.Sprintf("%-50q rules %s/%s human=%v |", s, rv.intent, rv.feeling.sentiment, rv.human)
		for i, p := range pi {
			if p > 0.05 {
				line += fmt.Sprintf(" %s %.2f", ai_intents[i], p)
			}
		}
		line += " |"
		for i, p := range ps {
			if p > 0.05 {
				line += fmt.Sprintf(" %s %.2f", ai_sents[i], p)
			}
		}
		line += fmt.Sprintf(" | cues %v", readCues(a.msg))
		t.Log(line)
	}
}

var ai_intents = []string{"greet", "faq", "order", "refund", "human", "compl", "thanks", "other"}
var ai_sents = []string{"pos", "neu", "neg", "angry"}
