// Package kb loads the knowledge base: the business, its support hours and the FAQs the bot may answer from.
package kb

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // the business timezone must resolve on machines without a zoneinfo database

	"gopkg.in/yaml.v3"
)

//go:embed demo.yaml
var demoYAML []byte

// KnowledgeBase is the only source the bot answers from.
type KnowledgeBase struct {
	Business Business `yaml:"business" json:"business"`
	FAQs     []FAQ    `yaml:"faqs" json:"faqs"`

	hours    Hours
	location *time.Location
}

// Business describes the shop the bot speaks for.
type Business struct {
	Name         string            `yaml:"name" json:"name"`
	Timezone     string            `yaml:"timezone" json:"timezone"`
	SupportHours map[string]string `yaml:"support_hours" json:"support_hours"`
}

// FAQ is one answerable question, asked in several ways.
type FAQ struct {
	ID        string   `yaml:"id" json:"id"`
	Questions []string `yaml:"questions" json:"questions"`
	Answer    string   `yaml:"answer" json:"answer"`
}

// Default returns the built-in demo shop used when KNOWLEDGE_BASE is not set.
func Default() *KnowledgeBase {
	k, err := Parse(demoYAML)
	if err != nil {
		panic("kb: built-in demo knowledge base is invalid: " + err.Error())
	}
	return k
}

// Load reads and validates a knowledge base YAML file.
func Load(path string) (*KnowledgeBase, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read knowledge base: %w", err)
	}
	k, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("knowledge base %s: %w", path, err)
	}
	return k, nil
}

// Parse decodes and validates a knowledge base document.
func Parse(b []byte) (*KnowledgeBase, error) {
	var k KnowledgeBase
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&k); err != nil {
		return nil, fmt.Errorf("parse yaml: %w", err)
	}
	if err := k.init(); err != nil {
		return nil, err
	}
	return &k, nil
}

func (k *KnowledgeBase) init() error {
	if strings.TrimSpace(k.Business.Name) == "" {
		return errors.New("business.name is required")
	}
	tz := k.Business.Timezone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Errorf("business.timezone %q: %w", k.Business.Timezone, err)
	}
	k.location = loc
	hours, err := ParseHours(k.Business.SupportHours)
	if err != nil {
		return fmt.Errorf("business.support_hours: %w", err)
	}
	k.hours = hours
	seen := map[string]bool{}
	for i, f := range k.FAQs {
		if strings.TrimSpace(f.ID) == "" {
			return fmt.Errorf("faqs[%d]: id is required", i)
		}
		if seen[f.ID] {
			return fmt.Errorf("faqs[%d]: duplicate id %q", i, f.ID)
		}
		seen[f.ID] = true
		if len(f.Questions) == 0 {
			return fmt.Errorf("faq %q: at least one question is required", f.ID)
		}
		if strings.TrimSpace(f.Answer) == "" {
			return fmt.Errorf("faq %q: answer is required", f.ID)
		}
	}
	return nil
}

// FAQ returns the FAQ with the given id.
func (k *KnowledgeBase) FAQ(id string) (FAQ, bool) {
	for _, f := range k.FAQs {
		if f.ID == id {
			return f, true
		}
	}
	return FAQ{}, false
}

// Topics names the first n subjects of the knowledge base in words ("trading hours"), from the FAQ ids.
func (k *KnowledgeBase) Topics(n int) []string {
	var out []string
	for _, f := range k.FAQs {
		if len(out) == n {
			break
		}
		out = append(out, strings.ReplaceAll(f.ID, "_", " "))
	}
	return out
}

// Location is the business timezone.
func (k *KnowledgeBase) Location() *time.Location {
	if k.location == nil {
		return time.UTC
	}
	return k.location
}

// Hours are the parsed support hours.
func (k *KnowledgeBase) Hours() Hours { return k.hours }

// InSupportHours reports whether a person is expected to answer at t.
// A knowledge base without support hours is staffed around the clock.
func (k *KnowledgeBase) InSupportHours(t time.Time) bool {
	return k.hours.Open(t.In(k.Location()))
}

// NextOpening returns the next moment support hours begin after t (t itself when open),
// in the business timezone, and false when no hours are configured.
func (k *KnowledgeBase) NextOpening(t time.Time) (time.Time, bool) {
	return k.hours.Next(t.In(k.Location()))
}

// SupportTimeAfter returns when d of support time has passed since t (kb.Hours.After), in the business
// timezone.
func (k *KnowledgeBase) SupportTimeAfter(t time.Time, d time.Duration) (time.Time, bool) {
	return k.hours.After(t.In(k.Location()), d)
}
