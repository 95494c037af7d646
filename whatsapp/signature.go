package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// SignatureHeader is the request header that carries Meta's signature of a webhook body.
const SignatureHeader = "X-Hub-Signature-256"

const signaturePrefix = "sha256="

// ErrBadSignature means a webhook body was not signed with the app secret. The gateway answers 401.
var ErrBadSignature = errors.New("bad whatsapp webhook signature")

// VerifySignature checks header, the value of X-Hub-Signature-256, against the HMAC-SHA256 of the raw body
// keyed with appSecret. It fails closed: an empty secret, a missing or malformed header and a mismatch are
// all errors wrapping ErrBadSignature. body must be the bytes as received, never re-encoded JSON.
func VerifySignature(appSecret string, body []byte, header string) error {
	if appSecret == "" {
		return fmt.Errorf("%w: no app secret configured", ErrBadSignature)
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return fmt.Errorf("%w: missing %s header", ErrBadSignature, SignatureHeader)
	}
	hexDigest, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok {
		return fmt.Errorf("%w: header does not start with %q", ErrBadSignature, signaturePrefix)
	}
	got, err := hex.DecodeString(hexDigest)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: header is not a hex SHA-256 digest", ErrBadSignature)
	}
	if !hmac.Equal(got, digest(appSecret, body)) {
		return fmt.Errorf("%w: digest does not match", ErrBadSignature)
	}
	return nil
}

// Sign returns the X-Hub-Signature-256 value Meta would send with body: "sha256=" and the lowercase hex
// HMAC-SHA256 of body keyed with appSecret.
func Sign(appSecret string, body []byte) string {
	return signaturePrefix + hex.EncodeToString(digest(appSecret, body))
}

func digest(appSecret string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return mac.Sum(nil)
}

// VerifySubscription answers Meta's subscription check (GET with hub.mode, hub.verify_token and
// hub.challenge). It reports ok when the mode is subscribe and the token equals verifyToken, compared in
// constant time; the caller then echoes challenge as a plain-text 200, and answers 403 otherwise. An empty
// verifyToken never matches.
func VerifySubscription(query url.Values, verifyToken string) (challenge string, ok bool) {
	if verifyToken == "" || query.Get("hub.mode") != "subscribe" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(query.Get("hub.verify_token")), []byte(verifyToken)) != 1 {
		return "", false
	}
	return query.Get("hub.challenge"), true
}
