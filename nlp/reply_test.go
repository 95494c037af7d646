package nlp

import "testing"

func TestAffirmativeNegative(t *testing.T) {
	tests := []struct {
		text    string
		yes, no bool
	}{
		{"yes", true, false},
		{"Yes please!", true, false},
		{"yeah", true, false},
		{"yep", true, false},
		{"ja", true, false},
		{"jaa", true, false},
		{"yebo", true, false},
		{"please", true, false},
		{"ok please", true, false},
		{"sure", true, false},
		{"yesss", true, false},
		{"👍", true, false},
		{"Ja asseblief", true, false},
		{"yes I want to talk to a person", true, false},
		{"no", false, true},
		{"No thanks", false, true},
		{"nee dankie", false, true},
		{"cha", false, true},
		{"not now", false, true},
		{"no it's ok", false, true},
		{"maybe later", false, true},
		{"nope 👎", false, true},
		{"I'm fine thanks", false, true},
		{"all good, never mind", false, true},
		// Anything else is a new message, not an answer.
		{"yes, where is my order?", false, false},
		{"what are your hours", false, false},
		{"yes no", false, false},
		{"", false, false},
		{"😡", false, false},
	}
	for _, tc := range tests {
		if got := Affirmative(tc.text); got != tc.yes {
			t.Errorf("Affirmative(%q) = %v, want %v", tc.text, got, tc.yes)
		}
		if got := Negative(tc.text); got != tc.no {
			t.Errorf("Negative(%q) = %v, want %v", tc.text, got, tc.no)
		}
	}
}
