package conversation_test

import (
	"strings"
	"testing"

	"github.com/supportd/supportd/workflows/conversation"
)

func TestIsUserID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"ZA.13491208655302741918", true},
		{"IN.1410018717833190", true},
		{"US.AbC123", true},
		{"ZA.1", true},
		{"ZA." + strings.Repeat("a", 128), true},
		{"ZA." + strings.Repeat("a", 129), false},
		{"ZA.", false},
		{"za.1349120865", false},
		{"Z.1349120865", false},
		{"ZAF.1349120865", false},
		{"ZA-1349120865", false},
		{"ZA.1349-120865", false},
		{"ZA.1349.120865", false},
		{"ZA.13491208\x00", false},
		{"ZA.134912é", false},
		{"16505551234", false},
		{"", false},
	} {
		if got := conversation.IsUserID(tc.id); got != tc.want {
			t.Errorf("conversation.IsUserID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}
