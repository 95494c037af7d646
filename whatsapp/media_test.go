package whatsapp_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/media"
	"github.com/supportd/supportd/whatsapp"
)

// photo is a 1x1 PNG, which a customer's phone may well label image/jpeg.
var photo, _ = hex.DecodeString("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
	"1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")

func TestFetchMediaIntoTheStore(t *testing.T) {
	g := testkit.NewGraph(t)
	id := g.AddMedia(testkit.GraphMedia{Data: photo, MIMEType: "image/jpeg"})
	download, err := newClient(g).FetchMedia(t.Context(), id, whatsapp.MediaImage)
	if err != nil {
		t.Fatalf("FetchMedia: %v", err)
	}
	defer download.Close()
	sum := sha256.Sum256(photo)
	if download.MIMEType != "image/png" || download.Info.MIMEType != "image/jpeg" || download.Info.ID != id ||
		download.Info.SHA256 != hex.EncodeToString(sum[:]) || download.Info.FileSize != int64(len(photo)) {
		t.Errorf("download = %q, %+v; want the type sniffed from the bytes and the Graph API's metadata", download.MIMEType, download.Info)
	}
	if strings.Contains(download.Info.URL, "://"+strings.TrimPrefix(g.URL(), "http://")) || !strings.Contains(download.Info.URL, g.MediaHost()) {
		t.Errorf("download url %q is not on the fake's media host %s", download.Info.URL, g.MediaHost())
	}
	store, err := media.Open(t.Context(), "file://"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	item, err := store.Put(t.Context(), customer, download)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if item.SHA256 != download.Info.SHA256 || item.MIMEType != "image/png" || item.Size != int64(len(photo)) {
		t.Errorf("stored %+v", item)
	}
	if g.MediaDownloads() != 1 {
		t.Errorf("fake served %d downloads, want 1", g.MediaDownloads())
	}
}

// photoInfo serves the photo from a Graph fake and returns a client of the fake with its metadata.
func photoInfo(t *testing.T) (*whatsapp.Client, whatsapp.MediaInfo) {
	t.Helper()
	g := testkit.NewGraph(t)
	client := newClient(g)
	info, err := client.MediaInfo(t.Context(), g.AddMedia(testkit.GraphMedia{Data: photo, MIMEType: "image/png"}))
	if err != nil {
		t.Fatal(err)
	}
	return client, info
}

func TestMediaSHA256InBase64(t *testing.T) {
	client, info := photoInfo(t)
	sum := sha256.Sum256(photo)
	info.SHA256 = base64.StdEncoding.EncodeToString(sum[:]) // as webhooks carry it
	download, err := client.DownloadMedia(t.Context(), info, whatsapp.MediaImage)
	if err != nil {
		t.Fatal(err)
	}
	defer download.Close()
	if got, err := io.ReadAll(download); err != nil || !bytes.Equal(got, photo) {
		t.Errorf("read %d bytes, %v; want the photo", len(got), err)
	}
}

func TestMediaThatIsNotWhatTheGraphAPISaid(t *testing.T) {
	big := bytes.Repeat([]byte{0}, 600<<10)
	for _, tc := range []struct {
		name      string
		media     testkit.GraphMedia
		mediaType string
		want      error
		// says is part of the error's text, which tells which check refused the media.
		says string
		// downloads is how many downloads the fake serves in full, -1 for any number.
		downloads int
	}{
		{"wrong sha256", testkit.GraphMedia{Data: photo, MIMEType: "image/png", WrongSHA256: true}, whatsapp.MediaImage, whatsapp.ErrMediaMismatch, "after 67 bytes", 1},
		{"too large by its file_size", testkit.GraphMedia{Data: big, MIMEType: "image/webp"}, whatsapp.MediaSticker, whatsapp.ErrMediaTooLarge, "614400 bytes", 0},
		{"too large by its content length", testkit.GraphMedia{Data: big, MIMEType: "image/webp", FileSize: 1000}, whatsapp.MediaSticker, whatsapp.ErrMediaTooLarge, "614400 bytes", -1},
		{"too large by its bytes", testkit.GraphMedia{Data: big, MIMEType: "image/webp", FileSize: 1000, Chunked: true}, whatsapp.MediaSticker, whatsapp.ErrMediaTooLarge, "more than 512000 bytes", -1},
		{"a type without a limit", testkit.GraphMedia{Data: photo, MIMEType: "image/png"}, "location", whatsapp.ErrMediaTooLarge, "no limit", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := testkit.NewGraph(t)
			store, err := media.Open(t.Context(), "file://"+t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			download, err := newClient(g).FetchMedia(t.Context(), g.AddMedia(tc.media), tc.mediaType)
			if err == nil {
				_, err = store.Put(t.Context(), customer, download)
				_ = download.Close()
			}
			if !errors.Is(err, tc.want) || whatsapp.IsRetryable(err) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("fetch = %v (retryable %v), want %v saying %q, not retryable", err, whatsapp.IsRetryable(err), tc.want, tc.says)
			}
			if items, err := store.List(t.Context(), customer); err != nil || len(items) != 0 {
				t.Errorf("store holds %+v, %v; want nothing", items, err)
			}
			if tc.downloads >= 0 && g.MediaDownloads() != tc.downloads {
				t.Errorf("fake served %d downloads, want %d", g.MediaDownloads(), tc.downloads)
			}
		})
	}
}

