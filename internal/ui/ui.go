// Package ui serves "My web of care", the page carers, the people they
// care for and professionals open at "/": sign in with a token, see a web
// of care drawn and explained in plain words. The page is plain HTML, CSS
// and JavaScript modules embedded in the binary: no CDN, no build step.
// It talks only to /graphql, with the token as a bearer header.
package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// Prefix is where the page's files are served; "/" serves index.html.
const Prefix = "/ui/"

// contentSecurityPolicy lets the page load only its own files and talk
// only to its own origin: no inline script or style, no frames, no
// plugins, nothing sent elsewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

type file struct {
	body        []byte
	contentType string
	etag        string
}

// readAssets loads every embedded file once, keyed by its name under
// Prefix, with its type and ETag worked out up front.
func readAssets() (map[string]file, error) {
	files := map[string]file{}
	err := fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if path.Ext(p) == ".js" {
			ct = "text/javascript; charset=utf-8" // modules must have a JavaScript type whatever the OS's mime table says
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		files[strings.TrimPrefix(p, "assets/")] = file{body: b, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	return files, err
}

// Handler serves the page at "/" and its files under Prefix. Anything
// else is 404. Files are revalidated on each load (ETag), so a new binary
// never leaves a browser with a stale mix of modules.
func Handler() http.Handler {
	files, err := readAssets()
	if err != nil {
		// The files are compiled in: failing to read them is a broken build.
		panic("ui: embedded assets unreadable: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "" // no file has this name: 404
		switch {
		case r.URL.Path == "/":
			name = "index.html"
		case strings.HasPrefix(r.URL.Path, Prefix):
			name = strings.TrimPrefix(r.URL.Path, Prefix)
		}
		f, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", f.etag)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	})
}
