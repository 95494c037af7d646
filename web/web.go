// Package web serves the two browser pages of supportd: the agent console, where a person takes over a
// conversation from the bot, and the customer simulator, a WhatsApp-like chat for trying the product with no
// WhatsApp account. Both are plain HTML, CSS and JavaScript modules embedded in the binary, with no build step
// and nothing fetched from elsewhere at run time.
//
// The pages hold no data. The console reads and changes conversations through the agent API at ../api/
// (relative to the page, so /api/ when the console is mounted at /agent/), sending the agent token as a
// bearer token. The simulator talks to api/send and api/messages below its own path.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed common console simulator
var files embed.FS

// Console returns the handler of the agent console. Mount it with http.StripPrefix at /agent/:
//
//	mux.Handle("/agent/", http.StripPrefix("/agent/", web.Console()))
//
// The page expects the agent API at /api/ on the same host.
func Console() http.Handler { return newSite("console") }

// Simulator returns the handler of the customer simulator. Mount it with http.StripPrefix at /simulator/,
// next to the simulator API at /simulator/api/send and /simulator/api/messages. It belongs in development
// mode only: anyone who can open it can write as any customer.
func Simulator() http.Handler { return newSite("simulator") }

// contentTypes names the type of every kind of file the pages are made of. A fixed table, not the
// system's MIME database, so a browser always runs the JavaScript modules.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
}

// securityPolicy lets a page load and call only its own origin, and keeps it out of frames.
const securityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// asset is one file ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// site serves one page and its assets: the files of its own directory plus the shared ones of common/.
type site struct {
	assets map[string]asset
}

func newSite(dir string) *site {
	s := &site{assets: map[string]asset{}}
	// The page's own files come last so that they win over a shared file of the same name.
	for _, d := range []string{"common", dir} {
		if err := s.add(d); err != nil {
			panic(fmt.Sprintf("web: embedded %s: %v", d, err)) // the embed directive guarantees the directory
		}
	}
	return s
}

func (s *site) add(dir string) error {
	sub, err := fs.Sub(files, dir)
	if err != nil {
		return err
	}
	return fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		ctype, ok := contentTypes[path.Ext(name)]
		if !ok {
			ctype = "application/octet-stream"
		}
		sum := sha256.Sum256(body)
		s.assets[name] = asset{body: body, contentType: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
}

// ServeHTTP serves index.html at the root and the assets by name. It accepts paths with or without the
// leading slash, so it works behind http.StripPrefix("/agent/") as well as http.StripPrefix("/agent").
func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	a, ok := s.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", securityPolicy)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
