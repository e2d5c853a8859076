//go:build !amd64 && !arm64

package allocator

// prefetch does nothing on architectures without an assembly version.
func prefetch(addr uintptr) {}
