//go:build !unix

package readonly

import "time"

// processCPU is not measured on this platform.
func processCPU() time.Duration { return 0 }
