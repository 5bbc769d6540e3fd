package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// runHealthcheck asks a running service whether it is ready: the container
// image has no curl, so the binary checks itself.
func runHealthcheck(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var addr string
	var timeout time.Duration
	fs := newFlagSet("healthcheck", "Exits 0 when the service at --addr answers ready on /readyz.", getenv, stderr)
	fs.string(&addr, "addr", "CAREWEB_ADDR", "127.0.0.1:8080", "address of the running service")
	if err := fs.duration(&timeout, "timeout", "CAREWEB_HEALTHCHECK_TIMEOUT", 3*time.Second, "how long to wait for the answer"); err != nil {
		return err
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	host := addr
	if strings.HasPrefix(host, "0.0.0.0:") {
		host = "127.0.0.1:" + strings.TrimPrefix(host, "0.0.0.0:")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/readyz", nil)
	if err != nil {
		return usageError{fmt.Sprintf("--addr %q: %v", addr, err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return care.Wrap(care.Unavailable, err, "no answer from %s", host)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Fprint(stdout, string(body))
	if resp.StatusCode != http.StatusOK {
		return care.Errorf(care.Unavailable, "%s is not ready (HTTP %d)", host, resp.StatusCode)
	}
	return nil
}
