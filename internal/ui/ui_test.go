package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestServesThePageAndItsFiles(t *testing.T) {
	h := Handler()
	resp := get(t, h, http.MethodGet, "/", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, hdr := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "ETag"} {
		if resp.Header.Get(hdr) == "" {
			t.Errorf("GET / lacks %s", hdr)
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("CSP %q does not limit scripts to the page's own", resp.Header.Get("Content-Security-Policy"))
	}

	// Every file the page refers to, following the JavaScript imports,
	// is served with the type a browser insists on for it.
	want := map[string]string{".js": "text/javascript", ".css": "text/css"}
	seen := map[string]bool{}
	refs := regexp.MustCompile(`(?:src|href)="(/ui/[^"]+)"`).FindAllStringSubmatch(string(body), -1)
	queue := []string{}
	for _, m := range refs {
		queue = append(queue, m[1])
	}
	if len(queue) < 2 {
		t.Fatalf("index.html refers to %d files under /ui/, want the stylesheet and the script", len(queue))
	}
	imports := regexp.MustCompile(`(?m)^\s*import\s.*from\s+'\./([^']+)'`)
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		r := get(t, h, http.MethodGet, u, nil)
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", u, r.StatusCode)
			continue
		}
		if ct := want[path.Ext(u)]; ct != "" && !strings.HasPrefix(r.Header.Get("Content-Type"), ct) {
			t.Errorf("GET %s: Content-Type %q, want %s", u, r.Header.Get("Content-Type"), ct)
		}
		if path.Ext(u) == ".js" {
			for _, m := range imports.FindAllStringSubmatch(string(b), -1) {
				queue = append(queue, path.Join(path.Dir(u), m[1]))
			}
		}
	}
	// Every embedded file is reachable from the page (nothing dead ships).
	for name := range embedded(t) {
		if name != "index.html" && !seen[Prefix+name] {
			t.Errorf("%s is embedded but nothing loads it", name)
		}
	}
}

// embedded is every file the Handler serves, by name under Prefix.
func embedded(t *testing.T) map[string]file {
	t.Helper()
	files, err := readAssets()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestUnknownPathsMethodsAndRevalidation(t *testing.T) {
	h := Handler()
	for _, p := range []string{"/ui/", "/ui/nope.js", "/index.html", "/ui/../ui.go", "/ui/assets/app.js"} {
		if r := get(t, h, http.MethodGet, p, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.StatusCode)
		}
	}
	if r := get(t, h, http.MethodPost, "/ui/app.js", nil); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /ui/app.js: %d, want 405", r.StatusCode)
	}
	first := get(t, h, http.MethodGet, "/ui/app.js", nil)
	etag := first.Header.Get("ETag")
	if r := get(t, h, http.MethodGet, "/ui/app.js", map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified {
		t.Errorf("GET with If-None-Match %s: %d, want 304", etag, r.StatusCode)
	}
	if r := get(t, h, http.MethodHead, "/", nil); r.StatusCode != http.StatusOK {
		t.Errorf("HEAD /: %d", r.StatusCode)
	}
}

// The page must work with no network but its own origin and under its
// own CSP: no CDN, no inline script or style, and no HTML built from
// strings (data is always set as text).
func TestAssetsAreSelfContained(t *testing.T) {
	forbidden := []struct {
		re   *regexp.Regexp
		why  string
		only string // file extension it applies to ("" all)
	}{
		{regexp.MustCompile(`https?://`), "refers to another origin (CDN or external resource)", ""},
		{regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>`), "inline script (blocked by the CSP)", ".html"},
		{regexp.MustCompile(`<style|\sstyle="`), "inline style (blocked by the CSP)", ".html"},
		{regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function`), "builds markup or code from strings", ".js"},
		{regexp.MustCompile(`setAttribute\('style'`), "inline style (blocked by the CSP)", ".js"},
		{regexp.MustCompile(`localStorage`), "keeps data beyond the tab (the token belongs in sessionStorage)", ".js"},
	}
	for name, f := range embedded(t) {
		// The SVG namespace is an identifier, not a request.
		s := strings.ReplaceAll(string(f.body), "http://www.w3.org/2000/svg", "")
		for _, re := range forbidden {
			if re.only != "" && path.Ext(name) != re.only {
				continue
			}
			if loc := re.re.FindStringIndex(s); loc != nil {
				t.Errorf("%s: %q %s", name, s[loc[0]:loc[1]], re.why)
			}
		}
	}
}
