package corpus

import (
	"testing"

	"github.com/supportd/supportd/workflows/conversation"
)

func TestExpand(t *testing.T) {
	src := `# a comment
$thing = braai | {garden |}hose
complaint negative 2 : The $thing {arrived|came} broken
faq neutral : How much is R# delivery to order #?`
	got, err := Expand(src, 1)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Expand(src, 1)
	if len(got) != len(again) {
		t.Fatalf("two expansions differ in length: %d, %d", len(got), len(again))
	}
	complaints := 0
	for i, x := range got {
		if x != again[i] {
			t.Errorf("expansion %d differs: %q, %q", i, x.Text, again[i].Text)
		}
		if x.Intent == conversation.IntentComplaint {
			complaints++
		}
	}
	if complaints == 0 || complaints > 2*scale*2 {
		t.Errorf("%d complaint lines from a template of count 2", complaints)
	}
	for _, bad := range []string{"$x = a\nfaq neutral : $y", "faq neutral : {a|b", "chitchat neutral : hi", "faq : hi"} {
		if _, err := Expand(bad, 1); err == nil {
			t.Errorf("Expand(%q) succeeded", bad)
		}
	}
}

func TestNear(t *testing.T) {
	n := NewNear([]string{"Where is my order 5544?", "ok", "The gazebo was delivered damaged"})
	for s, want := range map[string]bool{
		"where is my order 5544":                 true,  // same up to case and punctuation
		"OK!":                                    true,  // short, same key
		"ok 👍":                                   false, // short messages must match exactly
		"the gazebo was delivered badly damaged": true,  // shares most words
		"my braai came with a dent":              false,
	} {
		if got := n.Near(s); got != want {
			t.Errorf("Near(%q) = %v, want %v", s, got, want)
		}
	}
}
