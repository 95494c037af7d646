package whatsapp

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/supportd/supportd/media"
)

// The media types of WhatsApp messages, as in a message's "type".
const (
	MediaImage    = "image"
	MediaAudio    = "audio"
	MediaVideo    = "video"
	MediaDocument = "document"
	MediaSticker  = "sticker"
)

// MaxMediaSize returns the largest file WhatsApp carries for a media type (wire-formats.md A11), or 0 for
// a type it does not know. A sticker may be 500 KB when animated, 100 KB otherwise; inbound stickers are
// held to the larger limit.
func MaxMediaSize(mediaType string) int64 {
	const mb = 1 << 20
	switch mediaType {
	case MediaImage:
		return 5 * mb
	case MediaAudio, MediaVideo:
		return 16 * mb
	case MediaDocument:
		return 100 * mb
	case MediaSticker:
		return 500 << 10
	}
	return 0
}

// Errors of a media fetch that retrying cannot mend.
var (
	// ErrMediaTooLarge means the media is over WhatsApp's limit for its type, or its type has none.
	ErrMediaTooLarge = errors.New("whatsapp media too large")
	// ErrMediaMismatch means the bytes downloaded are not those whose sha256 the Graph API gave, as
	// when a proxy answers with an error page.
	ErrMediaMismatch = errors.New("whatsapp media does not match its sha256")
	// ErrMediaHost means the download would leave the host the Graph API named, or use another scheme.
	ErrMediaHost = errors.New("whatsapp media url refused")
)

// MediaInfo is what the Graph API says about a media item: GET {WHATSAPP_API_URL}/{media-id}.
type MediaInfo struct {
	ID string `json:"id"`
	// URL is where the bytes are, with the access token, for about 5 minutes.
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	// SHA256 is the hash of the bytes, in hex (the media endpoint) or base64 (webhooks).
	SHA256   string `json:"sha256"`
	FileSize int64  `json:"file_size"`
}

// MediaInfo asks the Graph API for the download URL, type, hash and size of the media item mediaID (a
// webhook's image.id, audio.id and so on).
func (c *Client) MediaInfo(ctx context.Context, mediaID string) (MediaInfo, error) {
	if mediaID == "" || strings.ContainsAny(mediaID, "/?#") {
		return MediaInfo{}, fmt.Errorf("get whatsapp media info: %w: media id %q", ErrInvalidMessage, mediaID)
	}
	resp, err := c.get(ctx, c.httpClient, c.baseURL+"/"+url.PathEscape(mediaID))
	if err != nil {
		return MediaInfo{}, fmt.Errorf("get whatsapp media info: %w", err)
	}
	defer resp.Body.Close()
	var info MediaInfo
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return MediaInfo{}, fmt.Errorf("get whatsapp media info: %w", c.transportError(err))
	}
	if err := json.Unmarshal(data, &info); err != nil || info.URL == "" {
		return MediaInfo{}, fmt.Errorf("get whatsapp media info: response carries no url: %s", c.redact(snippet(data)))
	}
	return info, nil
}

// FetchMedia asks the Graph API where the media item mediaID of the given type is and opens its download;
// see DownloadMedia. A download URL that has expired already is asked for again once.
func (c *Client) FetchMedia(ctx context.Context, mediaID, mediaType string) (*MediaDownload, error) {
	for attempt := 1; ; attempt++ {
		info, err := c.MediaInfo(ctx, mediaID)
		if err != nil {
			return nil, err
		}
		download, err := c.DownloadMedia(ctx, info, mediaType)
		if attempt == 1 && isURLExpired(err) {
			continue
		}
		return download, err
	}
}

// isURLExpired reports whether a download failed as one from a URL past its 5 minutes does.
func isURLExpired(err error) bool {
	apiErr, ok := errors.AsType[*APIError](err)
	return ok && (apiErr.HTTPStatus == http.StatusForbidden || apiErr.HTTPStatus == http.StatusNotFound ||
		apiErr.HTTPStatus == http.StatusGone)
}

// MediaDownload streams the bytes of one media item. Reading it fails with ErrMediaTooLarge as soon as
// the bytes pass WhatsApp's limit, and ends with ErrMediaMismatch instead of io.EOF when they do not match
// the sha256 the Graph API gave: a store that keeps what it reads (media.Store.Put) then keeps nothing.
type MediaDownload struct {
	Info MediaInfo
	// MIMEType is the type sniffed from the first bytes, whatever the Graph API or the response says.
	MIMEType string

	body   io.ReadCloser
	reader io.Reader
}

// Read reads the checked bytes.
func (d *MediaDownload) Read(p []byte) (int, error) { return d.reader.Read(p) }

// Close ends the download.
func (d *MediaDownload) Close() error { return d.body.Close() }

