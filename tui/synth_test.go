package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// synthT0 is the synthetic cluster's "now" (the snapshot time).
var synthT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// synthSpec shapes a synthetic Mesos 1.11 cluster: a v0 /master/state,
// /master/roles, /metrics/snapshot and /__processes__ in the shapes real Mesos
// serves, with what the demo lacks: hierarchical roles with quota, outstanding
// offers, queued actor events, deactivated and inactive agents, unhealthy and
// failed tasks.
type synthSpec struct {
	agents, frameworks, tasks, actors, offers int
}

func secs(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixNano())/1e9, 'f', 6, 64)
}

var synthRoles = []string{"eng/web", "eng/batch", "ops", "*"}

// files renders the payloads, keyed by path.
func (s synthSpec) files() map[string][]byte {
	out := map[string][]byte{}
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"version":"1.11.0","id":"synth-master","pid":"master@10.9.0.1:5050","hostname":"master-1","cluster":"synth",`+
		`"start_time":%s,"elected_time":%s,"activated_slaves":%d,"deactivated_slaves":1,"unreachable_slaves":0,"leader":"master@10.9.0.1:5050","flags":{"allocation_interval":"1secs"},"slaves":[`,
		secs(synthT0.Add(-time.Hour)), secs(synthT0.Add(-time.Hour)), s.agents)
	for i := range s.agents {
		if i > 0 {
			b.WriteByte(',')
		}
		active, deact := "true", "false"
		switch {
		case i == 1:
			deact = "true"
		case i == 2 && s.agents > 3:
			active = "false"
		}
		used := float64(i%4) * 2
		fmt.Fprintf(&b, `{"id":"synth-S%d","hostname":"node-%03d","port":5051,"pid":"slave(1)@10.9.%d.%d:5051","registered_time":%s,`+
			`"attributes":{"rack":"r%d","zone":"z%d"},"domain":{"fault_domain":{"region":{"name":"eu"},"zone":{"name":"eu-%d"}}},`+
			`"resources":{"cpus":8.0,"mem":16384.0,"disk":100000.0,"gpus":%d.0,"ports":"[31000-32000]"},`+
			`"used_resources":{"cpus":%g,"mem":%g,"disk":0.0,"gpus":0.0},"offered_resources":{"cpus":0.0,"mem":0.0,"disk":0.0,"gpus":0.0},`+
			`"reserved_resources":{},"unreserved_resources":{"cpus":8.0,"mem":16384.0,"disk":100000.0,"ports":"[31000-32000]"},`+
			`"active":%s,"deactivated":%s,"version":"1.11.0","capabilities":["MULTI_ROLE","HIERARCHICAL_ROLE"]}`,
			i, i, i>>8&255, i&255, secs(synthT0.Add(-50*time.Minute)), i%3, i%2, i%2, i%2, used, used*1024, active, deact)
	}
	b.WriteString(`],"recovered_slaves":[],"frameworks":[`)
	perFw := s.tasks / max(s.frameworks, 1)
	offer := 0
	for f := range s.frameworks {
		if f > 0 {
			b.WriteByte(',')
		}
		role := synthRoles[f%len(synthRoles)]
		name := []string{"web-frontend", "spark", "cron", "kafka"}[f%4]
		if s.frameworks > 4 {
			name = fmt.Sprintf("%s-%d", name, f)
		}
		fmt.Fprintf(&b, `{"id":"synth-%04d","name":"%s","pid":"scheduler-%d@10.9.9.9:1","roles":["%s"],"active":%t,"connected":true,"recovered":false,`+
			`"user":"root","principal":"p%d","failover_timeout":604800.0,"checkpoint":true,"registered_time":%s,"unregistered_time":0.0,`+
			`"used_resources":{"cpus":%d,"mem":%d,"disk":0,"gpus":0},"offered_resources":{"cpus":0,"mem":0,"disk":0,"gpus":0},"capabilities":["MULTI_ROLE"],"tasks":[`,
			f, name, f, role, f != 2, f, secs(synthT0.Add(-40*time.Minute)), perFw/2, perFw*256)
		var completed bytes.Buffer
		nt, nc := 0, 0
		for j := range perFw {
			n := f*perFw + j
			st := []string{"TASK_RUNNING", "TASK_RUNNING", "TASK_STAGING", "TASK_RUNNING", "TASK_FAILED", "TASK_RUNNING", "TASK_FINISHED", "TASK_STARTING"}[n%8]
			dst := &b
			if st == "TASK_FAILED" || st == "TASK_FINISHED" {
				dst = &completed
				if nc > 0 {
					dst.WriteByte(',')
				}
				nc++
			} else {
				if nt > 0 {
					dst.WriteByte(',')
				}
				nt++
			}
			start := synthT0.Add(-time.Duration(n%90+1) * time.Minute)
			statuses := fmt.Sprintf(`{"state":"TASK_STAGING","timestamp":%s}`, secs(start))
			if st != "TASK_STAGING" {
				statuses += fmt.Sprintf(`,{"state":"TASK_STARTING","timestamp":%s,"source":"SOURCE_EXECUTOR"}`, secs(start.Add(120*time.Millisecond)))
			}
			if st != "TASK_STAGING" && st != "TASK_STARTING" {
				health := ""
				if n%5 == 0 {
					health = fmt.Sprintf(`,"healthy":%t`, n%10 == 0)
				}
				statuses += fmt.Sprintf(`,{"state":"TASK_RUNNING","timestamp":%s,"source":"SOURCE_EXECUTOR"%s,"container_status":{"container_id":{"value":"ctr-%06d"}}}`,
					secs(start.Add(400*time.Millisecond)), health, n)
			}
			if st == "TASK_FAILED" || st == "TASK_FINISHED" {
				statuses += fmt.Sprintf(`,{"state":"%s","timestamp":%s,"source":"SOURCE_EXECUTOR","reason":"REASON_COMMAND_EXECUTOR_FAILED","message":"exit status 1"}`,
					st, secs(start.Add(30*time.Second)))
			}
			fmt.Fprintf(dst, `{"id":"%s.%d","name":"%s","framework_id":"synth-%04d","executor_id":"","slave_id":"synth-S%d","state":"%s",`+
				`"resources":{"cpus":0.5,"mem":256.0,"disk":0.0,"gpus":0.0},"role":"%s","statuses":[%s]}`,
				name, n, name, f, n%max(s.agents, 1), st, role, statuses)
		}
		b.WriteString(`],"completed_tasks":[`)
		b.Write(completed.Bytes())
		b.WriteString(`],"offers":[`)
		for k := 0; offer < s.offers && k < s.offers/max(s.frameworks, 1)+1; k++ {
			if k > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":"synth-O%d","framework_id":"synth-%04d","slave_id":"synth-S%d","resources":{"cpus":2.0,"mem":1024.0,"disk":5000.0,"ports":"[31000-31005]"},"allocation_info":{"role":"%s"}}`,
				offer, f, offer%max(s.agents, 1), role)
			offer++
		}
		b.WriteString(`],"executors":[],"unreachable_tasks":[]}`)
	}
	b.WriteString(`],"completed_frameworks":[],"orphan_tasks":[],"unregistered_frameworks":[]}`)
	out["/master/state"] = b.Bytes()

	var r bytes.Buffer
	r.WriteString(`{"roles":[`)
	for i, role := range synthRoles {
		if i > 0 {
			r.WriteByte(',')
		}
		var fws []string
		for f := i; f < s.frameworks; f += len(synthRoles) {
			fws = append(fws, fmt.Sprintf(`"synth-%04d"`, f))
		}
		quota := `{"guarantee":{},"limit":{},"consumed":{}}`
		if role == "eng/web" {
			quota = `{"guarantee":{"cpus":4,"mem":8192},"limit":{"cpus":16,"mem":32768},"consumed":{"cpus":3,"mem":2048}}`
		}
		weight := []float64{3, 1, 2, 1}[i]
		fmt.Fprintf(&r, `{"name":"%s","weight":%g,"quota":%s,"allocated":{"cpus":%d,"mem":%d},"offered":{},"reserved":{},"frameworks":[%s]}`,
			role, weight, quota, (i+1)*2, (i+1)*1024, strings.Join(fws, ","))
	}
	r.WriteString(`]}`)
	out["/master/roles"] = r.Bytes()

	var m bytes.Buffer
	m.WriteString(`{"master/elected":1,"master/event_queue_messages":3,"master/event_queue_dispatches":2,"master/event_queue_http_requests":1,` +
		`"allocator/mesos/allocation_run_ms":1.25,"allocator/mesos/allocation_run_ms/p50":0.8,"allocator/mesos/allocation_run_ms/p99":4.5,` +
		`"allocator/mesos/allocation_runs":120,"allocator/mesos/event_queue_dispatches":5,"master/tasks_finished":40,"master/tasks_failed":7,"master/tasks_killed":2`)
	for i, role := range synthRoles {
		fmt.Fprintf(&m, `,"allocator/mesos/roles/%s/shares/dominant":%g,"allocator/mesos/offer_filters/roles/%s/active":%d`, role, []float64{0.25, 0.125, 0.5, 0}[i], role, i)
	}
	for f := range s.frameworks {
		name := []string{"web-frontend", "spark", "cron", "kafka"}[f%4]
		if s.frameworks > 4 {
			name = fmt.Sprintf("%s-%d", name, f)
		}
		fmt.Fprintf(&m, `,"master/frameworks/%s/synth-%04d/offers/declined":%d`, name, f, f*3)
		if f == 1 {
			fmt.Fprintf(&m, `,"master/frameworks/%s/synth-%04d/roles/%s/suppressed":1`, name, f, synthRoles[1])
		}
	}
	m.WriteString(`}`)
	out["/metrics/snapshot"] = m.Bytes()
	// The same metrics as the v1 operator API's GET_METRICS answer, which
	// (unlike /metrics/snapshot) the client need not space 500 ms apart.
	var flat map[string]float64
	if err := json.Unmarshal(m.Bytes(), &flat); err != nil {
		panic(err)
	}
	var v1 bytes.Buffer
	v1.WriteString(`{"type":"GET_METRICS","get_metrics":{"metrics":[`)
	for i, k := range slices.Sorted(maps.Keys(flat)) {
		if i > 0 {
			v1.WriteByte(',')
		}
		fmt.Fprintf(&v1, `{"name":%q,"value":%g}`, k, flat[k])
	}
	v1.WriteString(`]}}`)
	out["GET_METRICS"] = v1.Bytes()

	var p bytes.Buffer
	p.WriteString(`[`)
	for i := range max(s.actors, 3) {
		if i > 0 {
			p.WriteByte(',')
		}
		switch i {
		case 0:
			p.WriteString(`{"id":"master","events":[{"type":"MESSAGE","name":"mesos.internal.StatusUpdateMessage","from":"slave(1)@10.9.0.2:5051","to":"master@10.9.0.1:5050","body":"xxxxxxxx"},` +
				`{"type":"MESSAGE","name":"mesos.internal.StatusUpdateMessage","from":"slave(1)@10.9.0.3:5051","to":"master@10.9.0.1:5050","body":"xxxx"},` +
				`{"type":"MESSAGE","name":"mesos.internal.RegisterSlaveMessage","from":"slave(1)@10.9.0.4:5051","to":"master@10.9.0.1:5050","body":"x"},` +
				`{"type":"HTTP","method":"GET","url":"/master/state?jsonp=x"},{"type":"DISPATCH"},{"type":"DISPATCH"}]}`)
		case 1:
			p.WriteString(`{"id":"allocator","events":[{"type":"DISPATCH"},{"type":"DISPATCH"},{"type":"DISPATCH"}]}`)
		case 2:
			p.WriteString(`{"id":"metrics","events":[{"type":"HTTP","method":"GET","url":"/metrics/snapshot"}]}`)
		default:
			fmt.Fprintf(&p, `{"id":"slave-observer(%d)","events":[]}`, i)
		}
	}
	p.WriteString(`]`)
	out["/__processes__"] = p.Bytes()
	return out
}

// fakeMaster answers a client from payloads in memory, without a network: a
// real Mesos master without mesoscope's extras. Of the v1 operator API it
// answers only the calls it has a payload for (keyed by call type, e.g.
// "GET_METRICS").
type fakeMaster struct {
	files map[string][]byte
}

// RoundTrip implements http.RoundTripper.
func (f *fakeMaster) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	status, data := http.StatusNotFound, []byte("not found")
	switch {
	case req.URL.Path == "/master/redirect":
		status, data = http.StatusOK, nil
	case req.Method == http.MethodPost && req.URL.Path == "/api/v1":
		var call struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(body, &call) == nil {
			if d, ok := f.files[call.Type]; ok {
				status, data = http.StatusOK, d
			}
		}
	case req.Method == http.MethodGet:
		if d, ok := f.files[req.URL.Path]; ok {
			status, data = http.StatusOK, d
		}
	}
	h := http.Header{"Content-Type": {"application/json"}}
	return &http.Response{StatusCode: status, Status: strconv.Itoa(status), Header: h, Body: io.NopCloser(bytes.NewReader(data)),
		ContentLength: int64(len(data)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}
