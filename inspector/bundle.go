package inspector

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"
)

// BundleFormatVersion is the manifest format SaveBundle writes. LoadBundle reads
// every version from MinBundleFormatVersion up to it.
//
// Version 1 saved the master's state, state-summary, roles, metrics and
// processes, mesoscope's extras and, on request, agents' /state and /containers.
// Version 2 adds the master's /version and /master/flags (and GET_VERSION,
// GET_FLAGS), agents' /monitor/statistics, mesoscope's allocator explanation of
// every framework, Marathon's /v2/info, /v2/apps and /v2/queue, and the
// manifest fields "marathon" and entries' "query".
const BundleFormatVersion = 2

// MinBundleFormatVersion is the oldest manifest format LoadBundle reads.
const MinBundleFormatVersion = 1

// BundleManifestName is the name of the manifest entry in a bundle.
const BundleManifestName = "manifest.json"

// MesoscopeSpans is mesoscope's span export endpoint, saved in bundles.
const MesoscopeSpans = MesoscopeAPI + "/spans"

// Default bundle limits, applied by LoadBundle to zero BundleLimits fields.
const (
	DefaultBundleMaxEntryBytes = 256 << 20
	DefaultBundleMaxTotalBytes = 1 << 30
	DefaultBundleMaxEntries    = 10_000
)

// BundleOptions configure SaveBundle.
type BundleOptions struct {
	// Agents also saves every agent the master can reach (active, deactivated
	// or draining): its /state, /containers and /monitor/statistics, at most
	// MaxAgents agents (0 means all).
	Agents    bool
	MaxAgents int
	// AgentConcurrency bounds parallel agent reads; 0 means 4.
	AgentConcurrency int
	// Marathon, when set, is the URL of a Marathon whose /v2/info, /v2/apps
	// and /v2/queue?embed=lastUnusedOffers are saved too, so an app can be
	// explained from the bundle.
	Marathon string
}

// BundleLimits bound what LoadBundle accepts: the uncompressed size of one
// entry, of all entries together, and the number of entries.
type BundleLimits struct {
	MaxEntryBytes int64
	MaxTotalBytes int64
	MaxEntries    int
}

// BundleManifest is a bundle's manifest.json.
type BundleManifest struct {
	FormatVersion int       `json:"format_version"`
	Source        string    `json:"source"`
	TakenAt       time.Time `json:"taken_at"`
	// Marathon is the base URL of the Marathon saved with the master (format
	// 2); its entries carry its host:port as Host.
	Marathon string          `json:"marathon,omitempty"`
	Entries  []BundleEntry   `json:"entries"`
	Missing  []BundleMissing `json:"missing,omitempty"`
}

// BundleEntry is one saved response: the tar entry Name holding the body, and
// the request that produced it. Host is empty for the master and host:port for
// an agent or Marathon; Call names the operator API call for POST /api/v1;
// Query is the request's query string (format 2), for endpoints whose answer
// depends on it (mesoscope's /allocator?framework_id=…, Marathon's
// /v2/queue?embed=lastUnusedOffers).
type BundleEntry struct {
	Name   string `json:"name"`
	Host   string `json:"host,omitempty"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	Call   string `json:"call,omitempty"`
	Size   int64  `json:"size"`
}

// BundleMissing records an endpoint SaveBundle tried and could not read.
type BundleMissing struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// checkBundleName rejects names that could escape a directory if extracted.
func checkBundleName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.ContainsAny(name, "\\\x00:"):
		return errors.New("name contains a backslash, colon or NUL")
	case path.IsAbs(name):
		return errors.New("absolute path")
	case path.Clean(name) != name:
		return errors.New("name is not clean")
	case name == ".." || strings.HasPrefix(name, "../"):
		return errors.New("path traversal")
	}
	return nil
}

// reqKey identifies a saved request: host, method, path, canonical query and
// operator call.
func reqKey(host, method, p, query, call string) string {
	return host + " " + method + " " + p + "?" + query + " " + call
}

// canonicalQuery sorts a query string's parameters (url.Values.Encode), so a
// saved query matches a request's whatever the order.
func canonicalQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return "", fmt.Errorf("query %q: %w", raw, err)
	}
	return v.Encode(), nil
}

// withoutBoundingParams drops the query parameters that only bound an answer
// ("timeout" of /metrics/snapshot, "limit" of mesoscope's cycles and spans):
// a body saved without them answers a request with them. Every other parameter
// selects a different document (framework_id, embed, format), so a request
// with one matches only an entry saved with the same.
func withoutBoundingParams(canonical string) string {
	if canonical == "" {
		return ""
	}
	v, err := url.ParseQuery(canonical)
	if err != nil {
		return canonical
	}
	v.Del("timeout")
	v.Del("limit")
	return v.Encode()
}
