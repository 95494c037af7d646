package testkit

import (
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// s3Bucket is the bucket NewS3 creates.
const s3Bucket = "supportd-media"

// NewS3 starts an in-memory S3-compatible server with one empty bucket, closed when the test ends, and
// returns the MEDIA_STORE value that reaches it (s3://bucket?endpoint=...&region=...). It sets the AWS
// credential variables for the test, so tests using it cannot run in parallel.
func NewS3(t testing.TB) string {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(s3Bucket); err != nil {
		t.Fatalf("s3 fake: create bucket: %v", err)
	}
	server := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(server.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test-access-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	return "s3://" + s3Bucket + "?endpoint=" + server.URL + "&region=us-east-1"
}
