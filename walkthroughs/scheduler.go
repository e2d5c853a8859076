package walkthroughs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/inspector"
)

// barrierPrefix names the task ids of the reconciliation calls used as barriers.
const barrierPrefix = "walkthrough-barrier-"

// framework is the offers tour's scheduler: a v1 scheduler API client over HTTP, as
// any framework written for Mesos is (docs/scheduler-http-api.md). It keeps the
// SUBSCRIBE stream open and reads its RecordIO events on a goroutine.
//
// To know that it has read every event the master sent so far, without waiting on a
// wall clock, it makes an explicit RECONCILE call for a task that does not exist: the
// master answers with an UPDATE on the same stream (Master::reconcile), after
// every event it wrote before, so everything read before that UPDATE is everything
// there was. The barrier updates are not shown.
type framework struct {
	name     string
	base     string
	client   *http.Client
	streamID string
	id       string
	body     io.ReadCloser
	records  chan []byte
	errs     chan error
	done     chan struct{}
	barriers int
	info     mesos.FrameworkInfo        // as subscribed
	offers   map[string]inspector.Offer // outstanding, as the framework sees them
	// barrierAgent, when set, is the agent id of the barrier reconciliations: during a
	// master failover, the master does not answer for an unknown task without an agent
	// id while agents of its registry have not re-registered (Master::reconcile), but
	// does for an agent it has never heard of.
	barrierAgent string
	// updates holds, per task, the last UPDATE that asks for an acknowledgement
	// (its status has a uuid), for "acknowledge" (reliability tour).
	updates map[string]mesos.TaskStatus
}

// subscribe POSTs SUBSCRIBE with stream (a client without a timeout) and starts
// reading the events; later calls go through calls.
func subscribe(stream, calls *http.Client, base string, info mesos.FrameworkInfo) (*framework, error) {
	call := &scheduler.Call{Type: scheduler.CallSubscribe, Subscribe: &scheduler.Subscribe{FrameworkInfo: info}}
	if info.ID != nil {
		// A re-subscription (failover) names the framework in the call too.
		call.FrameworkID = info.ID
	}
	data, err := json.Marshal(call)
	if err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", info.Name, err)
	}
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/scheduler", bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", info.Name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := stream.Do(req)
	if err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", info.Name, err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return nil, fmt.Errorf("subscribe %s: %s: %s", info.Name, resp.Status, strings.TrimSpace(string(b)))
	}
	f := &framework{
		name: info.Name, info: info, base: base, client: calls, streamID: resp.Header.Get("Mesos-Stream-Id"),
		body: resp.Body, records: make(chan []byte, 1024), errs: make(chan error, 1), done: make(chan struct{}),
		offers: map[string]inspector.Offer{}, updates: map[string]mesos.TaskStatus{},
	}
	go f.read()
	return f, nil
}

// read forwards each RecordIO record of the stream until it ends.
func (f *framework) read() {
	defer close(f.done)
	r := inspector.NewRecordReader(f.body, inspector.DefaultMaxRecordBytes)
	for {
		rec, err := r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				f.errs <- err
			}
			close(f.records)
			return
		}
		f.records <- append([]byte(nil), rec...)
	}
}

// close ends the stream and waits for the reader.
func (f *framework) close() {
	f.body.Close()
	<-f.done
}

// call POSTs a call with the framework id and stream id, returning the HTTP status.
func (f *framework) call(c *scheduler.Call) (string, error) {
	if c.FrameworkID == nil && f.id != "" {
		c.FrameworkID = &mesos.FrameworkID{Value: f.id}
	}
	data, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.Type, err)
	}
	req, err := http.NewRequest(http.MethodPost, f.base+"/api/v1/scheduler", bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.Type, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Mesos-Stream-Id", f.streamID)
	resp, err := f.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.Type, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	status := resp.Status
	if msg := strings.TrimSpace(string(b)); msg != "" {
		status += ": " + msg
	}
	return status, nil
}

// events returns the events the master has sent since the last call, read up to a
// barrier (see framework). The master's runtime must be settled first.
func (f *framework) events(ctx context.Context) ([]inspector.SchedulerEvent, error) {
	f.barriers++
	barrier := fmt.Sprintf("%s%d", barrierPrefix, f.barriers)
	var out []inspector.SchedulerEvent
	if f.id != "" {
		status, err := f.call(&scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{
			Tasks: []scheduler.ReconcileTask{f.barrierTask(barrier)},
		}})
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(status, "202") {
			return nil, fmt.Errorf("RECONCILE (barrier): %s", status)
		}
	}
	for {
		var rec []byte
		var ok bool
		select {
		case rec, ok = <-f.records:
		case <-ctx.Done():
			return nil, fmt.Errorf("framework %s: no barrier update: %w", f.name, ctx.Err())
		}
		if !ok {
			select {
			case err := <-f.errs:
				return out, fmt.Errorf("framework %s: stream: %w", f.name, err)
			default:
				return out, fmt.Errorf("framework %s: stream closed", f.name)
			}
		}
		ev, err := inspector.DecodeSchedulerEvent(rec)
		if err != nil {
			return nil, fmt.Errorf("framework %s: %w", f.name, err)
		}
		if ev.Type == "UPDATE" && ev.Status != nil && strings.HasPrefix(ev.Status.TaskID, barrierPrefix) {
			if ev.Status.TaskID == barrier {
				return out, nil
			}
			continue
		}
		f.track(ev)
		if ev.Type == "UPDATE" {
			f.keepUpdate(rec)
		}
		out = append(out, ev)
		if f.id == "" && ev.Type == "SUBSCRIBED" {
			// The first barrier needs the framework id SUBSCRIBED carries.
			f.id = ev.FrameworkID
			rest, err := f.events(ctx)
			return append(out, rest...), err
		}
	}
}

// track keeps the outstanding offers as the framework sees them.
func (f *framework) track(ev inspector.SchedulerEvent) {
	switch ev.Type {
	case "OFFERS":
		for _, o := range ev.Offers {
			f.offers[o.ID] = o
		}
	case "RESCIND":
		delete(f.offers, ev.OfferID)
	}
}

// barrierTask is the reconciliation of the barrier task id.
func (f *framework) barrierTask(id string) scheduler.ReconcileTask {
	rt := scheduler.ReconcileTask{TaskID: mesos.TaskID{Value: id}}
	if f.barrierAgent != "" {
		rt.AgentID = &mesos.AgentID{Value: f.barrierAgent}
	}
	return rt
}

// keepUpdate remembers an UPDATE whose status asks for an acknowledgement.
func (f *framework) keepUpdate(rec []byte) {
	var ev scheduler.Event
	if err := json.Unmarshal(rec, &ev); err != nil || ev.Update == nil || len(ev.Update.Status.UUID) == 0 {
		return
	}
	f.updates[ev.Update.Status.TaskID.Value] = ev.Update.Status
}

// offerIDs returns the outstanding offer ids, sorted.
func (f *framework) offerIDs() []string {
	ids := make([]string, 0, len(f.offers))
	for id := range f.offers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// describeEvents renders events with inspector.DescribeSchedulerEvent, at a time,
// folding heartbeats into a count.
func describeEvents(at string, evs []inspector.SchedulerEvent) []string {
	var out []string
	heartbeats := 0
	for _, ev := range evs {
		if ev.Type == "HEARTBEAT" {
			heartbeats++
			continue
		}
		out = append(out, at+" "+inspector.DescribeSchedulerEvent(ev))
	}
	if heartbeats > 0 {
		out = append(out, fmt.Sprintf("%s scheduler-event HEARTBEAT ×%d", at, heartbeats))
	}
	return out
}
