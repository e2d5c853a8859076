package inspector

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseResources(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"cpus:2;mem:1024;ports:[31000-32000]", "cpus:2;mem:1024;disk:0;ports:[31000-32000]", false},
		{"cpus(web):0.5;mem(*):512;gpus:1", "cpus:0.5;mem:512;disk:0;gpus:1", false},
		{"cpus:1,mem:64", "cpus:1;mem:64;disk:0", false},
		{"cpus:0.1;cpus:0.2", "cpus:0.3;mem:0;disk:0", false},
		{"zones:{b,a};network_bandwidth:100", "cpus:0;mem:0;disk:0;network_bandwidth:100;zones:{a,b}", false},
		{"", "cpus:0;mem:0;disk:0", false},
		{"cpus", "", true},
		{"cpus:x", "", true},
		{"cpus:-1", "", true},
		{"ports:[5-1]", "", true},
		{"cpus(role:1", "", true},                                     // mismatched parentheses
		{"cpus)role(:1", "", true},                                    // mismatched parentheses
		{"ports:[1-5,3-7]", "", true},                                 // overlapping ranges
		{"ports:[1-5,6-7]", "cpus:0;mem:0;disk:0;ports:[1-7]", false}, // adjacent: fine
		{"disks:{a,a}", "", true},                                     // duplicated elements
		{"disks:{a,b}", "cpus:0;mem:0;disk:0;disks:{a,b}", false},
		{"ports:[1-5", "", true},
		{"cpus:Inf", "", true},
	}
	for _, tc := range tests {
		got, err := ParseResources(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseResources(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && got.String() != tc.want {
			t.Errorf("ParseResources(%q) = %q, want %q", tc.in, got.String(), tc.want)
		}
	}
}

func TestRanges(t *testing.T) {
	r, err := ParseRanges("[31005-31010, 31000-31004, 40000-40000, 39999-39999]")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.String(); got != "[31000-31010, 39999-40000]" {
		t.Errorf("normalized = %s, want [31000-31010, 39999-40000]", got)
	}
	if got := r.Count(); got != 13 {
		t.Errorf("Count() = %d, want 13", got)
	}
	minus := r.Minus(Ranges{{31003, 31004}, {40000, 40005}})
	if got := minus.String(); got != "[31000-31002, 31005-31010, 39999-39999]" {
		t.Errorf("Minus() = %s", got)
	}
	if !r.Contains(Ranges{{31001, 31002}}) || r.Contains(Ranges{{31010, 31011}}) {
		t.Errorf("Contains() wrong for %s", r)
	}
	if got := Ranges(nil).Union(Ranges{{5, 6}, {1, 4}}).String(); got != "[1-6]" {
		t.Errorf("Union() = %s, want [1-6]", got)
	}
}

func TestResourcesArithmetic(t *testing.T) {
	a := mustResources(t, "cpus:0.1;mem:1024;ports:[1-10];gpus:1;bw:5")
	b := mustResources(t, "cpus:0.2;mem:2000;ports:[5-6];bw:10")
	if got := a.Add(b).String(); got != "cpus:0.3;mem:3024;disk:0;gpus:1;bw:15;ports:[1-10]" {
		t.Errorf("Add() = %s", got)
	}
	if got := a.Sub(b).String(); got != "cpus:0;mem:0;disk:0;gpus:1;ports:[1-4, 7-10]" {
		t.Errorf("Sub() = %s (floored at zero)", got)
	}
	if got := a.Missing(b); !cmp.Equal(got, []string{"cpus: need 0.2, have 0.1", "mem: need 2000, have 1024", "bw: need 10, have 5"}) {
		t.Errorf("Missing() = %q", got)
	}
	if !b.Fits(mustResources(t, "cpus:0.2;ports:[5-5]")) {
		t.Errorf("Fits() = false, want true")
	}
	c := a.Clone()
	c.Scalars["bw"] = 99
	c.Ports[0].End = 99
	if a.Scalars["bw"] != 5 || a.Ports[0].End != 10 {
		t.Errorf("Clone() shares memory with the original")
	}
	if got := a.Compact(); got != "cpus:0.1;mem:1024;gpus:1;bw:5;ports:[1-10]" {
		t.Errorf("Compact() = %s", got)
	}
	if !(Resources{}).IsEmpty() || a.IsEmpty() {
		t.Errorf("IsEmpty() wrong")
	}
}

func TestFormatScalar(t *testing.T) {
	for in, want := range map[float64]string{1: "1", 0.1 + 0.2: "0.3", 1024.5: "1024.5", 1.0005: "1.001", 2e9: "2000000000"} {
		if got := FormatScalar(in); got != want {
			t.Errorf("FormatScalar(%v) = %s, want %s", in, got, want)
		}
	}
}

func TestMetricsGetters(t *testing.T) {
	m, err := DecodeMetrics([]byte(`{"master/elected":1,"allocator/mesos/roles/web/shares/dominant":0.5,
		"allocator/mesos/offer_filters/roles/web/active":2,
		"master/frameworks/my%20fw/F1/roles/web/suppressed":1,"master/frameworks/my%20fw/F1/roles/db/suppressed":0,
		"allocator/mesos/quota/roles/web/resources/cpus/guarantee":4,"label":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := m.Elected(); !e || !ok {
		t.Errorf("Elected() = %v, %v", e, ok)
	}
	if s, ok := m.DominantShare("web"); s != 0.5 || !ok {
		t.Errorf("DominantShare(web) = %v, %v", s, ok)
	}
	if n, ok := m.OfferFiltersActive("web"); n != 2 || !ok {
		t.Errorf("OfferFiltersActive(web) = %v, %v", n, ok)
	}
	if got := FrameworkPrefix("my fw", "F1"); got != "master/frameworks/my%20fw/F1/" {
		t.Errorf("FrameworkPrefix() = %s", got)
	}
	if got := m.SuppressedRoles("my fw", "F1"); !cmp.Equal(got, []string{"web"}) {
		t.Errorf("SuppressedRoles() = %v, want [web]", got)
	}
	if v, ok := m.QuotaMetric("web", "cpus", "guarantee"); v != 4 || !ok {
		t.Errorf("QuotaMetric() = %v, %v", v, ok)
	}
	if _, ok := m["label"]; ok {
		t.Errorf("non-numeric metric kept")
	}
	if m.Int("master/elected") != 1 || m.Value("nope") != 0 {
		t.Errorf("Int/Value wrong")
	}
}

func TestParseRangesBytesMatchesParseRanges(t *testing.T) {
	for _, in := range []string{
		"[31000-32000]", "[1-21, 23-5050, 5052-32000]", "[5-6, 1-4]", "[7-7,8-9]", "[]", "[1-2, 2-3]",
		"[18446744073709551615-18446744073709551615]", "[5-1]", "[1-2,]", "[a-b]", "[1-2 3-4]", "[ 1-2 ]",
	} {
		fast, ok := parseRangesBytes([]byte(in))
		slow, err := ParseRanges(in)
		if !ok {
			continue // the slow path decides
		}
		if err != nil || fast.String() != slow.String() {
			t.Errorf("parseRangesBytes(%q) = %s, ParseRanges = %s, %v", in, fast, slow, err)
		}
	}
}
