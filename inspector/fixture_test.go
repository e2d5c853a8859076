package inspector

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// fixtureDir finds the shared Mesos fixtures: $MESOSCOPE_FIXTURES, else shared/
// beside the repository (as CI lays it out), else /work/shared.
func fixtureDir(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("MESOSCOPE_FIXTURES"), "../../shared/fixtures/mesos", "/work/shared/fixtures/mesos"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
	}
	t.Fatalf("fixtures not found in %q; set MESOSCOPE_FIXTURES", candidates)
	return ""
}

// fixtureFiles lists every payload (README.md excluded).
func fixtureFiles(t testing.TB) []string {
	t.Helper()
	dir := fixtureDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("ReadDir(%q) = %v", dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || e.Name() == "README.md" {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	if len(out) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	// Captures from mesoscope's own embedded cluster (the demo), taken
	// with curl: the inspector must read them exactly like Mesos's.
	captures, err := filepath.Glob(filepath.Join("testdata", "captures", "*.json"))
	if err != nil || len(captures) == 0 {
		t.Fatalf("no captures in testdata/captures: %v", err)
	}
	return append(out, captures...)
}

var (
	lineComment   = regexp.MustCompile(`(?m)^\s*//.*$`)
	blockComment  = regexp.MustCompile(`(?s)/\*.*?\*/`)
	trailingComma = regexp.MustCompile(`,(\s*[}\]])`)
	placeholder   = regexp.MustCompile(`\{\s*\.\.\.\s*\}`)
	doubleOpen    = regexp.MustCompile(`^\s*\{\s*\{`)
)

// repairJSONC turns the documentation examples (.jsonc, see the fixtures' README)
// into JSON, in tests only: comments are stripped, trailing commas dropped, the
// "{...}" placeholder becomes {}, and a doubled opening brace is undone.
func repairJSONC(data []byte) []byte {
	data = blockComment.ReplaceAll(data, nil)
	data = lineComment.ReplaceAll(data, nil)
	data = trailingComma.ReplaceAll(data, []byte("$1"))
	data = placeholder.ReplaceAll(data, []byte("{}"))
	data = doubleOpen.ReplaceAll(data, []byte("{"))
	return data
}

func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("ReadFile(%q) = %v", path, err)
	}
	if strings.HasSuffix(path, ".jsonc") {
		data = repairJSONC(data)
	}
	return data
}

