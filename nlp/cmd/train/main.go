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
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/nlp"
	"github.com/supportd/supportd/nlp/corpus"
)

func main() {
	dir := flag.String("dir", "", "the nlp package directory (default: nlp, or . when run there)")
	sample := flag.Int("sample", 0, "train on every n-th corpus line only, as a quick check; writes nothing")
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
	examples, dropped, err := corpus.Build(dir)
	if err != nil {
		return err
	}
	if sample <= 1 {
		b, err := corpus.Encode(examples)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "train", "corpus.jsonl"), b, 0o644); err != nil {
			return err
		}
	} else {
		var s []nlp.Example
		for i := 0; i < len(examples); i += sample {
			s = append(s, examples[i])
		}
		examples = s
	}
	k, err := kb.Load(filepath.Join(dir, "train", "kb.yaml"))
	if err != nil {
		return err
	}
	weights, err := nlp.Train(k, examples, nlp.TrainConfig{})
	if err != nil {
		return err
	}
	fmt.Printf("corpus %d lines (%d dropped as close to evaluated messages), weights %d bytes\n", len(examples),
		dropped, len(weights))
	if sample > 1 {
		return nil
	}
	return os.WriteFile(filepath.Join(dir, "model.bin"), weights, 0o644)
}
