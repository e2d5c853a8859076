//go:build amd64 || arm64

package allocator

// prefetch asks the CPU to bring the two cache lines at addr into its
// caches without waiting for them (PREFETCHT0 / PRFM PLDL1KEEP). A load
// would stall the cycle until the line arrived; a prefetch lets the cycle
// work on one agent while the next agents' lines are on their way. addr
// need not stay valid: a prefetch never faults.
//
//go:noescape
func prefetch(addr uintptr)
