package testkit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// graphMediaURLLifetime is how long a download URL of the media endpoint works, as on Meta's servers.
const graphMediaURLLifetime = 5 * time.Minute

// GraphMedia is a media item the Graph fake serves as Meta serves a customer's photo or voice note: GET
// /{version}/{media-id} with the access token answers its metadata, with a download URL on a host of its
// own (as lookaside.fbsbx.com is) that needs the same token and works for 5 minutes.
type GraphMedia struct {
	Data []byte
	// MIMEType is the type the metadata reports.
	MIMEType string
	// WrongSHA256 makes the metadata carry the hash of other bytes, as if the download were an error page.
	WrongSHA256 bool
	// FileSize is the file_size the metadata reports; 0 means len(Data).
	FileSize int64
	// Chunked answers the download without Content-Length, so that only counting the bytes finds its size.
	Chunked bool
	// RedirectTo makes the download answer with a redirect to this URL instead of the bytes.
	RedirectTo string
}

// graphMediaState is the media side of the Graph fake, guarded by the Graph's lock.
type graphMediaState struct {
	mediaServer *httptest.Server
	media       map[string]GraphMedia
	// urls maps the hash parameter of every download URL issued to its media id and expiry.
	urls              map[string]graphMediaURL
	expireNext        int
	downloadFailures  []int // the statuses the next downloads fail with
	mediaDownloads    int
	mediaInfoRequests int
}

type graphMediaURL struct {
	mediaID string
	expires time.Time
}

func (g *Graph) startMedia(mux *http.ServeMux) {
	g.media, g.urls = map[string]GraphMedia{}, map[string]graphMediaURL{}
	mux.HandleFunc("GET /{version}/{mediaID}", g.handleMediaInfo)
	g.mediaServer = httptest.NewServer(http.HandlerFunc(g.handleMediaDownload))
}

// AddMedia makes the fake serve a media item and returns its media id, the id an inbound webhook's
// image, audio, video, document or sticker object carries.
func (g *Graph) AddMedia(m GraphMedia) (mediaID string) {
	g.record(func() {
		mediaID = strconv.Itoa(1_180_000_000_000_000 + len(g.media) + 1) // Meta's ids are numbers of 16 digits
		if m.Data == nil {
			m.Data = []byte{}
		}
		g.media[mediaID] = m
	})
	return mediaID
}

// MediaHost is the host:port of the fake's download URLs, which is not the Graph API's own.
func (g *Graph) MediaHost() string { return strings.TrimPrefix(g.mediaServer.URL, "http://") }

// ExpireMediaURLs makes every download URL issued so far stop working, as they do 5 minutes after Meta
// issues them; the metadata endpoint still issues fresh ones.
func (g *Graph) ExpireMediaURLs() {
	g.record(func() {
		for hash, u := range g.urls {
			u.expires = time.Time{}
			g.urls[hash] = u
		}
	})
}

// ExpireNextMediaURLs makes the next n download URLs the metadata endpoint issues expired already, as
// if the download started more than 5 minutes after the metadata was read.
func (g *Graph) ExpireNextMediaURLs(n int) {
	g.record(func() { g.expireNext += n })
}

// FailMediaDownloads makes the next n downloads answer with the HTTP status.
func (g *Graph) FailMediaDownloads(n, status int) {
	g.record(func() {
		for range n {
			g.downloadFailures = append(g.downloadFailures, status)
		}
	})
}

// MediaDownloads counts the downloads the fake served in full.
func (g *Graph) MediaDownloads() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.mediaDownloads
}

// MediaInfoRequests counts the requests to the metadata endpoint, refused ones included.
func (g *Graph) MediaInfoRequests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.mediaInfoRequests
}

func (g *Graph) handleMediaInfo(w http.ResponseWriter, r *http.Request) {
	g.record(func() { g.mediaInfoRequests++ })
	if r.Header.Get("Authorization") != "Bearer "+g.accessToken {
		writeGraphError(w, http.StatusUnauthorized, 190, "Invalid OAuth access token - Cannot parse access token", "")
		return
	}
	id := r.PathValue("mediaID")
	var m GraphMedia
	var ok bool
	hash := whatsAppRandomToken(24)
	expires := time.Now().Add(graphMediaURLLifetime)
	g.record(func() {
		if m, ok = g.media[id]; !ok {
			return
		}
		if g.expireNext > 0 {
			g.expireNext--
			expires = time.Time{}
		}
		g.urls[hash] = graphMediaURL{mediaID: id, expires: expires}
	})
	if !ok {
		writeGraphError(w, http.StatusBadRequest, 100,
			fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation", id), "")
		return
	}
	sum := sha256.Sum256(m.Data)
	if m.WrongSHA256 {
		sum = sha256.Sum256(append([]byte("not "), m.Data...))
	}
	size := m.FileSize
	if size == 0 {
		size = int64(len(m.Data))
	}
	writeGraphJSON(w, http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"url": fmt.Sprintf("%s/whatsapp_business/attachments/?mid=%s&ext=%d&hash=%s",
			g.mediaServer.URL, id, expires.Unix(), hash),
		"mime_type": m.MIMEType,
		"sha256":    hex.EncodeToString(sum[:]),
		"file_size": size,
		"id":        id,
	})
}

func (g *Graph) handleMediaDownload(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/whatsapp_business/attachments/" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+g.accessToken {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	var m GraphMedia
	var u graphMediaURL
	var ok bool
	failure := 0
	g.record(func() {
		u, ok = g.urls[r.URL.Query().Get("hash")]
		m = g.media[u.mediaID]
		if len(g.downloadFailures) > 0 {
			failure, g.downloadFailures = g.downloadFailures[0], g.downloadFailures[1:]
		}
	})
	switch {
	case failure != 0:
		http.Error(w, http.StatusText(failure), failure)
	case !ok || u.mediaID != r.URL.Query().Get("mid"):
		http.NotFound(w, r)
	case time.Now().After(u.expires):
		http.Error(w, "URL signature expired", http.StatusForbidden)
	case m.RedirectTo != "":
		http.Redirect(w, r, m.RedirectTo, http.StatusFound)
	default:
		w.Header().Set("Content-Type", m.MIMEType)
		if !m.Chunked {
			w.Header().Set("Content-Length", strconv.Itoa(len(m.Data)))
		}
		if _, err := w.Write(m.Data); err == nil {
			g.record(func() { g.mediaDownloads++ })
		}
	}
}
