//go:build unix

package readonly

import (
	"syscall"
	"time"
)

// processCPU returns the user plus system CPU time the process has used,
// so benchmarks can report CPU per op next to wall time on a shared
// machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
