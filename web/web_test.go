package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestHandlersServePagesAndAssets(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/agent/", http.StripPrefix("/agent/", Console()))
	mux.Handle("/simulator/", http.StripPrefix("/simulator/", Simulator()))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		path        string
		contentType string
		contains    string
	}{
		{"/agent/", "text/html; charset=utf-8", "Agent console"},
		{"/agent/index.html", "text/html; charset=utf-8", "Agent console"},
		{"/agent/app.js", "text/javascript; charset=utf-8", "import"},
		{"/agent/api.js", "text/javascript; charset=utf-8", "AgentApi"},
		{"/agent/style.css", "text/css; charset=utf-8", ".panes"},
		{"/agent/base.css", "text/css; charset=utf-8", ":root"},
		{"/agent/http.js", "text/javascript; charset=utf-8", "requestJSON"},
		{"/agent/icon.svg", "image/svg+xml", "<svg"},
		{"/simulator/", "text/html; charset=utf-8", "Customer simulator"},
		{"/simulator/app.js", "text/javascript; charset=utf-8", "api/send"},
		{"/simulator/style.css", "text/css; charset=utf-8", ".bubble"},
		{"/simulator/base.css", "text/css; charset=utf-8", ":root"},
		{"/simulator/format.js", "text/javascript; charset=utf-8", "charCount"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, body := get(t, srv.URL+tt.path, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache", got)
			}
			if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("security headers missing: %v", res.Header)
			}
			if !strings.Contains(body, tt.contains) {
				t.Errorf("body does not contain %q", tt.contains)
			}
		})
	}
}

func TestHandlersRejectWhatTheyDoNotServe(t *testing.T) {
	srv := httptest.NewServer(http.StripPrefix("/agent/", Console()))
	defer srv.Close()

	for _, path := range []string{"/agent/missing.js", "/agent/../web.go", "/agent/console/app.js", "/agent/common/base.css"} {
		if res, _ := get(t, srv.URL+path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, res.StatusCode)
		}
	}
	res, err := http.Post(srv.URL+"/agent/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q; want 405 with GET, HEAD", res.StatusCode, res.Header.Get("Allow"))
	}
}

func TestHandlersAnswerRevalidationWithNotModified(t *testing.T) {
	srv := httptest.NewServer(http.StripPrefix("/simulator", Simulator()))
	defer srv.Close()

	res, _ := get(t, srv.URL+"/simulator/app.js", nil)
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	res, _ = get(t, srv.URL+"/simulator/app.js", map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("status %d, want 304", res.StatusCode)
	}
}

// TestPagesReferOnlyToTheirOwnFiles keeps the pages working under any mount prefix and with no network:
// every src and href in the HTML is a relative path to a file the same handler serves, or the sibling page.
func TestPagesReferOnlyToTheirOwnFiles(t *testing.T) {
	ref := regexp.MustCompile(`(?:src|href)="([^"]*)"`)
	for name, h := range map[string]http.Handler{"console": Console(), "simulator": Simulator()} {
		srv := httptest.NewServer(h)
		_, page := get(t, srv.URL+"/", nil)
		for _, m := range ref.FindAllStringSubmatch(page, -1) {
			target := m[1]
			if target == "../agent/" {
				continue
			}
			if strings.Contains(target, ":") || strings.HasPrefix(target, "/") || strings.HasPrefix(target, "..") {
				t.Errorf("%s: reference %q is not a relative path inside the page's directory", name, target)
				continue
			}
			if res, _ := get(t, srv.URL+"/"+target, nil); res.StatusCode != http.StatusOK {
				t.Errorf("%s: %q answers %d", name, target, res.StatusCode)
			}
		}
		srv.Close()
	}
}

func get(t *testing.T, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}
