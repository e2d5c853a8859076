package allocator

import (
	"testing"
	"unsafe"
)

// TestAgentLayout keeps the layout the cycle relies on (see agent): what a
// cycle touches in the first two cache lines (offsets 0-63: available, shared, id, flags) and the struct in the
// 192-byte size class. Adding a field means adjusting agentPad.
func TestAgentLayout(t *testing.T) {
	var a agent
	if got, want := unsafe.Sizeof(a), uintptr(192); got != want {
		t.Errorf("unsafe.Sizeof(agent{}) = %d, want %d", got, want)
	}
	hot := []struct {
		name string
		end  uintptr
	}{
		{"available", unsafe.Offsetof(a.available) + unsafe.Sizeof(a.available)},
		{"shared", unsafe.Offsetof(a.shared) + unsafe.Sizeof(a.shared)},
		{"id", unsafe.Offsetof(a.id) + unsafe.Sizeof(a.id)},
		{"plain", unsafe.Offsetof(a.plain) + unsafe.Sizeof(a.plain)},
		{"allocated.one", unsafe.Offsetof(a.allocated) + unsafe.Offsetof(a.allocated.one) + unsafe.Sizeof(a.allocated.one)},
	}
	for _, f := range hot {
		if f.end > 128 {
			t.Errorf("agent.%s ends at byte %d, want within the first 128", f.name, f.end)
		}
	}
}
