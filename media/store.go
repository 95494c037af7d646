// Package media keeps the media customers and agents send (photos, voice notes, videos, documents,
// stickers) in MEDIA_STORE: a directory (file:///path) or an S3-compatible bucket
// (s3://bucket?endpoint=...&region=...), through gocloud.dev/blob.
//
// Items are kept by customer and content hash. The keys are
//
//	customers/{customer}/{sha256}              the bytes, with their detected type as the blob's content type
//	customers/{customer}/staging/{random}      a Put in progress, renamed to the above once its hash is known
//
// where {customer} is the conversation's key (a wa_id or a business-scoped user ID) and {sha256} the
// lower-case hex SHA-256 of the bytes. The same bytes sent twice by one customer are one item; the same
// bytes from two customers are two, so erasing one customer (DeleteCustomer, one prefix) never touches
// what another sent.
package media

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"
)

// ErrNotFound means the store holds no such item.
var ErrNotFound = errors.New("media item not found")

// ErrInvalidKey means a customer key or a hash cannot name an item.
var ErrInvalidKey = errors.New("invalid media key")

// Item describes one stored media item.
type Item struct {
	// Customer is the conversation's key the item belongs to.
	Customer string
	// SHA256 is the lower-case hex SHA-256 of the bytes.
	SHA256 string
	// MIMEType is the type detected from the bytes, such as "image/jpeg" or "audio/ogg".
	MIMEType string
	Size     int64
}

// Store keeps media items in a bucket. It is safe for concurrent use.
type Store struct {
	bucket *blob.Bucket
}

// Open opens the store MEDIA_STORE names: file:///path (the directory is created when missing) or
// s3://bucket?endpoint=...&region=... with path-style addressing, as S3-compatible stores such as MinIO
// need; credentials come from the usual AWS environment variables (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY).
func Open(ctx context.Context, storeURL string) (*Store, error) {
	u, err := ParseURL(storeURL)
	if err != nil {
		return nil, err
	}
	var bucket *blob.Bucket
	switch u.Scheme {
	case "file":
		bucket, err = fileblob.OpenBucket(u.Path, &fileblob.Options{CreateDir: true, NoTempDir: true})
	case "s3":
		q := u.Query()
		if q.Get("use_path_style") == "" {
			q.Set("use_path_style", "true")
		}
		u.RawQuery = q.Encode()
		bucket, err = (&s3blob.URLOpener{}).OpenBucketURL(ctx, u)
	}
	if err != nil {
		return nil, fmt.Errorf("open media store %s: %w", u.Redacted(), err)
	}
	return &Store{bucket: bucket}, nil
}

