package whatsapp_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/supportd/supportd/whatsapp"
)

// The test vector of wire-formats.md A3.
const (
	vectorSecret    = "test_app_secret"
	vectorBody      = `{"object":"whatsapp_business_account","entry":[]}`
	vectorSignature = "sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756"
)

func TestSignMatchesVector(t *testing.T) {
	if got := whatsapp.Sign(vectorSecret, []byte(vectorBody)); got != vectorSignature {
		t.Errorf("Sign = %s, want %s", got, vectorSignature)
	}
}

func TestVerifySignature(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		body   string
		header string
		ok     bool
	}{
		{"vector", vectorSecret, vectorBody, vectorSignature, true},
		{"surrounding spaces", vectorSecret, vectorBody, "  " + vectorSignature + " ", true},
		{"uppercase hex", vectorSecret, vectorBody, "sha256=" + strings.ToUpper(strings.TrimPrefix(vectorSignature, "sha256=")), true},
		{"tampered body", vectorSecret, `{"object":"whatsapp_business_account","entry":[{}]}`, vectorSignature, false},
		{"re-encoded body", vectorSecret, `{"object": "whatsapp_business_account", "entry": []}`, vectorSignature, false},
		{"wrong secret", "other_secret", vectorBody, vectorSignature, false},
		{"empty secret", "", vectorBody, whatsapp.Sign("", []byte(vectorBody)), false},
		{"missing header", vectorSecret, vectorBody, "", false},
		{"no prefix", vectorSecret, vectorBody, strings.TrimPrefix(vectorSignature, "sha256="), false},
		{"sha1 prefix", vectorSecret, vectorBody, "sha1=" + strings.TrimPrefix(vectorSignature, "sha256="), false},
		{"prefix in capitals", vectorSecret, vectorBody, "SHA256=" + strings.TrimPrefix(vectorSignature, "sha256="), false},
		{"bad hex", vectorSecret, vectorBody, "sha256=zz" + vectorSignature[9:], false},
		{"truncated digest", vectorSecret, vectorBody, vectorSignature[:len(vectorSignature)-2], false},
		{"prefix only", vectorSecret, vectorBody, "sha256=", false},
		{"two signatures", vectorSecret, vectorBody, vectorSignature + "," + vectorSignature, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := whatsapp.VerifySignature(tt.secret, []byte(tt.body), tt.header)
			if (err == nil) != tt.ok {
				t.Fatalf("VerifySignature = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, whatsapp.ErrBadSignature) {
				t.Errorf("error %v does not wrap ErrBadSignature", err)
			}
		})
	}
}

func TestVerifySignatureErrorDoesNotLeakExpectedDigest(t *testing.T) {
	err := whatsapp.VerifySignature(vectorSecret, []byte(vectorBody), "sha256="+strings.Repeat("0", 64))
	if err == nil || strings.Contains(err.Error(), vectorSignature[7:]) || strings.Contains(err.Error(), vectorSecret) {
		t.Errorf("VerifySignature error = %v, want a mismatch that names neither digest nor secret", err)
	}
}

func TestVerifySubscription(t *testing.T) {
	query := func(mode, token, challenge string) url.Values {
		return url.Values{"hub.mode": {mode}, "hub.verify_token": {token}, "hub.challenge": {challenge}}
	}
	tests := []struct {
		name      string
		query     url.Values
		token     string
		challenge string
		ok        bool
	}{
		{"match", query("subscribe", "s3cret", "1158201444"), "s3cret", "1158201444", true},
		{"challenge echoed as is", query("subscribe", "s3cret", "abc DEF/+="), "s3cret", "abc DEF/+=", true},
		{"wrong token", query("subscribe", "guess", "1158201444"), "s3cret", "", false},
		{"token prefix", query("subscribe", "s3cre", "1158201444"), "s3cret", "", false},
		{"wrong mode", query("unsubscribe", "s3cret", "1158201444"), "s3cret", "", false},
		{"no mode", url.Values{"hub.verify_token": {"s3cret"}, "hub.challenge": {"1"}}, "s3cret", "", false},
		{"no token configured", query("subscribe", "", "1158201444"), "", "", false},
		{"empty query", url.Values{}, "s3cret", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			challenge, ok := whatsapp.VerifySubscription(tt.query, tt.token)
			if ok != tt.ok || challenge != tt.challenge {
				t.Errorf("VerifySubscription = %q, %v; want %q, %v", challenge, ok, tt.challenge, tt.ok)
			}
		})
	}
}
