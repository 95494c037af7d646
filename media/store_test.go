package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/media"
)

// pngBytes is a 1x1 PNG.
var pngBytes, _ = hex.DecodeString("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
	"1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")

// stores opens each kind of store MEDIA_STORE can name, so that every test runs against both.
func stores(t *testing.T) map[string]*media.Store {
	t.Helper()
	out := map[string]*media.Store{}
	for name, storeURL := range map[string]string{
		"file": "file://" + t.TempDir() + "/media",
		"s3":   testkit.NewS3(t),
	} {
		store, err := media.Open(context.Background(), storeURL)
		if err != nil {
			t.Fatalf("open %s store: %v", name, err)
		}
		t.Cleanup(func() { _ = store.Close() })
		out[name] = store
	}
	return out
}

func TestStore(t *testing.T) {
	ctx := context.Background()
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	big := bytes.Repeat([]byte("supportd "), 100_000) // larger than the sniffed head
	for name, store := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("put and open", func(t *testing.T) {
				for _, tc := range []struct {
					data     []byte
					mimeType string
				}{
					{pngBytes, "image/png"},
					{pdf, "application/pdf"},
					{big, "text/plain; charset=utf-8"},
					{nil, "text/plain"},
				} {
					item, err := store.Put(ctx, "27820000001", bytes.NewReader(tc.data))
					if err != nil {
						t.Fatalf("put: %v", err)
					}
					sum := sha256.Sum256(tc.data)
					want := media.Item{Customer: "27820000001", SHA256: hex.EncodeToString(sum[:]), MIMEType: tc.mimeType, Size: int64(len(tc.data))}
					if item != want {
						t.Fatalf("put = %+v, want %+v", item, want)
					}
					r, err := store.Open(ctx, "27820000001", item.SHA256)
					if err != nil {
						t.Fatalf("open: %v", err)
					}
					got, err := io.ReadAll(r)
					_ = r.Close()
					if err != nil || !bytes.Equal(got, tc.data) || r.Item != want {
						t.Fatalf("open = %+v, %d bytes, %v; want %+v and the bytes put", r.Item, len(got), err, want)
					}
				}
			})
			t.Run("same bytes are one item per customer", func(t *testing.T) {
				for range 2 {
					if _, err := store.Put(ctx, "ZA.13491208655302741918", bytes.NewReader(pngBytes)); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := store.Put(ctx, "27820000002", bytes.NewReader(pngBytes)); err != nil {
					t.Fatal(err)
				}
				items, err := store.List(ctx, "ZA.13491208655302741918")
				if err != nil || len(items) != 1 || items[0].MIMEType != "image/png" || items[0].Size != int64(len(pngBytes)) {
					t.Fatalf("list = %+v, %v; want the one PNG", items, err)
				}
			})
			t.Run("a failing reader stores nothing", func(t *testing.T) {
				refused := errors.New("hash mismatch")
				r := io.MultiReader(bytes.NewReader(big), &failingReader{err: refused})
				if _, err := store.Put(ctx, "27820000003", r); !errors.Is(err, refused) {
					t.Fatalf("put = %v, want the reader's error", err)
				}
				if items, err := store.List(ctx, "27820000003"); err != nil || len(items) != 0 {
					t.Fatalf("list = %+v, %v; want nothing", items, err)
				}
				if keys, err := store.Keys(ctx, "customers/27820000003/"); err != nil || len(keys) != 0 {
					t.Fatalf("keys = %q, %v; want nothing left behind", keys, err)
				}
			})
			t.Run("delete a customer", func(t *testing.T) {
				for _, data := range [][]byte{pngBytes, pdf} {
					if _, err := store.Put(ctx, "27820000004", bytes.NewReader(data)); err != nil {
						t.Fatal(err)
					}
				}
				other, err := store.Put(ctx, "27820000005", bytes.NewReader(pngBytes))
				if err != nil {
					t.Fatal(err)
				}
				if n, err := store.DeleteCustomer(ctx, "27820000004"); err != nil || n != 2 {
					t.Fatalf("delete = %d, %v; want 2", n, err)
				}
				if items, err := store.List(ctx, "27820000004"); err != nil || len(items) != 0 {
					t.Fatalf("list after delete = %+v, %v", items, err)
				}
				if n, err := store.DeleteCustomer(ctx, "27820000004"); err != nil || n != 0 {
					t.Fatalf("delete again = %d, %v; want 0", n, err)
				}
				r, err := store.Open(ctx, "27820000005", other.SHA256)
				if err != nil {
					t.Fatalf("another customer's item: %v", err)
				}
				_ = r.Close()
			})
			t.Run("unknown and invalid keys", func(t *testing.T) {
				sum := sha256.Sum256([]byte("never stored"))
				if _, err := store.Open(ctx, "27820000001", hex.EncodeToString(sum[:])); !errors.Is(err, media.ErrNotFound) {
					t.Errorf("open unknown = %v, want ErrNotFound", err)
				}
				for _, key := range [][2]string{{"../27820000001", hex.EncodeToString(sum[:])}, {"", hex.EncodeToString(sum[:])},
					{"2782/0000001", hex.EncodeToString(sum[:])}, {"27820000001", "staging"}, {"27820000001", strings.ToUpper(hex.EncodeToString(sum[:]))}} {
					if _, err := store.Open(ctx, key[0], key[1]); !errors.Is(err, media.ErrInvalidKey) {
						t.Errorf("open %q = %v, want ErrInvalidKey", key, err)
					}
				}
				if _, err := store.Put(ctx, "..", bytes.NewReader(pngBytes)); !errors.Is(err, media.ErrInvalidKey) {
					t.Errorf("put to .. = %v, want ErrInvalidKey", err)
				}
			})
		})
	}
}

func TestParseURL(t *testing.T) {
	for _, good := range []string{"file:///var/lib/supportd/media", "s3://media?endpoint=http://minio:9000&region=us-east-1", "s3://media"} {
		if _, err := media.ParseURL(good); err != nil {
			t.Errorf("ParseURL(%q) = %v", good, err)
		}
	}
	for _, bad := range []string{"", "/var/media", "file://relative/media", "file:media", "gs://media", "s3://", "s3:///media", "s3://AKIA:secret@media", "s3://media\x7f?"} {
		if _, err := media.ParseURL(bad); err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseURL(%q) = %v, want an error that does not echo a secret", bad, err)
		}
	}
}

type failingReader struct{ err error }

func (r *failingReader) Read([]byte) (int, error) { return 0, r.err }
