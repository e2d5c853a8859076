package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/inspector"
)

// A master that refuses the credentials says what to do about it.
func TestFailedModelExplainsAuthentication(t *testing.T) {
	err := fmt.Errorf("read: %w", inspector.ErrUnauthorized)
	m := failedModel(nil, "http://m:5050", err, 1, time.Time{})
	if !strings.Contains(m.conn.err, "--principal") || !strings.Contains(m.conn.err, "authentication failed") {
		t.Errorf("conn.err = %q, want it to name the credential flags", m.conn.err)
	}
	m = failedModel(nil, "http://m:5050", errors.New("dial tcp: refused"), 1, time.Time{})
	if m.conn.err != "dial tcp: refused" {
		t.Errorf("conn.err = %q, want the error as is", m.conn.err)
	}
}

// A bundle is not a live master: the header says which bundle instead of
// "connected".
func TestHeaderShowsSource(t *testing.T) {
	h := newHarness(t, synthModel(t))
	if got := h.screen(); !strings.Contains(got, "connected") {
		t.Fatalf("live header lacks the connection state:\n%s", got)
	}
	h.u.source = "bundle c.tar.gz, taken 2026-11-26T17:00:00Z"
	got := h.screen()
	if !strings.Contains(got, "▣ bundle c.tar.gz, taken 2026-11-26T17:00:00Z") || strings.Contains(got, "● connected") {
		t.Errorf("bundle header does not name the bundle instead of the connection:\n%s", strings.SplitN(got, "\n", 2)[0])
	}
}
