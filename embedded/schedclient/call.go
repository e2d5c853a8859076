package schedclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Call sends call to the master the client is subscribed with, as
// MesosProcess::call does: it sets framework_id (and, for
// UPDATE_FRAMEWORK, an unset framework_info.id), validates the call, and
// POSTs it with the subscription's Mesos-Stream-Id. call itself is not
// modified. 202 Accepted and 200 OK mean success (a 200 body is
// discarded); any other answer is a *CallError. Errors wrap
// ErrNotSubscribed when there is no current subscription (the call is not
// sent) or the master says the subscription is gone, mesos.ErrInvalid for
// a call that fails validation, ErrTornDown after a teardown. SUBSCRIBE is
// Run's and is refused here.
//
// Successful SUPPRESS, REVIVE and UPDATE_FRAMEWORK calls also update the
// framework info and suppressed roles the client re-subscribes with; a
// successful TEARDOWN makes Run return nil.
func (c *Client) Call(ctx context.Context, call *scheduler.Call) error {
	if call == nil {
		return errors.New("schedclient: call: nil call")
	}
	if call.Type == scheduler.CallSubscribe {
		return errors.New("schedclient: call SUBSCRIBE: subscribing is Run's")
	}
	c.mu.Lock()
	sub, fid, tornDown := c.sub, c.frameworkID, c.tornDown
	var teardown chan struct{}
	if sub != nil && !tornDown && call.Type == scheduler.CallTeardown && c.teardown == nil {
		teardown = make(chan struct{})
		c.teardown = teardown
	}
	c.mu.Unlock()
	if teardown != nil {
		defer func() {
			c.mu.Lock()
			c.teardown = nil
			c.mu.Unlock()
			close(teardown)
		}()
	}
	switch {
	case tornDown:
		return fmt.Errorf("schedclient: call %s: %w", call.Type, ErrTornDown)
	case sub == nil:
		return fmt.Errorf("schedclient: call %s: %w", call.Type, ErrNotSubscribed)
	}

	cc := *call
	cc.FrameworkID = &mesos.FrameworkID{Value: fid}
	if cc.Type == scheduler.CallUpdateFramework && cc.UpdateFramework != nil && cc.UpdateFramework.FrameworkInfo.ID == nil {
		u := *cc.UpdateFramework
		u.FrameworkInfo.ID = cc.FrameworkID
		cc.UpdateFramework = &u
	}
	if err := cc.Validate(); err != nil {
		return fmt.Errorf("schedclient: %w", err)
	}
	body, err := mesos.Marshal(&cc)
	if err != nil {
		return fmt.Errorf("schedclient: call %s: %w", cc.Type, err)
	}
	if c.callTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.callTimeout)
		defer cancel()
	}
	req, err := c.newRequest(ctx, sub.url, body, sub.streamID)
	if err != nil {
		return fmt.Errorf("schedclient: call %s: %w", cc.Type, err)
	}
	var done func(int, error)
	if c.callObserver != nil {
		done = c.callObserver(ctx, &cc, req.Header)
	}
	resp, err := c.send(req, &cc)
	if done != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		done(status, err)
	}
	return err
}

// send POSTs a call's request and interprets the answer; resp is nil when none
// came back.
func (c *Client) send(req *http.Request, cc *scheduler.Call) (resp *http.Response, err error) {
	resp, err = c.calls.Do(req)
	if err != nil {
		return nil, fmt.Errorf("schedclient: call %s: %w", cc.Type, err)
	}
	switch resp.StatusCode {
	case http.StatusAccepted, http.StatusOK:
		discard(resp)
		c.called(cc)
		return resp, nil
	}
	return resp, &CallError{
		Call:       cc.Type,
		StatusCode: resp.StatusCode,
		Location:   resp.Header.Get("Location"),
		Body:       readBody(resp),
	}
}

// called updates what the client re-subscribes with after a call the
// master accepted.
func (c *Client) called(call *scheduler.Call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch call.Type {
	case scheduler.CallTeardown:
		c.tornDown = true
	case scheduler.CallSuppress:
		var roles []string
		if call.Suppress != nil {
			roles = call.Suppress.Roles
		}
		if len(roles) == 0 {
			roles = c.info.AllRoles()
		}
		for _, r := range roles {
			if !slices.Contains(c.suppressed, r) {
				c.suppressed = append(c.suppressed, r)
			}
		}
	case scheduler.CallRevive:
		if call.Revive == nil || len(call.Revive.Roles) == 0 {
			c.suppressed = nil
			return
		}
		c.suppressed = slices.DeleteFunc(c.suppressed, func(r string) bool { return slices.Contains(call.Revive.Roles, r) })
	case scheduler.CallUpdateFramework:
		u, err := clone(call.UpdateFramework)
		if err != nil || u == nil {
			return // it was marshaled for the call, so this does not happen
		}
		c.info = u.FrameworkInfo
		c.suppressed = u.SuppressedRoles
		c.constraints = u.OfferConstraints
	}
}
