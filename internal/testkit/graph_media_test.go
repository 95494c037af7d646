package testkit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestGraphMediaSpeaksMetasWire(t *testing.T) {
	g := NewGraph(t)
	id := g.AddMedia(GraphMedia{Data: []byte("%PDF-1.4 invoice"), MIMEType: "application/pdf"})
	get := func(target, token string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}

	if resp, body := get(g.URL()+"/"+id, "wrong"); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":190`) {
		t.Errorf("metadata with a wrong token = %d %s, want 401 with Graph error 190", resp.StatusCode, body)
	}
	resp, body := get(g.URL()+"/"+id, g.AccessToken())
	var info struct {
		MessagingProduct string `json:"messaging_product"`
		URL              string `json:"url"`
		MIMEType         string `json:"mime_type"`
		SHA256           string `json:"sha256"`
		FileSize         int64  `json:"file_size"`
		ID               string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &info); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("metadata = %d %s", resp.StatusCode, body)
	}
	if info.MessagingProduct != "whatsapp" || info.ID != id || info.MIMEType != "application/pdf" || info.FileSize != 16 || len(info.SHA256) != 64 {
		t.Errorf("metadata = %+v", info)
	}
	u, err := url.Parse(info.URL)
	if err != nil || u.Host != g.MediaHost() || u.Path != "/whatsapp_business/attachments/" || u.Query().Get("mid") != id {
		t.Errorf("download url %q, want the fake's media host with Meta's path and mid", info.URL)
	}
	if resp, _ := get(info.URL, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("download without the token = %d, want 401", resp.StatusCode)
	}
	if resp, body := get(info.URL, g.AccessToken()); resp.StatusCode != http.StatusOK || body != "%PDF-1.4 invoice" || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("download = %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	g.ExpireMediaURLs()
	if resp, _ := get(info.URL, g.AccessToken()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("download from an expired url = %d, want 403", resp.StatusCode)
	}
	if resp, body := get(g.URL()+"/1180000000000999", g.AccessToken()); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"code":100`) {
		t.Errorf("metadata of an unknown id = %d %s, want 400 with Graph error 100", resp.StatusCode, body)
	}
	if g.MediaDownloads() != 1 || g.MediaInfoRequests() != 3 {
		t.Errorf("downloads %d, metadata requests %d; want 1 and 3", g.MediaDownloads(), g.MediaInfoRequests())
	}
}
