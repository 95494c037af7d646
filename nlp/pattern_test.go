package nlp

import (
	"strings"
	"testing"
)

func TestPatternLanguage(t *testing.T) {
	classes := map[string][]string{"person": {"person", "human", "real person", "customer service"}}
	tests := []struct {
		rule, text string
		want       bool
	}{
		{"speak|talk to [a|the] [real] @person", "can I talk to a real person", true},
		{"speak|talk to [a|the] [real] @person", "let me speak to customer service", true},
		{"speak|talk to [a|the] [real] @person", "talk about a person", false},
		{"no_one|nobody ... answer", "no one ever answers", true},
		{"no_one|nobody ... answer", "nobody here will ever really answer", false}, // gap of four
		{"=cancelled", "I cancelled it", true},
		{"=cancelled", "please cancel it", false},
		{"shipped", "when will it ship", true}, // stems meet
		{"only got #|one", "I only got 3 chairs", true},
		{"%order ... shipped", "has my parcel shipped", true},
		{"^ agent [please] $", "agent please", true},
		{"^ agent [please] $", "an agent please", false},
		{"where is", "where? is", false}, // a match stays within a sentence
	}
	for _, tc := range tests {
		rs := newRuleSet(compilePatterns(classes, tc.rule))
		if got := rs.any(parse(tc.text).tokens); got != tc.want {
			t.Errorf("%q on %q = %v, want %v", tc.rule, tc.text, got, tc.want)
		}
	}
}

func TestPatternRejectsSplitPhrases(t *testing.T) {
	for _, bad := range []string{"nothing has [arrived|been delivered]", "[a|the real] person", "@unknown"} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "nlp:") {
					t.Errorf("compiling %q did not fail: %v", bad, r)
				}
			}()
			compilePatterns(nil, bad)
		}()
	}
}

// TestRulesCompile compiles every rule table, which panics on a malformed rule.
func TestRulesCompile(t *testing.T) {
	r := compileRules()
	if len(r.human.patterns) == 0 || len(r.anger.patterns) != len(r.angerRule) {
		t.Errorf("rules compiled badly: %d human patterns, %d anger patterns for %d rule indexes",
			len(r.human.patterns), len(r.anger.patterns), len(r.angerRule))
	}
}
