package inspector

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustResources(t testing.TB, s string) Resources {
	t.Helper()
	r, err := ParseResources(s)
	if err != nil {
		t.Fatalf("ParseResources(%q) error = %v", s, err)
	}
	return r
}

// testAgent builds an active agent; reserved is "role=resources" pairs.
func testAgent(t testing.TB, id, host, total, used string, reserved ...string) Agent {
	t.Helper()
	a := Agent{ID: id, Hostname: host, Active: true, Total: mustResources(t, total), Used: mustResources(t, used)}
	for _, r := range reserved {
		role, res, _ := strings.Cut(r, "=")
		if a.Reserved == nil {
			a.Reserved = map[string]Resources{}
		}
		a.Reserved[role] = mustResources(t, res)
	}
	a.finish()
	return a
}

// testSnapshot assembles a snapshot the way NewSnapshot does from decoded parts.
func testSnapshot(agents []Agent, fws []Framework, roles []Role, m Metrics, tasks ...Task) *Snapshot {
	st := &State{Agents: agents, Frameworks: fws, Tasks: tasks}
	st.Cluster.Flags = map[string]string{}
	st.summarize()
	return NewSnapshot("test", st, roles, m)
}

func web(roles ...string) Framework {
	if len(roles) == 0 {
		roles = []string{"web"}
	}
	return Framework{ID: "F1", Name: "webfw", Roles: roles, Active: true, Connected: true}
}

func demand(t testing.TB, s string) *Demand {
	return &Demand{Resources: mustResources(t, s)}
}