func TestExpiredMediaURL(t *testing.T) {
	g := testkit.NewGraph(t)
	client := newClient(g)
	id := g.AddMedia(testkit.GraphMedia{Data: photo, MIMEType: "image/png"})

	g.ExpireNextMediaURLs(1)
	download, err := client.FetchMedia(t.Context(), id, whatsapp.MediaImage)
	if err != nil {
		t.Fatalf("FetchMedia with the first url expired: %v", err)
	}
	_ = download.Close()
	if n := g.MediaInfoRequests(); n != 2 {
		t.Errorf("metadata asked %d times, want 2 (a fresh url after the expired one)", n)
	}

	info, err := client.MediaInfo(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	g.ExpireMediaURLs()
	if _, err := client.DownloadMedia(t.Context(), info, whatsapp.MediaImage); err == nil || whatsapp.IsRetryable(err) {
		t.Errorf("download from an expired url = %v, want a 4xx that is not retryable", err)
	}
}

func TestMediaFetchFailures(t *testing.T) {
	for _, tc := range []struct {
		status    int
		retryable bool
	}{
		{http.StatusInternalServerError, true},
		{http.StatusBadGateway, true},
		{http.StatusTooManyRequests, true},
		{http.StatusBadRequest, false},
		{http.StatusUnauthorized, false},
		{http.StatusNotFound, false},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			g := testkit.NewGraph(t)
			id := g.AddMedia(testkit.GraphMedia{Data: photo, MIMEType: "image/png"})
			g.FailMediaDownloads(2, tc.status)
			_, err := newClient(g).FetchMedia(t.Context(), id, whatsapp.MediaImage)
			if err == nil || whatsapp.IsRetryable(err) != tc.retryable {
				t.Fatalf("fetch = %v, retryable %v; want an error, retryable %v", err, whatsapp.IsRetryable(err), tc.retryable)
			}
			if strings.Contains(err.Error(), g.AccessToken()) {
				t.Errorf("error carries the access token: %v", err)
			}
			// Failed twice, the third fetch succeeds: what the fetch activity's retries rely on.
			for g.MediaDownloads() == 0 {
				download, err := newClient(g).FetchMedia(t.Context(), id, whatsapp.MediaImage)
				if err != nil {
					continue
				}
				if got, err := io.ReadAll(download); err != nil || !bytes.Equal(got, photo) {
					t.Fatalf("read %d bytes, %v", len(got), err)
				}
				_ = download.Close()
			}
		})
	}
}

func TestMediaUnknownID(t *testing.T) {
	g := testkit.NewGraph(t)
	_, err := newClient(g).FetchMedia(t.Context(), "1180000000000999", whatsapp.MediaImage)
	if apiErr, ok := errors.AsType[*whatsapp.APIError](err); !ok || apiErr.Code != whatsapp.CodeInvalidParameter || whatsapp.IsRetryable(err) {
		t.Errorf("fetch of an unknown id = %v, want Graph error 100, not retryable", err)
	}
	if _, err := newClient(g).MediaInfo(t.Context(), "../messages"); !errors.Is(err, whatsapp.ErrInvalidMessage) {
		t.Errorf("MediaInfo with a path for an id = %v, want ErrInvalidMessage", err)
	}
}

