package logx

import "testing"

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"27821234567": "*******4567",
		"1234":        "****",
		"":            "",
		" 123456 ":    "**3456",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
