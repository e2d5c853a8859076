package shim

import (
	"os"
	"testing"
)

func TestParseStatIDs(t *testing.T) {
	tests := []struct {
		line          string
		ppid, session int
		bad           bool
	}{
		{"42 (sleep) S 41 42 40 0 -1", 41, 40, false},
		{"7 (a) b (c)) R 1 7 9 0", 1, 9, false},
		{"7 (x) R 1 7", 0, 0, true},
		{"7 x R 1 7 9", 0, 0, true},
		{"7 (x) R one 7 9", 0, 0, true},
	}
	for _, tc := range tests {
		ppid, sid, err := parseStatIDs([]byte(tc.line))
		if (err != nil) != tc.bad || ppid != tc.ppid || sid != tc.session {
			t.Errorf("parseStatIDs(%q) = %d, %d, %v, want %d, %d (bad=%v)", tc.line, ppid, sid, err, tc.ppid, tc.session, tc.bad)
		}
	}
	if got := leftovers(os.Getpid()); len(got) != 0 {
		t.Errorf("leftovers(self) = %v, want none (the test has no children)", got)
	}
}

func FuzzParseStatIDs(f *testing.F) {
	f.Add([]byte("42 (sleep) S 41 42 40 0 -1 4194560"))
	f.Add([]byte("1 ())) ) R 0 1 1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseStatIDs(b)
	})
}