// ParseURL checks a MEDIA_STORE value: file:///absolute/path or s3://bucket with optional query
// parameters.
func ParseURL(storeURL string) (*url.URL, error) {
	u, err := url.Parse(storeURL)
	if err != nil {
		// The parser's message quotes the value, which may hold a secret.
		return nil, errors.New("media store url: not a valid URL (examples: file:///var/lib/supportd/media, s3://media?endpoint=http://minio:9000&region=us-east-1)")
	}
	if u.User != nil {
		return nil, errors.New("media store url: credentials do not go in the URL but in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" || !path.IsAbs(u.Path) {
			return nil, fmt.Errorf("media store url %q: want file:///absolute/path", storeURL)
		}
	case "s3":
		if u.Host == "" {
			return nil, fmt.Errorf("media store url %q: want s3://bucket with endpoint and region as query parameters", storeURL)
		}
	default:
		return nil, fmt.Errorf("media store url %q: scheme must be file or s3", storeURL)
	}
	return u, nil
}

// Close releases the bucket.
func (s *Store) Close() error { return s.bucket.Close() }

// Put streams r into the store as an item of customer and returns it, with the type detected from its
// first bytes, its size and its SHA-256. Nothing is stored when reading r fails: a reader that checks what
// it reads (a size limit, an expected hash) refuses the item by returning an error. Putting the same bytes
// again returns the same item.
func (s *Store) Put(ctx context.Context, customer string, r io.Reader) (Item, error) {
	if err := checkCustomer(customer); err != nil {
		return Item{}, fmt.Errorf("put media: %w", err)
	}
	mimeType, r, err := Sniff(r)
	if err != nil {
		return Item{}, fmt.Errorf("put media: %w", err)
	}
	staging := customerPrefix(customer) + "staging/" + randomName()
	hash := sha256.New()
	size, err := s.write(ctx, staging, mimeType, io.TeeReader(r, hash))
	if err != nil {
		return Item{}, fmt.Errorf("put media: %w", err)
	}
	item := Item{Customer: customer, SHA256: hex.EncodeToString(hash.Sum(nil)), MIMEType: mimeType, Size: size}
	err = s.bucket.Copy(ctx, itemKey(customer, item.SHA256), staging, nil)
	// The staging copy goes whether or not the copy succeeded; a leftover one is erased with the customer.
	if deleteErr := s.bucket.Delete(context.WithoutCancel(ctx), staging); err == nil {
		err = deleteErr
	}
	if err != nil {
		return Item{}, fmt.Errorf("put media: %w", err)
	}
	return item, nil
}

// write copies r to key and returns how many bytes it wrote; on any error the write is abandoned and key
// is not created.
func (s *Store) write(ctx context.Context, key, mimeType string, r io.Reader) (int64, error) {
	writeCtx, abandon := context.WithCancel(ctx)
	defer abandon()
	w, err := s.bucket.NewWriter(writeCtx, key, &blob.WriterOptions{ContentType: mimeType})
	if err != nil {
		return 0, err
	}
	size, err := io.Copy(w, r)
	if err != nil {
		abandon() // before Close: the writer discards what it has
		_ = w.Close()
		return 0, err
	}
	return size, w.Close()
}

// Reader reads one stored item. It is an io.ReadSeekCloser, so that it can be served with
// http.ServeContent.
type Reader struct {
	Item
	*blob.Reader
}

// Open opens the item of customer with the hex SHA-256 hash for reading. The caller closes it.
func (s *Store) Open(ctx context.Context, customer, hash string) (*Reader, error) {
	if err := checkItem(customer, hash); err != nil {
		return nil, fmt.Errorf("open media: %w", err)
	}
	r, err := s.bucket.NewReader(ctx, itemKey(customer, hash), nil)
	if err != nil {
		return nil, fmt.Errorf("open media: %w", notFound(err))
	}
	item := Item{Customer: customer, SHA256: hash, MIMEType: r.ContentType(), Size: r.Size()}
	return &Reader{Item: item, Reader: r}, nil
}

// List returns the items of customer, ordered by hash.
func (s *Store) List(ctx context.Context, customer string) ([]Item, error) {
	if err := checkCustomer(customer); err != nil {
		return nil, fmt.Errorf("list media: %w", err)
	}
	prefix := customerPrefix(customer)
	var items []Item
	err := s.each(ctx, &blob.ListOptions{Prefix: prefix, Delimiter: "/"}, func(obj *blob.ListObject) error {
		hash := strings.TrimPrefix(obj.Key, prefix)
		if obj.IsDir || !isHash(hash) {
			return nil
		}
		attrs, err := s.bucket.Attributes(ctx, obj.Key)
		if err != nil {
			return notFound(err)
		}
		items = append(items, Item{Customer: customer, SHA256: hash, MIMEType: attrs.ContentType, Size: obj.Size})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list media: %w", err)
	}
	return items, nil
}

// DeleteCustomer deletes every item of customer, and any Put of theirs left unfinished, and returns how
// many items it deleted. Deleting again deletes nothing and is no error.
func (s *Store) DeleteCustomer(ctx context.Context, customer string) (int, error) {
	if err := checkCustomer(customer); err != nil {
		return 0, fmt.Errorf("delete media: %w", err)
	}
	prefix := customerPrefix(customer)
	deleted := 0
	err := s.each(ctx, &blob.ListOptions{Prefix: prefix}, func(obj *blob.ListObject) error {
		if err := s.bucket.Delete(ctx, obj.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return err
		}
		if isHash(strings.TrimPrefix(obj.Key, prefix)) {
			deleted++
		}
		return nil
	})
	if err != nil {
		return deleted, fmt.Errorf("delete media: %w", err)
	}
	return deleted, nil
}

// each calls fn for every object the listing finds, and stops at the first error.
func (s *Store) each(ctx context.Context, opts *blob.ListOptions, fn func(*blob.ListObject) error) error {
	it := s.bucket.List(opts)
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(obj); err != nil {
			return err
		}
	}
}

func customerPrefix(customer string) string { return "customers/" + customer + "/" }

func itemKey(customer, hash string) string { return customerPrefix(customer) + hash }

// checkCustomer accepts the conversation keys supportd uses, wa_ids and business-scoped user IDs such as
// "ZA.13491208655302741918", and refuses anything that could step out of the customer's prefix.
func checkCustomer(customer string) error {
	if customer == "" || len(customer) > 128 || customer[0] == '.' {
		return fmt.Errorf("%w: customer %q", ErrInvalidKey, customer)
	}
	for _, c := range customer {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._+-", c)) {
			return fmt.Errorf("%w: customer %q", ErrInvalidKey, customer)
		}
	}
	return nil
}

func checkItem(customer, hash string) error {
	if err := checkCustomer(customer); err != nil {
		return err
	}
	if !isHash(hash) {
		return fmt.Errorf("%w: hash %q", ErrInvalidKey, hash)
	}
	return nil
}

func isHash(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func notFound(err error) error {
	if gcerrors.Code(err) == gcerrors.NotFound {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

func randomName() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