func TestExplainCauses(t *testing.T) {
	big := func(id string) Agent {
		return testAgent(t, id, id+".example", "cpus:8;mem:8192;ports:[31000-31010]", "")
	}
	tests := []struct {
		name      string
		snap      *Snapshot
		q         Query
		queue     []MarathonQueueItem
		wantTop   string
		wantCodes []string
		wantSrc   ExplainSource
		summary   string // substring of the one-sentence answer
	}{
		{
			name: "not enough resources",
			snap: testSnapshot([]Agent{
				testAgent(t, "S1", "a1", "cpus:2;mem:4096", "cpus:1.5"),
				testAgent(t, "S2", "a2", "cpus:4;mem:1024", "mem:1000"),
			}, []Framework{web()}, nil, nil),
			q:       Query{Framework: "webfw", Demand: demand(t, "cpus:1;mem:512")},
			wantTop: CauseInsufficient, wantSrc: SourceBestEffort,
			summary: "no agent has cpus:1;mem:512 free for role web: cpus short on 1 of 2 agents, mem short on 1 of 2 agents",
		},
		{
			// a2 has the resources but a constraint rules it out: "no agent has them
			// free" would be false.
			name: "not enough resources on the agents the constraint allows",
			snap: testSnapshot([]Agent{
				testAgent(t, "S1", "a1", "cpus:2;mem:4096", "cpus:1.5"),
				testAgent(t, "S2", "a2", "cpus:4;mem:4096", ""),
			}, []Framework{web()}, nil, nil),
			q:       Query{Framework: "webfw", Demand: &Demand{Resources: mustResources(t, "cpus:1"), Constraints: [][]string{{"hostname", "LIKE", "a1"}}}},
			wantTop: CauseConstraints, wantSrc: SourceBestEffort,
			summary: "exclude 1 of 2 agents",
		},
		{
			name: "resources reserved for another role",
			snap: testSnapshot([]Agent{
				testAgent(t, "S1", "a1", "cpus:4;mem:4096", "", "db=cpus:4;mem:4096"),
			}, []Framework{web()}, nil, nil),
			q:       Query{Framework: "F1", Demand: demand(t, "cpus:1")},
			wantTop: CauseReservedElsewhere, wantSrc: SourceBestEffort,
			summary: "reserved for other roles, which role web may not use",
		},
		{
			name:    "role the framework may not use",
			snap:    testSnapshot([]Agent{big("S1")}, []Framework{web()}, nil, nil),
			q:       Query{Framework: "F1", Role: "batch"},
			wantTop: CauseRole, wantSrc: SourceBestEffort,
			summary: "not subscribed to role batch",
		},
		{
			name:    "ports",
			snap:    testSnapshot([]Agent{testAgent(t, "S1", "a1", "cpus:8;mem:8192;ports:[31000-31000]", "")}, []Framework{web()}, nil, nil),
			q:       Query{Framework: "F1", Demand: &Demand{Resources: mustResources(t, "cpus:1"), PortCount: 2}},
			wantTop: CausePorts, wantSrc: SourceBestEffort,
			summary: "not the ports (2 ports)",
		},
		{
			name:    "specific port taken",
			snap:    testSnapshot([]Agent{testAgent(t, "S1", "a1", "cpus:8;mem:8192;ports:[31000-31010]", "ports:[31005-31005]")}, []Framework{web()}, nil, nil),
			q:       Query{Framework: "F1", Demand: demand(t, "cpus:1;ports:[31005-31005]")},
			wantTop: CausePorts, wantSrc: SourceBestEffort,
		},
		{
			name: "quota limit",
			snap: testSnapshot([]Agent{big("S1")}, []Framework{web()},
				[]Role{{Name: "web", Weight: 1, OfferFilters: -1, Frameworks: []string{"F1"},
					Quota: Quota{Limit: mustResources(t, "cpus:2"), Consumed: mustResources(t, "cpus:2")}}}, nil),
			q:       Query{Framework: "F1", Demand: demand(t, "cpus:1")},
			wantTop: CauseQuotaLimit, wantSrc: SourceBestEffort,
			summary: "at its quota limit for cpus",
		},
		{
			name: "offer filters",
			snap: testSnapshot([]Agent{big("S1")}, []Framework{web()}, nil,
				Metrics{"allocator/mesos/offer_filters/roles/web/active": 3}),
			q:       Query{Framework: "F1"},
			wantTop: CauseOfferFilters, wantSrc: SourceBestEffort,
			summary: "3 active offer filter(s)",
		},
		{
			name: "suppressed",
			snap: testSnapshot([]Agent{big("S1")}, []Framework{web()}, nil,
				Metrics{"master/frameworks/webfw/F1/roles/web/suppressed": 1}),
			q:       Query{Framework: "webfw"},
			wantTop: CauseSuppressed, wantSrc: SourceBestEffort,
			summary: "suppressed offers for all its roles (web)",
		},
		{
			name:    "inactive",
			snap:    testSnapshot([]Agent{big("S1")}, []Framework{{ID: "F1", Name: "webfw", Roles: []string{"web"}}}, nil, nil),
			q:       Query{Framework: "F1"},
			wantTop: CauseInactive, wantCodes: []string{CauseInactive, CauseDisconnected},
			wantSrc: SourceBestEffort,
		},
		{
			name:    "no agents",
			snap:    testSnapshot(nil, []Framework{web()}, nil, nil),
			q:       Query{Role: "web"},
			wantTop: CauseNoAgents, wantSrc: SourceBestEffort,
		},
		{
			name:    "unknown framework",
			snap:    testSnapshot([]Agent{big("S1")}, []Framework{web()}, nil, nil),
			q:       Query{Framework: "nope"},
			wantTop: CauseNotFound, wantSrc: SourceBestEffort,
			summary: `There is no framework "nope"`,
		},
		{
			name: "gpu agents kept for GPU frameworks",
			snap: testSnapshot([]Agent{testAgent(t, "S1", "g1", "cpus:8;mem:8192;gpus:4", "")},
				[]Framework{web()}, nil, nil),
			q:       Query{Framework: "F1", Demand: demand(t, "cpus:1")},
			wantTop: CauseGPUFiltered, wantSrc: SourceBestEffort,
		},
		{
			name: "drf order with offers held by others",
			snap: func() *Snapshot {
				s := testSnapshot([]Agent{testAgent(t, "S1", "a1", "cpus:10;mem:10240", "cpus:6;mem:6144")},
					[]Framework{web(), {ID: "F2", Name: "batchfw", Roles: []string{"batch"}, Active: true, Connected: true}},
					[]Role{
						{Name: "web", Weight: 1, OfferFilters: -1, Frameworks: []string{"F1"}, Allocated: mustResources(t, "cpus:6;mem:6144")},
						{Name: "batch", Weight: 1, OfferFilters: -1, Frameworks: []string{"F2"}, Offered: mustResources(t, "cpus:1")},
					}, nil)
				s.Cluster.Offered = mustResources(t, "cpus:1")
				return s
			}(),
			q:       Query{Framework: "F1"},
			wantTop: CauseDRF, wantSrc: SourceBestEffort,
			summary: "role web is 2nd in DRF order (share 0.600); batch (share 0.100)",
		},
		{
			name: "marathon funnel",
			snap: testSnapshot([]Agent{testAgent(t, "S1", "a1", "cpus:0.25;mem:8192;ports:[31000-31010]", "")},
				[]Framework{{ID: "M", Name: "marathon", Roles: []string{"*"}, Active: true, Connected: true}}, nil, nil),
			q:       Query{App: "/foo"},
			queue:   mustQueue(t),
			wantTop: CauseMarathonDeclined, wantSrc: SourceMarathon,
			wantCodes: []string{CauseMarathonDeclined, CauseInsufficient},
			summary:   "Marathon declined 123 of 123 offers it processed for /foo: 75 lacked cpus, 15 lacked memory, 10 lacked disk",
		},
		{
			name:    "marathon delayed",
			snap:    testSnapshot([]Agent{big("S1")}, []Framework{{ID: "M", Name: "marathon", Roles: []string{"*"}, Active: true, Connected: true}}, nil, nil),
			q:       Query{App: "/web"},
			queue:   []MarathonQueueItem{{App: MarathonApp{ID: "/web", CPUs: 1}, Count: 1, Overdue: false, TimeLeftSeconds: 42}},
			wantTop: CauseMarathonDelayed, wantSrc: SourceMarathon,
			summary: "backing off launches of /web after failures (42s left)",
		},
		{
			name: "marathon gets no offers because mesos has none",
			snap: testSnapshot([]Agent{testAgent(t, "S1", "a1", "cpus:1;mem:128", "cpus:1;mem:128")},
				[]Framework{{ID: "M", Name: "marathon", Roles: []string{"*"}, Active: true, Connected: true}}, nil, nil),
			q:         Query{App: "web"},
			queue:     []MarathonQueueItem{{App: MarathonApp{ID: "/web", CPUs: 1, Mem: 64}, Count: 1, Overdue: true}},
			wantTop:   CauseInsufficient,
			wantCodes: []string{CauseInsufficient, CauseMarathonNoOffers},
			wantSrc:   SourceBestEffort,
		},
		{
			name: "marathon constraint LIKE",
			snap: testSnapshot([]Agent{big("srv1"), big("srv3")},
				[]Framework{{ID: "M", Name: "marathon", Roles: []string{"*"}, Active: true, Connected: true}}, nil, nil),
			q: Query{App: "/foo"},
			queue: []MarathonQueueItem{{App: MarathonApp{ID: "/foo", CPUs: 0.1, Mem: 16,
				Constraints: [][]string{{"hostname", "LIKE", "srv2.*"}}}, Count: 1, Overdue: true}},
			wantTop: CauseConstraints, wantSrc: SourceBestEffort,
			summary: "constraints hostname:LIKE:srv2.* exclude 2 of 2 agents",
		},
		{
			name: "marathon constraint UNIQUE with a running instance",
			snap: testSnapshot([]Agent{big("S1")},
				[]Framework{{ID: "M", Name: "marathon", Roles: []string{"*"}, Active: true, Connected: true}}, nil, nil,
				Task{ID: "tools_dd.1234", FrameworkID: "M", AgentID: "S1", State: "TASK_RUNNING", List: TasksActive}),
			q: Query{App: "/tools/dd"},
			queue: []MarathonQueueItem{{App: MarathonApp{ID: "/tools/dd", CPUs: 0.1,
				Constraints: [][]string{{"hostname", "UNIQUE"}}}, Count: 1, Overdue: true}},
			wantTop: CauseConstraints, wantSrc: SourceBestEffort,
			summary: "exclude 1 of 1 agents",
		},
		{
			name:    "all good",
			snap:    testSnapshot([]Agent{big("S1")}, []Framework{web()}, nil, nil),
			q:       Query{Framework: "F1", Demand: demand(t, "cpus:1")},
			wantTop: CauseShouldGetOffers, wantSrc: SourceBestEffort,
			summary: "should be getting offers: 1 of 1 agents have cpus:1 free",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Explain(tc.snap, tc.q, tc.queue)
			if err != nil {
				t.Fatalf("Explain(%+v) error = %v", tc.q, err)
			}
			if len(e.Causes) == 0 || e.Causes[0].Code != tc.wantTop {
				t.Fatalf("Explain(%+v) causes = %+v, want top %s", tc.q, e.Causes, tc.wantTop)
			}
			if e.Sources[0] != tc.wantSrc {
				t.Errorf("Explain(%+v).Sources = %v, want first %s", tc.q, e.Sources, tc.wantSrc)
			}
			for _, code := range tc.wantCodes {
				if !slices.ContainsFunc(e.Causes, func(c Cause) bool { return c.Code == code }) {
					t.Errorf("Explain(%+v) causes = %+v, want one %s", tc.q, e.Causes, code)
				}
			}
			if !strings.Contains(e.Summary, tc.summary) {
				t.Errorf("Explain(%+v).Summary = %q, want it to contain %q", tc.q, e.Summary, tc.summary)
			}
			if strings.Count(e.Summary, ".") < 1 || !strings.HasSuffix(e.Summary, ".") {
				t.Errorf("Summary %q is not one sentence ending in a period", e.Summary)
			}
			// The rendering starts with the sentence and names the half.
			text := DescribeExplanation(e)
			if !strings.HasPrefix(text, e.Summary+"\n\nanswered by: "+e.Sources[0].Describe()) {
				t.Errorf("DescribeExplanation() starts %q", text[:min(len(text), 200)])
			}
		})
	}
}

