package schedclient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// subscribe POSTs SUBSCRIBE, following redirects, and returns the 200
// response and the endpoint that gave it. fatal marks answers that
// retrying will not change.
func (c *Client) subscribe(ctx context.Context) (resp *http.Response, u *url.URL, fatal bool, err error) {
	body, err := mesos.Marshal(c.subscribeCall())
	if err != nil {
		return nil, nil, true, fmt.Errorf("schedclient: subscribe: %w", err)
	}
	u = c.endpoint
	for redirects := 0; ; redirects++ {
		req, err := c.newRequest(ctx, u, body, "")
		if err != nil {
			return nil, nil, true, fmt.Errorf("schedclient: subscribe at %s: %w", u.Redacted(), err)
		}
		res, err := c.stream.Do(req)
		if err != nil {
			return nil, nil, false, fmt.Errorf("schedclient: subscribe at %s: %w", u.Redacted(), err)
		}
		switch code := res.StatusCode; {
		case code == http.StatusOK:
			return res, u, false, nil
		case code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect:
			location := res.Header.Get("Location")
			discard(res)
			if redirects == maxRedirects {
				return nil, nil, false, fmt.Errorf("schedclient: subscribe at %s: stopped after %d redirects", u.Redacted(), maxRedirects)
			}
			next, err := resolveLocation(u, location)
			if err != nil {
				return nil, nil, false, fmt.Errorf("schedclient: subscribe at %s: %w", u.Redacted(), err)
			}
			c.log.Info("schedclient: redirected to the leading master", keyMaster, next.Redacted())
			u = next
		default:
			return nil, nil, fatalStatus(code), &CallError{
				Call:       scheduler.CallSubscribe,
				StatusCode: code,
				Body:       readBody(res),
			}
		}
	}
}

// fatalStatus reports whether a SUBSCRIBE answered code should not be
// retried: a 4xx other than 404 (routes not installed yet, which
// MesosProcess::__send retries), 408 and 429.
func fatalStatus(code int) bool {
	switch code {
	case http.StatusNotFound, http.StatusRequestTimeout, http.StatusTooManyRequests:
		return false
	}
	return code >= 400 && code < 500
}
