package schedclient

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// schedulerPath is the master's v1 scheduler endpoint.
const schedulerPath = "/api/v1/scheduler"

// maxRedirects bounds the 307s followed by one SUBSCRIBE attempt (as
// net/http stops after 10).
const maxRedirects = 10

// parseMaster turns Config.Master, "http://host:port[/prefix]" or a bare
// "host:port", into the URL of the scheduler endpoint.
func parseMaster(master string) (*url.URL, error) {
	if master == "" {
		return nil, errors.New("schedclient: config: master: empty")
	}
	s := master
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("schedclient: config: master %q: %w", master, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("schedclient: config: master %q: scheme %q is not http or https", master, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("schedclient: config: master %q: no host", master)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("schedclient: config: master %q: want a base URL without user, query or fragment", master)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + schedulerPath
	u.RawPath = ""
	return u, nil
}

// resolveLocation resolves a redirect's Location against the URL that was
// answered with it. Masters send a protocol-relative URL,
// "//leader:5050/api/v1/scheduler" (Master::Http::redirect), which keeps
// the scheme of the request; the doc's example shows a bare "host:port",
// which is taken to mean the same endpoint on that host. A Location
// without a path keeps the request's path.
func resolveLocation(from *url.URL, location string) (*url.URL, error) {
	if location == "" {
		return nil, errors.New("schedclient: redirect: no Location")
	}
	loc, err := url.Parse(location)
	if err == nil && loc.Scheme != "" && loc.Scheme != "http" && loc.Scheme != "https" && !strings.Contains(location, "://") {
		// "leader:5050" parses as scheme "leader"; read it as a host.
		loc, err = url.Parse("//" + location)
	}
	if err != nil {
		return nil, fmt.Errorf("schedclient: redirect: Location %q: %w", location, err)
	}
	u := from.ResolveReference(loc)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("schedclient: redirect: Location %q: scheme %q is not http or https", location, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("schedclient: redirect: Location %q: no host", location)
	}
	if loc.Host != "" && (loc.Path == "" || loc.Path == "/") {
		u.Path, u.RawPath = from.Path, from.RawPath
	}
	u.User, u.Fragment = nil, ""
	return u, nil
}
