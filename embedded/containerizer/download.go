package containerizer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// DefaultFetcherStallTimeout is --fetcher_stall_timeout's default,
// DEFAULT_FETCHER_STALL_TIMEOUT = Minutes(1).
const DefaultFetcherStallTimeout = time.Minute

// ErrDownloadTooLarge is wrapped when a download exceeds the size limit.
var ErrDownloadTooLarge = errors.New("download exceeds the size limit")

// downloader moves one URI's bytes to a local file, as the mesos-fetcher's
// download() does: local paths and file:// are copied, http(s):// is
// fetched with a GET that must answer 200 (downloadWithNet). Other schemes
// (Mesos hands them to a Hadoop client) are refused.
type downloader struct {
	client  *http.Client
	maxSize int64
	stall   time.Duration
	clock   Clock
	after   func(time.Duration, func()) Timer
}

// size is fetchSize (fetcher.cpp): the stat size of a local file, or the
// Content-Length of a HEAD, which must be positive.
func (d *downloader) size(ctx context.Context, uri string) (int64, error) {
	uri = strings.TrimLeft(uri, " \t\r\n")
	if p, ok, err := uriToLocalPath(uri); ok || err != nil {
		if err != nil {
			return 0, err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return 0, fmt.Errorf("could not determine file size for %q: %w", p, err)
		}
		return fi.Size(), nil
	}
	if !isNetURI(uri) {
		return 0, fmt.Errorf("unsupported URI scheme in %q", uri)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, uri, nil)
	if err != nil {
		return 0, err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HEAD %s: received HTTP return code %d", uri, resp.StatusCode)
	}
	if resp.ContentLength <= 0 {
		return 0, fmt.Errorf("URI reported content-length %d: %s", resp.ContentLength, uri)
	}
	return resp.ContentLength, nil
}

// download writes uri's content to dest and returns the byte count.
func (d *downloader) download(ctx context.Context, uri, dest string) (int64, error) {
	uri = strings.TrimLeft(uri, " \t\r\n")
	if err := validateURI(uri); err != nil {
		return 0, err
	}
	if p, ok, err := uriToLocalPath(uri); ok || err != nil {
		if err != nil {
			return 0, err
		}
		return d.copyLocal(p, dest)
	}
	if !isNetURI(uri) {
		return 0, fmt.Errorf("unsupported URI scheme in %q (only file, http and https are supported)", uri)
	}
	return d.get(ctx, uri, dest)
}

func (d *downloader) copyLocal(src, dest string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return 0, err
	}
	if fi.IsDir() {
		return 0, fmt.Errorf("%q is a directory", src)
	}
	if d.maxSize > 0 && fi.Size() > d.maxSize {
		return 0, fmt.Errorf("%w: %q is %d bytes, limit %d", ErrDownloadTooLarge, src, fi.Size(), d.maxSize)
	}
	return d.write(in, dest)
}

func (d *downloader) get(ctx context.Context, uri, dest string) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return 0, err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("error downloading resource: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("error downloading resource, received HTTP return code %d", resp.StatusCode)
	}
	if d.maxSize > 0 && resp.ContentLength > d.maxSize {
		return 0, fmt.Errorf("%w: %s reports %d bytes, limit %d", ErrDownloadTooLarge, uri, resp.ContentLength, d.maxSize)
	}
	w := &stallWatch{clock: d.clock, last: d.clock.Now(), stall: d.stall, cancel: cancel, after: d.after}
	w.arm(d.stall)
	defer w.stop()
	n, err := d.write(&progressReader{r: resp.Body, w: w}, dest)
	if err != nil && w.stalled() {
		return n, fmt.Errorf("error downloading resource: stalled for more than %s", d.stall)
	}
	return n, err
}

// write copies r to dest (created or truncated) within the size limit.
func (d *downloader) write(r io.Reader, dest string) (int64, error) {
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, err
	}
	src := r
	if d.maxSize > 0 {
		src = io.LimitReader(r, d.maxSize+1)
	}
	n, err := io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && d.maxSize > 0 && n > d.maxSize {
		err = fmt.Errorf("%w: more than %d bytes", ErrDownloadTooLarge, d.maxSize)
	}
	return n, err
}

// stallWatch cancels a download that makes no progress for stall, like
// curl's low-speed limit that the mesos-fetcher sets from
// --fetcher_stall_timeout.
type stallWatch struct {
	clock  Clock
	stall  time.Duration
	cancel context.CancelFunc
	after  func(time.Duration, func()) Timer

	mu      sync.Mutex
	last    time.Time
	timer   Timer
	done    bool
	tripped bool
}

func (w *stallWatch) arm(d time.Duration) {
	if w.stall <= 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.timer = w.after(d, w.check)
	}
}

func (w *stallWatch) check() {
	w.mu.Lock()
	if w.done {
		w.mu.Unlock()
		return
	}
	idle := w.clock.Now().Sub(w.last)
	if idle >= w.stall {
		w.tripped = true
		w.mu.Unlock()
		w.cancel()
		return
	}
	w.mu.Unlock()
	w.arm(w.stall - idle)
}

func (w *stallWatch) progress() {
	w.mu.Lock()
	w.last = w.clock.Now()
	w.mu.Unlock()
}

func (w *stallWatch) stalled() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.tripped
}

func (w *stallWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

type progressReader struct {
	r io.Reader
	w *stallWatch
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.w.progress()
	}
	return n, err
}
