package process

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParsePID(t *testing.T) {
	tests := []struct {
		in   string
		want PID
	}{
		{"master@10.0.0.1:5050", PID{"master", netip.MustParseAddrPort("10.0.0.1:5050")}},
		{"slave(1)@10.0.0.2:5051", PID{"slave(1)", netip.MustParseAddrPort("10.0.0.2:5051")}},
		{"scheduler-3c5e@127.0.0.1:41000", PID{"scheduler-3c5e", netip.MustParseAddrPort("127.0.0.1:41000")}},
		{"a@localhost:1", PID{"a", netip.MustParseAddrPort("127.0.0.1:1")}},
		{"a@[::1]:5050", PID{"a", netip.MustParseAddrPort("[::1]:5050")}},
		{"a@::ffff:10.1.2.3:5050", PID{"a", netip.MustParseAddrPort("10.1.2.3:5050")}},
		{"a@0.0.0.0:0", PID{"a", netip.MustParseAddrPort("0.0.0.0:0")}},
	}
	for _, tc := range tests {
		got, err := ParsePID(tc.in)
		if err != nil {
			t.Errorf("ParsePID(%q) error = %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParsePID(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

func TestParsePIDErrors(t *testing.T) {
	tests := []struct {
		in, wantSubstr string
	}{
		{"", "missing '@'"},
		{"master", "missing '@'"},
		{"@10.0.0.1:5050", "empty id"},
		{"master@10.0.0.1", "missing ':port'"},
		{"master@:5050", "empty host"},
		{"master@10.0.0.1:http", `port "http"`},
		{"master@10.0.0.1:70000", `port "70000"`},
		{"master@example.com:5050", `host "example.com" is not an IP address`},
		{"a/b@10.0.0.1:5050", "contains '/'"},
		{"a b@10.0.0.1:5050", "space or control"},
		{string(make([]byte, 2000)), "longer than"},
	}
	for _, tc := range tests {
		_, err := ParsePID(tc.in)
		if err == nil {
			t.Errorf("ParsePID(%q) = nil error, want one containing %q", truncate(tc.in), tc.wantSubstr)
			continue
		}
		if !errors.Is(err, ErrBadPID) {
			t.Errorf("ParsePID(%q) error %v does not wrap ErrBadPID", truncate(tc.in), err)
		}
		if !strings.Contains(err.Error(), tc.wantSubstr) {
			t.Errorf("ParsePID(%q) error = %q, want it to contain %q", truncate(tc.in), err, tc.wantSubstr)
		}
	}
}

func TestPIDStringAndValid(t *testing.T) {
	tests := []struct {
		pid   PID
		str   string
		valid bool
		zero  bool
	}{
		{PID{}, "", false, true},
		{PID{"master", netip.MustParseAddrPort("10.0.0.1:5050")}, "master@10.0.0.1:5050", true, false},
		{PID{"master", netip.MustParseAddrPort("0.0.0.0:5050")}, "master@0.0.0.0:5050", false, false},
		{PID{"master", netip.MustParseAddrPort("10.0.0.1:0")}, "master@10.0.0.1:0", false, false},
		{PID{"", netip.MustParseAddrPort("10.0.0.1:1")}, "@10.0.0.1:1", false, false},
	}
	for _, tc := range tests {
		if got := tc.pid.String(); got != tc.str {
			t.Errorf("%#v.String() = %q, want %q", tc.pid, got, tc.str)
		}
		if got := tc.pid.Valid(); got != tc.valid {
			t.Errorf("%#v.Valid() = %v, want %v", tc.pid, got, tc.valid)
		}
		if got := tc.pid.IsZero(); got != tc.zero {
			t.Errorf("%#v.IsZero() = %v, want %v", tc.pid, got, tc.zero)
		}
	}
}

func TestPIDTextRoundTrip(t *testing.T) {
	in := PID{"slave(3)", netip.MustParseAddrPort("192.168.1.9:5051")}
	b, err := in.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	var out PID
	if err := out.UnmarshalText(b); err != nil {
		t.Fatalf("UnmarshalText(%q) = %v", b, err)
	}
	if out != in {
		t.Errorf("round trip = %v, want %v", out, in)
	}
	if err := out.UnmarshalText([]byte("nonsense")); err == nil {
		t.Errorf("UnmarshalText(nonsense) = nil, want error")
	}
}

func TestGenerateID(t *testing.T) {
	var g idGenerator
	got := []string{g.generate("slave"), g.generate("fetcher"), g.generate("slave"), g.generate("slave")}
	want := []string{"slave(1)", "fetcher(1)", "slave(2)", "slave(3)"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("generate #%d = %q, want %q", i, got[i], want[i])
		}
	}
}

func FuzzParsePID(f *testing.F) {
	for _, s := range []string{"master@10.0.0.1:5050", "slave(1)@[::1]:5051", "a@localhost:0", "@:", "x@y", "a@1.2.3.4:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePID(s)
		if err != nil {
			if !errors.Is(err, ErrBadPID) {
				t.Fatalf("ParsePID(%q) error %v does not wrap ErrBadPID", s, err)
			}
			return
		}
		// A parsed PID formats to a string that parses back to the same PID.
		q, err := ParsePID(p.String())
		if err != nil {
			t.Fatalf("ParsePID(%q) ok, but ParsePID(String()=%q) = %v", s, p.String(), err)
		}
		if q != p {
			t.Fatalf("round trip of %q: %v != %v", s, q, p)
		}
	})
}