func TestMediaDownloadStaysOnTheNamedHost(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached another host, with Authorization %q", r.Header.Get("Authorization"))
	}))
	defer elsewhere.Close()
	g := testkit.NewGraph(t)
	client := newClient(g)
	id := g.AddMedia(testkit.GraphMedia{Data: photo, MIMEType: "image/png", RedirectTo: elsewhere.URL + "/photo.png"})
	if _, err := client.FetchMedia(t.Context(), id, whatsapp.MediaImage); !errors.Is(err, whatsapp.ErrMediaHost) || whatsapp.IsRetryable(err) {
		t.Errorf("fetch redirected to another host = %v, want ErrMediaHost, not retryable", err)
	}

	info, err := client.MediaInfo(t.Context(), g.AddMedia(testkit.GraphMedia{Data: photo, MIMEType: "image/png"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"file:///etc/passwd", "ftp://" + g.MediaHost() + "/photo.png", "//" + g.MediaHost() + "/photo.png", ":"} {
		info.URL = target
		if _, err := client.DownloadMedia(t.Context(), info, whatsapp.MediaImage); !errors.Is(err, whatsapp.ErrMediaHost) || whatsapp.IsRetryable(err) {
			t.Errorf("download from %q = %v, want ErrMediaHost, not retryable", target, err)
		}
	}
	https := whatsapp.NewClient("https://graph.facebook.com/v23.0", g.PhoneNumberID(), g.AccessToken(), nil)
	info.URL = "http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"
	if _, err := https.DownloadMedia(t.Context(), info, whatsapp.MediaImage); !errors.Is(err, whatsapp.ErrMediaHost) {
		t.Errorf("plain http download for an https Graph API = %v, want ErrMediaHost", err)
	}
}

func TestMediaNetworkFailureIsRetryable(t *testing.T) {
	client, info := photoInfo(t)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	info.URL = gone.URL + "/whatsapp_business/attachments/"
	if _, err := client.DownloadMedia(t.Context(), info, whatsapp.MediaImage); err == nil || !whatsapp.IsRetryable(err) {
		t.Errorf("download from a closed server = %v, want a retryable error", err)
	}
}

func TestMaxMediaSize(t *testing.T) {
	for mediaType, want := range map[string]int64{
		whatsapp.MediaImage: 5 << 20, whatsapp.MediaAudio: 16 << 20, whatsapp.MediaVideo: 16 << 20,
		whatsapp.MediaDocument: 100 << 20, whatsapp.MediaSticker: 500 << 10, "text": 0,
	} {
		if got := whatsapp.MaxMediaSize(mediaType); got != want {
			t.Errorf("MaxMediaSize(%q) = %d, want %d", mediaType, got, want)
		}
	}
}

// A 16 MB video passes from the Graph API into the store streamed: far less than its size is allocated on
// the way.
func TestLargeMediaIsStreamed(t *testing.T) {
	g := testkit.NewGraph(t)
	video := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{7}, 16<<20-24)...)
	id := g.AddMedia(testkit.GraphMedia{Data: video, MIMEType: "video/mp4"})
	store, err := media.Open(t.Context(), "file://"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	download, err := newClient(g).FetchMedia(t.Context(), id, whatsapp.MediaVideo)
	if err != nil {
		t.Fatal(err)
	}
	item, err := store.Put(t.Context(), customer, download)
	_ = download.Close()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil || item.Size != int64(len(video)) || item.MIMEType != "video/mp4" {
		t.Fatalf("put = %+v, %v", item, err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d bytes fetched and stored in %v, %d bytes allocated", item.Size, elapsed, allocated)
	if allocated > 4<<20 {
		t.Errorf("%d bytes allocated for a %d-byte video, want it streamed (under 4 MiB)", allocated, len(video))
	}
}
