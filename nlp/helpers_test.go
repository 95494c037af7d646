package nlp

import (
	"testing"

	"github.com/supportd/supportd/kb"
)

// testEngine is an engine over the evaluation knowledge base (testdata/kb.yaml, a garden shop).
func testEngine(t testing.TB) *Engine {
	t.Helper()
	k, err := kb.Load("testdata/kb.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return New(k)
}
