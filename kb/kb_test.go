package kb

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	k := Default()
	if k.Business.Name == "" || len(k.FAQs) < 5 {
		t.Fatalf("demo knowledge base looks empty: %+v", k.Business)
	}
	if _, ok := k.FAQ("trading_hours"); !ok {
		t.Fatal("demo knowledge base has no trading_hours FAQ")
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"no name":       "business: {}\nfaqs: []\n",
		"bad tz":        "business: {name: X, timezone: Mars/Olympus}\n",
		"bad day":       "business: {name: X, support_hours: {funday: \"08:00-17:00\"}}\n",
		"bad span":      "business: {name: X, support_hours: {mon: \"8-5\"}}\n",
		"backwards":     "business: {name: X, support_hours: {mon: \"17:00-08:00\"}}\n",
		"dup id":        "business: {name: X}\nfaqs:\n- {id: a, questions: [q], answer: x}\n- {id: a, questions: [q], answer: y}\n",
		"no answer":     "business: {name: X}\nfaqs:\n- {id: a, questions: [q]}\n",
		"no questions":  "business: {name: X}\nfaqs:\n- {id: a, answer: x}\n",
		"unknown field": "business: {name: X, colour: red}\n",
	}
	for name, doc := range cases {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: Parse accepted %q", name, doc)
		}
	}
}

func TestSupportHours(t *testing.T) {
	k, err := Parse([]byte(`business:
  name: X
  timezone: Africa/Johannesburg
  support_hours:
    mon-fri: "08:00-17:00"
    sat: "09:00-13:00"
`))
	if err != nil {
		t.Fatal(err)
	}
	jhb, _ := time.LoadLocation("Africa/Johannesburg")
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, jhb)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	// 2026-11-23 is a Monday.
	tests := []struct {
		now  string
		open bool
		next string
	}{
		{"2026-11-23 08:00", true, "2026-11-23 08:00"},
		{"2026-11-23 16:59", true, "2026-11-23 16:59"},
		{"2026-11-23 17:00", false, "2026-11-24 08:00"},
		{"2026-11-23 07:30", false, "2026-11-23 08:00"},
		{"2026-11-27 18:00", false, "2026-11-28 09:00"}, // Friday evening: Saturday morning
		{"2026-11-28 13:30", false, "2026-11-30 08:00"}, // Saturday afternoon: Monday
		{"2026-11-29 10:00", false, "2026-11-30 08:00"}, // Sunday
	}
	for _, tc := range tests {
		now := at(tc.now)
		if got := k.InSupportHours(now.UTC()); got != tc.open {
			t.Errorf("%s: open = %v, want %v", tc.now, got, tc.open)
		}
		next, ok := k.NextOpening(now.UTC())
		if !ok || !next.Equal(at(tc.next)) {
			t.Errorf("%s: next opening = %v, want %s", tc.now, next, tc.next)
		}
	}
}

func TestNoHoursMeansAlwaysOpen(t *testing.T) {
	k, err := Parse([]byte("business: {name: X}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !k.InSupportHours(time.Date(2026, 1, 4, 3, 0, 0, 0, time.UTC)) {
		t.Fatal("no support hours should mean always staffed")
	}
	if _, ok := k.NextOpening(time.Now()); ok {
		t.Fatal("NextOpening should report no configured hours")
	}
}

func TestLoadEvalKB(t *testing.T) {
	k, err := Load("../../shared/eval/kb.yaml")
	if err != nil {
		if strings.Contains(err.Error(), "no such file") {
			t.Skip("shared eval knowledge base not present")
		}
		t.Fatal(err)
	}
	if len(k.FAQs) == 0 {
		t.Fatal("no FAQs")
	}
}

func TestSupportTimeAfterPausesOutsideHours(t *testing.T) {
	k, err := Parse([]byte(`business:
  name: X
  timezone: Africa/Johannesburg
  support_hours:
    mon-fri: "08:00-17:00"
    sat: "09:00-13:00"
`))
	if err != nil {
		t.Fatal(err)
	}
	loc := k.Location()
	at := func(day, hh, mm int) time.Time { return time.Date(2026, 12, day, hh, mm, 0, 0, loc) } // 2026-12-04 is a Friday
	cases := []struct {
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{at(4, 10, 0), 5 * time.Minute, at(4, 10, 5)}, // inside hours
		{at(4, 16, 58), 5 * time.Minute, at(5, 9, 3)}, // Friday evening to Saturday morning
		{at(5, 12, 58), 5 * time.Minute, at(7, 8, 3)}, // Saturday noon, across Sunday, to Monday
		{at(5, 22, 0), 5 * time.Minute, at(7, 8, 5)},  // out of hours: starts counting at the opening
		{at(4, 7, 0), 90 * time.Minute, at(4, 9, 30)}, // before opening
		{at(4, 16, 0), 6 * time.Hour, at(7, 9, 0)},    // 1h Fri + 4h Sat + 1h Mon
	}
	for _, tc := range cases {
		got, ok := k.SupportTimeAfter(tc.from, tc.d)
		if !ok || !got.Equal(tc.want) {
			t.Errorf("%s + %s = %s %v, want %s", tc.from, tc.d, got, ok, tc.want)
		}
	}
	always, _ := Parse([]byte("business: {name: X}\n"))
	if got, _ := always.SupportTimeAfter(at(5, 22, 0), 5*time.Minute); !got.Equal(at(5, 22, 5)) {
		t.Errorf("no hours: %s", got)
	}
}