// renderFixture decodes a fixture by its name and renders every view of it: the
// Describe* text, the wide table, and for master states an explanation per
// framework.
func renderFixture(name string, data []byte) (string, error) {
	var b strings.Builder
	section := func(title string) { fmt.Fprintf(&b, "== %s\n", title) }
	table := func(f func(*bytes.Buffer) error) error {
		var buf bytes.Buffer
		if err := f(&buf); err != nil {
			return err
		}
		b.Write(buf.Bytes())
		return nil
	}
	wide := RenderOptions{Format: FormatWide}
	finish := func(err error) (string, error) {
		if err != nil {
			return "", err
		}
		return b.String(), nil
	}
	switch {
	case strings.Contains(name, "agent-state") || name == "datadog.mesos_slave.state.json" ||
		strings.HasPrefix(name, "operator-agent-GET_STATE") || strings.HasPrefix(name, "operator-agent-GET_FRAMEWORKS") ||
		strings.HasPrefix(name, "operator-agent-GET_EXECUTORS") || strings.HasPrefix(name, "operator-agent-GET_TASKS"):
		a, err := DecodeAgentState(data)
		if err != nil {
			return "", err
		}
		section("describe")
		b.WriteString(DescribeAgentState(*a) + "\n")
		section("executors")
		if err := table(func(w *bytes.Buffer) error { return RenderExecutors(w, a.Executors, wide) }); err != nil {
			return "", err
		}
		section("tasks")
		return finish(table(func(w *bytes.Buffer) error { return RenderTasks(w, a.Tasks, wide) }))
	case strings.Contains(name, "master-state") || strings.Contains(name, "state-summary") || name == "datadog.mesos_master.state.json" ||
		strings.HasPrefix(name, "operator-GET_STATE") || strings.HasPrefix(name, "operator-GET_AGENTS") ||
		strings.HasPrefix(name, "operator-GET_FRAMEWORKS") || strings.HasPrefix(name, "operator-GET_TASKS") ||
		strings.HasPrefix(name, "operator-GET_EXECUTORS"):
		st, err := DecodeState(data)
		if err != nil {
			return "", err
		}
		section("describe")
		b.WriteString(DescribeState(st) + "\n")
		for _, render := range []struct {
			title string
			f     func(*bytes.Buffer) error
		}{
			{"agents", func(w *bytes.Buffer) error { return RenderAgents(w, st.Agents, wide) }},
			{"frameworks", func(w *bytes.Buffer) error { return RenderFrameworks(w, st.Frameworks, wide) }},
			{"tasks", func(w *bytes.Buffer) error { return RenderTasks(w, st.Tasks, wide) }},
			{"executors", func(w *bytes.Buffer) error { return RenderExecutors(w, st.Executors, wide) }},
		} {
			section(render.title)
			if err := table(render.f); err != nil {
				return "", err
			}
		}
		snap := NewSnapshot("fixture", st, nil, nil)
		for _, f := range snap.Frameworks {
			if f.Completed {
				continue
			}
			e, err := Explain(snap, Query{Framework: f.ID}, nil)
			if err != nil {
				return "", err
			}
			section("why " + f.Name)
			b.WriteString(DescribeExplanation(e) + "\n")
		}
		return b.String(), nil
	case strings.Contains(name, "metrics-snapshot") || strings.HasSuffix(name, "stats.json") || strings.HasPrefix(name, "operator-GET_METRICS"):
		m, err := DecodeMetrics(data)
		if err != nil {
			return "", err
		}
		section("describe")
		b.WriteString(DescribeMetrics(m) + "\n")
		section("table allocator/")
		return finish(table(func(w *bytes.Buffer) error { return RenderMetrics(w, MetricRows(m, "allocator/"), wide) }))
	case strings.HasPrefix(name, "operator-GET_ROLES") || strings.Contains(name, "master-roles"):
		roles, err := DecodeRoles(data)
		if err != nil {
			return "", err
		}
		section("describe")
		for _, r := range roles {
			b.WriteString(DescribeRole(r) + "\n")
		}
		section("roles")
		return finish(table(func(w *bytes.Buffer) error { return RenderRoles(w, roles, wide) }))
	case strings.HasPrefix(name, "operator-GET_HEALTH"):
		h, err := DecodeHealth(data)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("== describe\nhealthy %v\n", h), nil
	case strings.HasPrefix(name, "operator-GET_VERSION"):
		v, err := DecodeVersion(data)
		if err != nil {
			return "", err
		}
		return "== describe\n" + DescribeVersion(v) + "\n", nil
	case strings.HasPrefix(name, "operator-GET_MASTER"):
		c, err := DecodeMasterInfo(data)
		if err != nil {
			return "", err
		}
		return "== describe\n" + DescribeCluster(c) + "\n", nil
	case strings.HasPrefix(name, "operator-agent-GET_CONTAINERS"):
		cs, err := DecodeContainers(data)
		if err != nil {
			return "", err
		}
		section("describe")
		for _, c := range cs {
			b.WriteString(DescribeContainer(c) + "\n")
		}
		section("containers")
		return finish(table(func(w *bytes.Buffer) error { return RenderContainers(w, cs, wide) }))
	case strings.HasSuffix(name, "SUBSCRIBE.request.json"):
		c, err := DecodeCall(data)
		if err != nil {
			return "", err
		}
		return "== describe\n" + DescribeCall(c) + "\n", nil
	case strings.HasPrefix(name, "operator-event-"):
		e, err := DecodeEvent(data)
		if err != nil {
			return "", err
		}
		return "== describe\n" + DescribeEvent(e) + "\n", nil
	case strings.HasPrefix(name, "scheduler-event-"):
		e, err := DecodeSchedulerEvent(data)
		if err != nil {
			return "", err
		}
		section("describe")
		b.WriteString(DescribeSchedulerEvent(e) + "\n")
		if len(e.Offers) > 0 {
			section("offers")
			return finish(table(func(w *bytes.Buffer) error { return RenderOffers(w, e.Offers, wide) }))
		}
		return b.String(), nil
	case name == "marathon.v2.queue.json":
		q, err := DecodeMarathonQueue(data)
		if err != nil {
			return "", err
		}
		section("describe")
		for _, it := range q {
			b.WriteString(DescribeMarathonQueueItem(it) + "\n")
		}
		return b.String(), nil
	case name == "marathon.v2.app.json":
		a, err := DecodeMarathonApp(data)
		if err != nil {
			return "", err
		}
		return "== describe\n" + DescribeMarathonApp(a) + "\n", nil
	case name == "marathon.v2.tasks.json":
		ts, err := DecodeMarathonTasks(data)
		if err != nil {
			return "", err
		}
		section("describe")
		for _, t := range ts {
			b.WriteString(DescribeMarathonTask(t) + "\n")
		}
		return b.String(), nil
	case name == "marathon.v2.events.txt":
		es, err := DecodeMarathonEvents(data)
		if err != nil {
			return "", err
		}
		section("describe")
		for _, e := range es {
			b.WriteString(DescribeMarathonEvent(e) + "\n")
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("no decoder for fixture %s: add one to renderFixture", name)
}

// TestFixturesGolden decodes every fixture payload and compares its Describe and
// table renderings with testdata/fixtures/<name>.golden (go test -update rewrites).
func TestFixturesGolden(t *testing.T) {
	for _, path := range fixtureFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			got, err := renderFixture(name, readFixture(t, path))
			if err != nil {
				t.Fatalf("renderFixture(%q) error = %v", name, err)
			}
			checkGolden(t, filepath.Join("testdata", "fixtures", name+".golden"), got)
		})
	}
}

func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", golden, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing lines.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return "(no line differs; trailing newline?)"
}
