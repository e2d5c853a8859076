package process

import (
	"fmt"
	"testing"
)

// BenchmarkLinger compares the hot benchmarks with and without lingering on an empty
// queue (see lingerSpins).
func BenchmarkLinger(b *testing.B) {
	saved := lingerSpins
	defer func() { lingerSpins = saved }()
	for _, spins := range []int{0, 100, 1000} {
		lingerSpins = spins
		b.Run(fmt.Sprintf("spins=%d/send", spins), func(b *testing.B) { benchSend(b, Config{}) })
		b.Run(fmt.Sprintf("spins=%d/fanout", spins), func(b *testing.B) { benchFanOut(b, Config{}) })
	}
}
