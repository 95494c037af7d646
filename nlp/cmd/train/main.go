// Command train builds the local engine's training corpus from its templates and trains the learned layer
// on it:
//
//	go run ./nlp/cmd/train            # from the repository root, or `go generate ./nlp/`
//
// It reads nlp/train/templates.txt and nlp/train/kb.yaml, writes nlp/train/corpus.jsonl (the expanded,
// labelled corpus) and nlp/model.bin (the weights the engine embeds). Both are deterministic: the same
// templates give the same corpus, and the same corpus the same weights. A corpus line close to a message
// of any evaluation set in nlp/testdata is dropped (see corpus.Near), so that no evaluated message, nor a
// near copy of one, is trained on.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/nlp"
	"github.com/supportd/supportd/nlp/corpus"
)

func main() {
	dir := flag.String("dir", "", "the nlp package directory (default: nlp or .)")
	sample := flag.Int("sample", 0, "train on every n-th corpus line only (a quick check; does not write model.bin)")
	flag.Parse()
	if *dir == "" {
		*dir = "nlp"
		if _, err := os.Stat(filepath.Join(*dir, "train", "templates.txt")); err != nil {
			*dir = "."
		}
	}
	if err := run(*dir, *sample); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func run(dir string, sample int) error {
	src, err := os.ReadFile(filepath.Join(dir, "train", "templates.txt"))
	if err != nil {
		return err
	}
	examples, err := corpus.Expand(string(src), corpus.Seed)
	if err != nil {
		return err
	}
	held, err := evaluated(filepath.Join(dir, "testdata"))
	if err != nil {
		return err
	}
	kept := examples[:0]
	dropped := 0
	near := corpus.NewNear(held)
	for _, x := range examples {
		if near.Near(x.Text) {
			dropped++
			continue
		}
		kept = append(kept, x)
	}
	examples = kept
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, x := range examples {
		if err := enc.Encode(x); err != nil {
			return err
		}
	}
	if sample == 0 {
		if err := os.WriteFile(filepath.Join(dir, "train", "corpus.jsonl"), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	k, err := kb.Load(filepath.Join(dir, "train", "kb.yaml"))
	if err != nil {
		return err
	}
	if sample > 1 {
		var s []nlp.Example
		for i := 0; i < len(examples); i += sample {
			s = append(s, examples[i])
		}
		examples = s
	}
	weights, err := nlp.Train(k, examples, nlp.TrainConfig{})
	if err != nil {
		return err
	}
	fmt.Printf("corpus %d lines (%d dropped as evaluated messages), weights %d bytes\n", len(examples), dropped, len(weights))
	if sample > 0 {
		return nil
	}
	return os.WriteFile(filepath.Join(dir, "model.bin"), weights, 0o644)
}

// evaluated reads the text of every message of the evaluation sets.
func evaluated(testdata string) ([]string, error) {
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
			var l struct {
				Text string `json:"text"`
			}
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			out = append(out, l.Text)
		}
	}
	return out, nil
}