func mustQueue(t *testing.T) []MarathonQueueItem {
	t.Helper()
	q, err := DecodeMarathonQueue(fixtureBytes(t, "marathon.v2.queue.json"))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestExplainAppGolden(t *testing.T) {
	st, err := DecodeState(fixtureBytes(t, "dcos-ui.marathon-1-task.master-state.json"))
	if err != nil {
		t.Fatal(err)
	}
	snap := NewSnapshot("fixture", st, nil, nil)
	var b strings.Builder
	for _, app := range []string{"/foo", "/tools/datadog-agent", "/absent"} {
		e, err := Explain(snap, Query{App: app}, mustQueue(t))
		if err != nil {
			t.Fatalf("Explain(app %s) error = %v", app, err)
		}
		fmt.Fprintf(&b, "== why %s\n%s\n", app, DescribeExplanation(e))
	}
	checkGolden(t, "testdata/explain_marathon.golden", b.String())
}

type fakeExact struct {
	e   *Explanation
	err error
}

func (f fakeExact) ExplainAllocation(context.Context, Query) (*Explanation, error) { return f.e, f.err }

func TestExplainWithExactHalf(t *testing.T) {
	snap := testSnapshot([]Agent{testAgent(t, "S1", "a1", "cpus:1;mem:128", "")}, []Framework{web()}, nil, nil)
	exact := &Explanation{Subject: "framework webfw (F1)", Kind: "framework", Sources: []ExplainSource{SourceExact},
		Summary: "Framework webfw is waiting because the allocator gave agent a1 to role db first.",
		Causes:  []Cause{{Code: CauseDRF, Text: "the allocator gave agent a1 to role db first", Source: SourceExact}}}
	tests := []struct {
		name    string
		exact   AllocatorExplainer
		wantSrc ExplainSource
		wantErr bool
	}{
		{"exact half answers", fakeExact{e: exact}, SourceExact, false},
		{"real mesos falls back", fakeExact{err: fmt.Errorf("probe: %w", ErrNotSupported)}, SourceBestEffort, false},
		{"no exact half", nil, SourceBestEffort, false},
		{"exact half broken", fakeExact{err: ErrUnreachable}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ExplainWith(context.Background(), tc.exact, snap, Query{Framework: "F1"}, nil)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ExplainWith() error = nil, want one")
				}
				return
			}
			if err != nil || e.Sources[0] != tc.wantSrc {
				t.Fatalf("ExplainWith() = %+v, %v, want source %s", e, err, tc.wantSrc)
			}
		})
	}
}

