package whatsapp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/supportd/supportd/whatsapp"
)

func TestValidWaID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"16505551234", true},
		{"27821234567", true},
		{"68312345", true},
		{"12345", true},
		{strings.Repeat("9", 20), true},
		{"", false},
		{"1234", false},
		{strings.Repeat("9", 21), false},
		{strings.Repeat("1", 2000), false},
		{"+16505551234", false},
		{"1650 555 1234", false},
		{"16505551234\x00", false},
		{"1650555\xff1234", false},
		{"１６５０５５５１２３４", false}, // full-width digits are not ASCII digits
		{"ZA.13491208655302741918", false},
	} {
		if got := whatsapp.ValidWaID(tc.id); got != tc.want {
			t.Errorf("ValidWaID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestValidMessageID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", true},
		{"wamid." + strings.Repeat("A", 250), true},
		{"x", true},
		{"wamid." + strings.Repeat("A", 251), false},
		{"", false},
		{"wamid.HBgL\x00", false},
		{"wamid.HBgL\n", false},
		{"wamid HBgL", false},
		{"wamid.HBgLé", false},
		{"wamid.\x7f", false},
	} {
		if got := whatsapp.ValidMessageID(tc.id); got != tc.want {
			t.Errorf("ValidMessageID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestMessageValidate(t *testing.T) {
	const wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA="
	huge := strings.Repeat("7", 1<<20)
	for _, tc := range []struct {
		name string
		msg  whatsapp.Message
		want error
	}{
		{"wa_id", whatsapp.Message{From: "16505551234", ID: wamid}, nil},
		{"wa_id and user ID", whatsapp.Message{From: "16505551234", UserID: "US.13491208655302741918", ID: wamid}, nil},
		{"user ID only", whatsapp.Message{From: "ZA.13491208655302741918", UserID: "ZA.13491208655302741918", ID: wamid}, nil},
		{"no sender", whatsapp.Message{ID: wamid}, whatsapp.ErrInvalidSender},
		{"NUL in sender", whatsapp.Message{From: "1650555\x001234", ID: wamid}, whatsapp.ErrInvalidSender},
		{"invalid UTF-8 in sender", whatsapp.Message{From: "1650555\xc3\x281234", ID: wamid}, whatsapp.ErrInvalidSender},
		{"2,000 digits", whatsapp.Message{From: strings.Repeat("1", 2000), ID: wamid}, whatsapp.ErrInvalidSender},
		{"1 MB sender", whatsapp.Message{From: huge, ID: wamid}, whatsapp.ErrInvalidSender},
		{"bad user ID beside a wa_id", whatsapp.Message{From: "16505551234", UserID: "not a user id", ID: wamid}, nil},
		{"bad user ID alone", whatsapp.Message{From: "ZA-1349", UserID: "ZA-1349", ID: wamid}, whatsapp.ErrInvalidSender},
		{"no id", whatsapp.Message{From: "16505551234"}, whatsapp.ErrInvalidMessageID},
		{"1 MB id", whatsapp.Message{From: "16505551234", ID: huge}, whatsapp.ErrInvalidMessageID},
		{"NUL in id", whatsapp.Message{From: "16505551234", ID: "wamid.\x00"}, whatsapp.ErrInvalidMessageID},
	} {
		err := tc.msg.Validate()
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: Validate() = %v, want %v", tc.name, err, tc.want)
		}
		// The reason is for a log line: short, and without the value, which may be a megabyte of anything.
		if err != nil && (len(err.Error()) > 200 || strings.Contains(err.Error(), "1234") || strings.ContainsRune(err.Error(), 0)) {
			t.Errorf("%s: reason %q quotes the value or is too long", tc.name, err)
		}
	}
}
