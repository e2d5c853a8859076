package schedclient

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"
)

func TestBackoffBound(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		n                int
		initial, ceiling time.Duration
		want             time.Duration
	}{
		{0, 500 * ms, 15 * time.Second, 500 * ms},
		{1, 500 * ms, 15 * time.Second, time.Second},
		{4, 500 * ms, 15 * time.Second, 8 * time.Second},
		{5, 500 * ms, 15 * time.Second, 15 * time.Second},
		{1000, 500 * ms, 15 * time.Second, 15 * time.Second},
		{62, 1, maxDuration, 1 << 62},
		{64, 1, maxDuration, maxDuration},
		{3, 0, time.Second, 0},
	}
	for _, tc := range tests {
		if got := backoffBound(tc.n, tc.initial, tc.ceiling); got != tc.want {
			t.Errorf("backoffBound(%d, %v, %v) = %v, want %v", tc.n, tc.initial, tc.ceiling, got, tc.want)
		}
	}
}

// TestBackoffJitter: delays stay below the bound and spread over it.
func TestBackoffJitter(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for n := range 8 {
		bound := backoffBound(n, DefaultBackoffInitial, DefaultBackoffMax)
		var lo, hi time.Duration = bound, 0
		for range 1000 {
			d := backoff(n, DefaultBackoffInitial, DefaultBackoffMax, r)
			if d < 0 || d >= bound {
				t.Fatalf("backoff(%d) = %v, want in [0, %v)", n, d, bound)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo > bound/10 || hi < bound*9/10 {
			t.Errorf("backoff(%d) over 1000 draws spans [%v, %v], want most of [0, %v)", n, lo, hi, bound)
		}
	}
	if d := backoff(0, 0, 0, r); d != 0 {
		t.Errorf("backoff with a zero bound = %v, want 0", d)
	}
	if d := backoff(80, 1, maxDuration, r); d < 0 {
		t.Errorf("backoff at the largest bound = %v, want >= 0", d)
	}
}

func TestSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := sleep(context.Background(), realClock{}, time.Second); err != nil {
			t.Errorf("sleep() = %v, want nil", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("sleep(1s) took %v, want 1s", d)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start = time.Now()
		if err := sleep(ctx, realClock{}, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("sleep() past the deadline = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("sleep(1h) with a 1s deadline took %v, want 1s", d)
		}
		if err := sleep(ctx, realClock{}, 0); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("sleep(0) on a done context = %v, want DeadlineExceeded", err)
		}
	})
}
