package schedclient

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff returns the delay before reconnect attempt n (0 for the first
// reconnect after a subscription ended): "full jitter", uniform in
// [0, min(ceiling, initial·2ⁿ)). It generalises the C++ library's uniform
// [0, connection_delay_max] delay (MesosProcess::detected) with the
// exponential growth and cap the doc recommends.
func backoff(n int, initial, ceiling time.Duration, r *rand.Rand) time.Duration {
	bound := backoffBound(n, initial, ceiling)
	if bound <= 0 {
		return 0
	}
	return time.Duration(r.Int64N(int64(bound)))
}

// backoffBound is the longest delay before reconnect attempt n:
// min(ceiling, initial·2ⁿ), computed without overflow.
func backoffBound(n int, initial, ceiling time.Duration) time.Duration {
	bound := initial
	for i := 0; i < n && bound < ceiling; i++ {
		if bound > ceiling/2 {
			bound = ceiling
		} else {
			bound *= 2
		}
	}
	return min(bound, ceiling)
}

// sleep waits d on clock, or until ctx is done (then it returns ctx.Err()).
func sleep(ctx context.Context, clock Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	done := make(chan struct{})
	t := clock.AfterFunc(d, func() { close(done) })
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
}