// exactByFramework answers like the allocator endpoint: each framework's recorded
// explanation (JSON), restricted to the query's role.
type exactByFramework map[string]string

func (m exactByFramework) ExplainAllocation(_ context.Context, q Query) (*Explanation, error) {
	data, ok := m[q.Framework]
	if !ok {
		return nil, fmt.Errorf("no explanation for %s: %w", q.Framework, ErrUnreachable)
	}
	return decodeAllocatorExplanation([]byte(data), q.Role)
}

// An exact answer's DRF table lists every role with the master's weights and
// framework counts, and the allocator's share for the subject.
func TestExplainWithExactDRF(t *testing.T) {
	batch := Framework{ID: "F2", Name: "etl", Roles: []string{"batch"}, Active: true, Connected: true}
	snap := testSnapshot([]Agent{testAgent(t, "S1", "a1", "cpus:4;mem:4096", "")}, []Framework{web(), batch},
		[]Role{{Name: "web", Weight: 2, Frameworks: []string{"F1"}}, {Name: "batch", Weight: 1, Frameworks: []string{"F2"}}},
		Metrics{"allocator/mesos/roles/web/shares/dominant": 0.3, "allocator/mesos/roles/batch/shares/dominant": 0.2})
	exact := exactByFramework{"F1": `{"framework_id":"F1","active":true,
		"roles":[{"role":"web","role_share":0.25,"filters":0}],
		"agents":[{"agent_id":"S1","role":"web","reason":"offered","available":"cpus:4;mem:4096"}]}`}
	e, err := ExplainWith(context.Background(), exact, snap, Query{Framework: "webfw"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []RoleShare{
		{Position: 1, Role: "batch", Weight: 1, Share: 0.2, Measured: true, Frameworks: 1},
		{Position: 2, Role: "web", Weight: 2, Share: 0.25, Measured: true, Frameworks: 1, Subject: true},
	}
	if diff := cmp.Diff(want, e.DRF); diff != "" {
		t.Errorf("DRF table (-want +got):\n%s", diff)
	}
	if e.Subject != "framework webfw (F1)" || e.Sources[0] != SourceExact {
		t.Errorf("subject %q sources %v, want framework webfw (F1) from the exact half", e.Subject, e.Sources)
	}
	if len(e.Agents) != 1 || e.Agents[0].Hostname != "a1" {
		t.Errorf("agents = %+v, want a1 named from the snapshot", e.Agents)
	}
}

// A role is explained exactly from its frameworks' explanations in that role.
func TestExplainRoleExact(t *testing.T) {
	f2 := Framework{ID: "F2", Name: "api", Roles: []string{"web", "batch"}, Active: true, Connected: true}
	snap := testSnapshot([]Agent{
		testAgent(t, "S1", "a1", "cpus:4;mem:4096", ""),
		testAgent(t, "S2", "a2", "cpus:4;mem:4096", ""),
	}, []Framework{web(), f2},
		[]Role{{Name: "web", Weight: 1, Frameworks: []string{"F1", "F2"}}, {Name: "batch", Weight: 1, Frameworks: []string{"F2"}}, {Name: "idle", Weight: 1}},
		Metrics{"allocator/mesos/roles/web/shares/dominant": 0.5, "allocator/mesos/roles/batch/shares/dominant": 0.1})
	exact := exactByFramework{
		"F1": `{"framework_id":"F1","active":true,"roles":[{"role":"web","role_share":0.5,"filters":2}],
			"agents":[{"agent_id":"S1","role":"web","reason":"filtered","detail":"filter #1"},
			          {"agent_id":"S2","role":"web","reason":"filtered","detail":"filter #2"}]}`,
		"F2": `{"framework_id":"F2","active":true,"roles":[{"role":"web","role_share":0.5,"filters":0},{"role":"batch","role_share":0.1,"filters":0}],
			"agents":[{"agent_id":"S1","role":"web","reason":"offered"},
			          {"agent_id":"S2","role":"web","reason":"nothing_left"},
			          {"agent_id":"S1","role":"batch","reason":"offered"},
			          {"agent_id":"S2","role":"batch","reason":"offered"}]}`,
	}
	e, err := ExplainWith(context.Background(), exact, snap, Query{Role: "web"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != "role" || e.Subject != "role web" || e.Sources[0] != SourceExact {
		t.Errorf("kind %q subject %q sources %v, want role web from the exact half", e.Kind, e.Subject, e.Sources)
	}
	if e.AgentsTotal != 2 || e.AgentsFit != 1 {
		t.Errorf("agents fit %d of %d, want 1 of 2 (S1 is offerable to api; batch's verdicts do not count)", e.AgentsFit, e.AgentsTotal)
	}
	var s2 []string
	for _, a := range e.Agents {
		if a.AgentID == "S2" {
			s2 = a.Why
		}
	}
	wantWhy := []string{"webfw: filtered: filter #2", "api: nothing_left"}
	if diff := cmp.Diff(wantWhy, s2); diff != "" {
		t.Errorf("why not S2 (-want +got):\n%s", diff)
	}
	var texts []string
	for _, c := range e.Causes {
		texts = append(texts, c.Text)
	}
	for _, want := range []string{
		"framework webfw: 2 offer filter(s) are active for role web",
		"framework api: the allocator would not offer 1 of 2 agent-role pairs: nothing left for the role",
	} {
		if !slices.Contains(texts, want) {
			t.Errorf("causes %q lack %q", texts, want)
		}
	}
	if len(e.DRF) != 2 || e.DRF[1].Role != "web" || !e.DRF[1].Subject || e.DRF[1].Frameworks != 2 {
		t.Errorf("DRF = %+v, want batch then web (the subject, 2 frameworks)", e.DRF)
	}

	// A role without frameworks has nothing for the allocator to explain: the
	// best-effort half answers.
	e, err = ExplainWith(context.Background(), exact, snap, Query{Role: "idle"}, nil)
	if err != nil || e.Sources[0] != SourceBestEffort || e.Causes[0].Code != CauseNotFound {
		t.Errorf("ExplainWith(role idle) = %+v, %v; want the best-effort not_found answer", e, err)
	}
}

// An app explained without Marathon's queue says so first: its demand is unknown.
func TestExplainAppWithoutMarathon(t *testing.T) {
	snap := testSnapshot([]Agent{testAgent(t, "S1", "a1", "cpus:4;mem:4096", "")},
		[]Framework{{ID: "F1", Name: "marathon", Roles: []string{"web"}, Active: true, Connected: true}}, nil, nil)
	e, err := Explain(snap, Query{App: "/big"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Causes[0].Code != CauseNoMarathon || !strings.Contains(e.Summary, "Marathon's launch queue was not read") {
		t.Errorf("Explain(app, no queue) = %q (top cause %s), want it to say Marathon was not read first", e.Summary, e.Causes[0].Code)
	}
	// With a demand given, the Mesos half has what it needs.
	e, err = Explain(snap, Query{App: "/big", Demand: demand(t, "cpus:8")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range e.Causes {
		if c.Code == CauseNoMarathon {
			t.Errorf("Explain(app, demand given) has cause %s: %s", c.Code, c.Text)
		}
	}
}

func TestExplainEmptyQuery(t *testing.T) {
	if _, err := Explain(testSnapshot(nil, nil, nil, nil), Query{}, nil); err == nil {
		t.Errorf("Explain(empty query) error = nil, want one")
	}
}

func TestCheckConstraint(t *testing.T) {
	a := &Agent{Hostname: "srv2.example", Attributes: map[string]string{"rack": "r1"}, Zone: "z1"}
	placed := newPlacement([]*Agent{{Hostname: "srv9", Attributes: map[string]string{"rack": "r1"}}})
	tests := []struct {
		c       []string
		ok      bool
		wantErr bool
	}{
		{[]string{"hostname", "UNIQUE"}, true, false},
		{[]string{"rack", "UNIQUE"}, false, false},
		{[]string{"rack", "CLUSTER", "r1"}, true, false},
		{[]string{"rack", "IS", "r2"}, false, false},
		{[]string{"hostname", "LIKE", "srv2.*"}, true, false},
		{[]string{"hostname", "UNLIKE", "srv2.*"}, false, false},
		{[]string{"rack", "MAX_PER", "1"}, false, false},
		{[]string{"rack", "MAX_PER", "2"}, true, false},
		{[]string{"@zone", "GROUP_BY"}, true, false},
		{[]string{"missing", "CLUSTER", "x"}, false, false},
		{[]string{"hostname", "LIKE", "("}, false, true},
		{[]string{"rack", "MAX_PER", "x"}, false, true},
		{[]string{"rack", "SOMETIMES"}, false, true},
		{[]string{"rack"}, false, true},
	}
	for _, tc := range tests {
		msg, err := checkConstraint(tc.c, a, placed)
		if (err != nil) != tc.wantErr {
			t.Errorf("checkConstraint(%q) error = %v, want error %v", tc.c, err, tc.wantErr)
			continue
		}
		if !tc.wantErr && (msg == "") != tc.ok {
			t.Errorf("checkConstraint(%q) = %q, want satisfied %v", tc.c, msg, tc.ok)
		}
	}
}

func TestFreeForRole(t *testing.T) {
	// 4 cpus, 1 reserved for db and 2 for web; 1.5 used. Reservations are assumed
	// used first, so the free reserved cpus are 3-1.5 = 1.5, split 1:2.
	a := testAgent(t, "S1", "a1", "cpus:4;ports:[1-10]", "cpus:1.5;ports:[1-2]", "db=cpus:1;ports:[3-4]", "web=cpus:2")
	tests := []struct {
		role      string
		wantCPUs  float64
		wantPorts string
	}{
		{"web", 2, "[5-10]"},      // 1 unreserved + 1.5·2/3
		{"db", 1.5, "[3-10]"},     // 1 unreserved + 1.5·1/3
		{"other", 1, "[5-10]"},    // unreserved only
		{"db/sub", 1.5, "[3-10]"}, // a child role may use its parent's reservation
	}
	for _, tc := range tests {
		got := a.FreeFor(tc.role)
		if got.CPUs != tc.wantCPUs || got.Ports.String() != tc.wantPorts {
			t.Errorf("FreeFor(%q) = %s, want cpus %v ports %s", tc.role, got, tc.wantCPUs, tc.wantPorts)
		}
	}
	if a.Free.CPUs != 2.5 {
		t.Errorf("Free.CPUs = %v, want 2.5 (FreeFor must not modify the agent)", a.Free.CPUs)
	}
}

func TestExplainDoesNotFailOnAllFixtures(t *testing.T) {
	for _, path := range fixtureFiles(t) {
		if !strings.Contains(path, "state") || strings.Contains(path, "agent") || strings.Contains(path, "slave.state.json") {
			continue
		}
		st, err := DecodeState(readFixture(t, path))
		if err != nil {
			continue
		}
		snap := NewSnapshot("fixture", st, nil, nil)
		for _, r := range snap.Roles {
			if _, err := Explain(snap, Query{Role: r.Name}, nil); err != nil {
				t.Errorf("Explain(%s, role %s) error = %v", path, r.Name, err)
			}
		}
	}
	_ = errors.New
}

func TestParseDemand(t *testing.T) {
	d, err := ParseDemand("cpus:1;mem:512;ports:2")
	if err != nil || d.PortCount != 2 || d.Resources.CPUs != 1 || d.Resources.Scalars != nil || d.String() != "cpus:1;mem:512;ports:2" {
		t.Errorf("ParseDemand() = %+v, %v", d, err)
	}
	if _, err := ParseDemand("cpus"); err == nil {
		t.Errorf("ParseDemand(cpus) error = nil, want one")
	}
}

// The allocator's verdicts decide the headline: a framework that is offered
// agents and holds filters from its own declines is declining offers, not
// blocked by the GPU agent it may not use.
func TestAllocatorExplanationHeadline(t *testing.T) {
	tests := []struct {
		name     string
		verdicts string
		want     string
	}{
		{"declining", `{"agent_id":"S0","role":"batch","reason":"offered"},{"agent_id":"S1","role":"batch","reason":"filtered"},{"agent_id":"S2","role":"batch","reason":"incapable"}`, CauseDeclining},
		{"only gpu agent left", `{"agent_id":"S2","role":"batch","reason":"incapable"}`, CauseGPUFiltered},
		{"declined everything", `{"agent_id":"S0","role":"batch","reason":"filtered"},{"agent_id":"S2","role":"batch","reason":"incapable"}`, CauseDeclining},
		{"offered, no filters", `{"agent_id":"S0","role":"batch","reason":"offered"},{"agent_id":"S2","role":"batch","reason":"incapable"}`, CauseGPUFiltered},
		{"nothing left", `{"agent_id":"S0","role":"batch","reason":"nothing_left"}`, CauseInsufficient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := `{"framework_id":"F1","active":true,"roles":[{"role":"batch","role_share":0.5,"filters":1}],"agents":[` + tt.verdicts + `]}`
			e, err := decodeAllocatorExplanation([]byte(data), "")
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Causes[0].Code; got != tt.want {
				t.Errorf("top cause = %s (%s), want %s", got, e.Summary, tt.want)
			}
		})
	}
}

// A quota names what it limits: an unnamed resource is unlimited, a zero limit
// allows none (and is shown, and checked).
func TestQuotaLimits(t *testing.T) {
	for _, data := range []string{
		`{"roles": [{"name": "web", "weight": 1, "quota": {"guarantee": {"cpus": 1}, "limit": {"cpus": 2, "gpus": 0}}}]}`,
		`{"roles": [{"name": "web", "weight": 1, "quota": {"guarantees": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 1}}], "limits": {"cpus": {"value": 2}, "gpus": {"value": 0}}}}]}`,
	} {
		roles, err := DecodeRoles([]byte(data))
		if err != nil || len(roles) != 1 {
			t.Fatalf("DecodeRoles(%s) = %v, %v", data, roles, err)
		}
		q := roles[0].Quota
		if got, want := q.GuaranteeText(), "cpus:1"; got != want {
			t.Errorf("GuaranteeText() = %q, want %q (from %s)", got, want, data)
		}
		if got, want := q.LimitText(), "cpus:2;gpus:0"; got != want {
			t.Errorf("LimitText() = %q, want %q (from %s)", got, want, data)
		}
		if _, limited := q.LimitOf("mem"); limited {
			t.Errorf("LimitOf(mem) limited, want unlimited: the quota does not name mem")
		}
		if got := quotaExceeded(roles[0], *demand(t, "gpus:1;mem:64")); !slices.Equal(got, []string{"gpus"}) {
			t.Errorf("quotaExceeded(gpus:1) = %v, want [gpus] (a zero limit)", got)
		}
	}
}

// With no demand, an agent is allocatable when it has any one alternative of
// min_allocatable_resources (Mesos's std::any_of), here mem:32 without cpus.
func TestMinAllocatableAnyOf(t *testing.T) {
	snap := testSnapshot([]Agent{
		testAgent(t, "S1", "a1", "cpus:1;mem:1024", "cpus:1"), // memory left, no cpus
		testAgent(t, "S2", "a2", "cpus:1;mem:1024", "cpus:1;mem:1024"),
	}, []Framework{web()}, nil, nil)
	e, err := Explain(snap, Query{Framework: "F1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.AgentsFit != 1 || e.AgentsTotal != 2 {
		t.Errorf("agents fit %d of %d, want 1 of 2 (a1 by its memory)", e.AgentsFit, e.AgentsTotal)
	}
	if got := e.Demand.String(); got != "cpus:0.01 or mem:32" {
		t.Errorf("demand = %q, want the flag's alternatives", got)
	}
	snap.Cluster.Flags["min_allocatable_resources"] = "cpus:0.1"
	if e, _ := Explain(snap, Query{Framework: "F1"}, nil); e.AgentsFit != 0 {
		t.Errorf("with min_allocatable_resources=cpus:0.1, agents fit %d, want 0", e.AgentsFit)
	}
}

// When other causes rule out some agents, the resource cause counts the agents that
// lack the resources instead of claiming that none has them.
func TestInsufficientCountsOnlyShortAgents(t *testing.T) {
	snap := testSnapshot([]Agent{
		testAgent(t, "S1", "a1", "cpus:2;mem:4096", "cpus:1.5"),
		testAgent(t, "S2", "a2", "cpus:4;mem:4096", ""),
	}, []Framework{web()}, nil, nil)
	e, err := Explain(snap, Query{Framework: "webfw", Demand: &Demand{Resources: mustResources(t, "cpus:1"),
		Constraints: [][]string{{"hostname", "LIKE", "a1"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range e.Causes {
		texts = append(texts, c.Text)
	}
	if !slices.Contains(texts, "1 of 2 agents do not have cpus:1 free for role web: cpus short on 1 of 2 agents") {
		t.Errorf("causes = %q, want the short agents counted", texts)
	}
}
