package nlp

import (
	"strings"
	"testing"
)

func TestParseNormalises(t *testing.T) {
	tests := []struct {
		text string
		want string // normalised words, space separated
	}{
		{"whats ur address pls", "what is your address please"},
		{"I don't need a refund", "i do not need a refund"},
		{"Where's my parcel??", "where is my parcel"},
		{"can't won't isn't", "can not will not is not"},
		{"pleeease hiii", "please hi"},
		{"Goeie môre", "goeie more"},
		{"Ek wil my geld terug hê", "ek wil my geld terug he"},
		{"u open 2moro?", "you open tomorrow"},
		{"send me an e-mail", "send me an email"},
		{"ngicela i-order yami", "ngicela order yami"},
		{"Order #5544 cost R1,500", "order 5544 cost 1500"},
	}
	for _, tc := range tests {
		var words []string
		for _, tk := range parse(tc.text).tokens {
			words = append(words, tk.norm)
		}
		if got := strings.Join(words, " "); got != tc.want {
			t.Errorf("parse(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestFoldAccents(t *testing.T) {
	for in, want := range map[string]string{
		"more":         "more",
		"môre":         "more",
		"hê":           "he",
		"dié":          "die",
		"café":         "cafe",
		"cafe\u0301":   "cafe", // an accent typed as a combining mark
		"naïve":        "naive",
		"señor":        "senor",
		"façade":       "facade",
		"ångström":     "angstrom",
		"škoda":        "skoda", // any letter with a canonical accent, not only Afrikaans ones
		"ýes":          "yes",
		"it’s":         "it's",
		"it‘s":         "it's",
		"itʼs":         "it's",
		"ø ł ß":        "ø ł ß", // letters of their own, not accented ones
		"👍🏽 ❤️":        "👍🏽 ❤",  // the skin tone stays; the emoji variation selector is a mark and goes
		"umngane wami": "umngane wami",
	} {
		if got := foldAccents(in); got != want {
			t.Errorf("foldAccents(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMarks(t *testing.T) {
	m := parse("Is my order ready?? #4410 R95 😡 YOU PEOPLE!!!")
	if m.maxQuestion != 2 || m.maxExclaim != 3 {
		t.Errorf("punctuation runs = ?%d !%d, want ?2 !3", m.maxQuestion, m.maxExclaim)
	}
	if len(m.emoji) != 1 || m.emoji[0] != "😡" {
		t.Errorf("emoji = %q", m.emoji)
	}
	var hash, money, caps bool
	for _, tk := range m.tokens {
		hash = hash || (tk.hash && tk.norm == "4410")
		money = money || (tk.kind == kindMoney && tk.norm == "95")
		caps = caps || (tk.caps && tk.norm == "people")
	}
	if !hash || !money || !caps {
		t.Errorf("hash %v money %v caps %v, want all true", hash, money, caps)
	}
	if !m.questions[0] {
		t.Error("first sentence should read as a question")
	}
}

func TestCanonJoinsInflections(t *testing.T) {
	groups := [][]string{
		{"close", "closes", "closing", "closed"},
		{"ship", "ships", "shipping", "shipped"},
		{"arrive", "arrives", "arrived", "arriving"},
		{"braai", "braais"},
		{"delivery", "deliveries"},
		{"order", "orders", "ordered", "ordering"},
	}
	for _, g := range groups {
		for _, w := range g[1:] {
			if canon(w) != canon(g[0]) {
				t.Errorf("canon(%q) = %q, canon(%q) = %q; want equal", w, canon(w), g[0], canon(g[0]))
			}
		}
	}
	for _, w := range []string{"this", "address", "status", "yes"} {
		if c := canon(w); c != w {
			t.Errorf("canon(%q) = %q, want it unchanged", w, c)
		}
	}
}

func TestConcepts(t *testing.T) {
	tests := []struct {
		text, concept string
	}{
		{"hoe laat maak julle toe", conceptHours},
		{"niyavula nini", conceptHours},
		{"what's the shipping cost", conceptDelivery},
		{"hoeveel kos aflewering", conceptCost},
		{"Likuphi ikheli lenu", conceptLocation},
		{"are you open on Heritage Day", conceptHoliday},
		{"open on the 16th of December?", conceptHoliday},
		{"delivery to Port Elizabeth", conceptPlace},
		{"can I bring the chair back", conceptReturn},
	}
	for _, tc := range tests {
		found := false
		for _, tk := range parse(tc.text).tokens {
			found = found || tk.concept == tc.concept
		}
		if !found {
			t.Errorf("%q: no word carries %s", tc.text, tc.concept)
		}
	}
}