// DownloadMedia opens the download of a media item of the given type: GET {info.URL} with the access
// token, from that URL's host and scheme only (a redirect elsewhere is refused, and the scheme must be
// https unless the Graph API itself is reached over http, as fakes are), within WhatsApp's size limit for
// the type. The download is bounded by ctx, not by the http.Client's timeout, which is sized for Graph
// calls rather than a 100 MB document. The caller reads it to the end and closes it. Errors are classified
// as for sends: IsRetryable is true for 5xx, 429, network failures and timeouts, false for other 4xx and
// for ErrMediaTooLarge, ErrMediaMismatch and ErrMediaHost.
func (c *Client) DownloadMedia(ctx context.Context, info MediaInfo, mediaType string) (*MediaDownload, error) {
	download, err := c.downloadMedia(ctx, info, mediaType)
	if err != nil {
		return nil, fmt.Errorf("download whatsapp media %s: %w", info.ID, err)
	}
	return download, nil
}

func (c *Client) downloadMedia(ctx context.Context, info MediaInfo, mediaType string) (*MediaDownload, error) {
	limit := MaxMediaSize(mediaType)
	if limit == 0 {
		return nil, fmt.Errorf("%w: no limit known for type %q", ErrMediaTooLarge, mediaType)
	}
	if info.FileSize > limit {
		return nil, fmt.Errorf("%w: %d bytes, the limit for %s is %d", ErrMediaTooLarge, info.FileSize, mediaType, limit)
	}
	want, err := decodeSHA256(info.SHA256)
	if err != nil {
		return nil, err
	}
	origin, err := url.Parse(info.URL)
	if err != nil || !c.mediaSchemeAllowed(origin.Scheme) || origin.Host == "" {
		return nil, fmt.Errorf("%w: %q is not an https url", ErrMediaHost, info.URL)
	}
	client := *c.httpClient
	client.Timeout = 0
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != origin.Scheme || req.URL.Host != origin.Host {
			return fmt.Errorf("%w: redirect to %s://%s", ErrMediaHost, req.URL.Scheme, req.URL.Host)
		}
		if len(via) > 2 {
			return errors.New("more than 2 redirects")
		}
		return nil
	}
	resp, err := c.get(ctx, &client, info.URL)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > limit {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes, the limit for %s is %d", ErrMediaTooLarge, resp.ContentLength, mediaType, limit)
	}
	checked := &checkedReader{client: c, body: resp.Body, limit: limit, hash: sha256.New(), want: want}
	mimeType, reader, err := media.Sniff(checked)
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	return &MediaDownload{Info: info, MIMEType: mimeType, body: resp.Body, reader: reader}, nil
}

// get sends an authenticated GET and returns a 2xx response; any other answer becomes an *APIError, a
// failure to get an answer a *transportError.
func (c *Client) get(ctx context.Context, client *http.Client, target string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.accessToken)
	resp, err := client.Do(req)
	if err != nil {
		if urlErr, ok := errors.AsType[*url.Error](err); ok && errors.Is(err, ErrMediaHost) {
			return nil, urlErr.Err // a refusal, not the network failure a *url.Error would read as
		}
		return nil, c.transportError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
		return nil, c.apiError(resp.StatusCode, data)
	}
	return resp, nil
}

// mediaSchemeAllowed keeps the access token off plain http, unless the Graph API itself is reached over
// http (a fake or the dev simulator).
func (c *Client) mediaSchemeAllowed(scheme string) bool {
	return scheme == "https" || scheme == "http" && strings.HasPrefix(c.baseURL, "http://")
}

// decodeSHA256 reads a sha256 as the Graph API's media endpoint gives it (hex) or as webhooks do (base64).
func decodeSHA256(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) == sha256.Size {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == sha256.Size {
		return b, nil
	}
	return nil, fmt.Errorf("%w: sha256 %q is neither hex nor base64 of 32 bytes", ErrMediaMismatch, s)
}

// checkedReader reads a download, counting its bytes against the limit and hashing them.
type checkedReader struct {
	client *Client
	body   io.Reader
	limit  int64
	read   int64
	hash   hash.Hash
	want   []byte
}

func (r *checkedReader) Read(p []byte) (int, error) {
	n, err := r.body.Read(p)
	r.read += int64(n)
	r.hash.Write(p[:n])
	if r.read > r.limit {
		return 0, fmt.Errorf("%w: more than %d bytes", ErrMediaTooLarge, r.limit)
	}
	switch {
	case errors.Is(err, io.EOF):
		if got := r.hash.Sum(nil); string(got) != string(r.want) {
			return n, fmt.Errorf("%w: got %x after %d bytes", ErrMediaMismatch, got, r.read)
		}
	case err != nil:
		return n, r.client.transportError(err)
	}
	return n, err
}
