package walkthroughs

import (
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	s := &Session{t0: t0}
	tests := []struct {
		in, want string
	}{
		{"registered 2024-05-01T12:00:00Z", "registered T+0s"},
		{"at 2024-05-01T12:00:10.5Z, until 2024-05-01T14:00:10+02:00", "at T+10.5s, until T+10s"},
		{"float rounding 2024-05-01T12:00:00.000000493Z", "float rounding T+0s"},
		{"before 2024-05-01T11:59:58Z", "before T-2s"},
		{"trailing  \nspaces\t\n\n", "trailing\nspaces"},
		{"not a time 2024-05-01", "not a time 2024-05-01"},
	}
	for _, tc := range tests {
		if got := s.normalize(tc.in); got != tc.want {
			t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := (&Session{}).normalize("2024-05-01T12:00:00Z "); got != "2024-05-01T12:00:00Z" {
		t.Errorf("normalize without a world = %q, want the time kept", got)
	}
}

func TestFormatOffset(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{0, "T+0s"}, {1500 * time.Millisecond, "T+1.5s"}, {-time.Second, "T-1s"}, {90 * time.Second, "T+1m30s"}} {
		if got := formatOffset(tc.d); got != tc.want {
			t.Errorf("formatOffset(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
