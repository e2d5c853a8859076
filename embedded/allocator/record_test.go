package allocator

import (
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// TestQuantityText checks that the remembered text of quantities is their
// String, for repeated, near-equal and too-many-name quantities.
func TestQuantityText(t *testing.T) {
	c := NewCore(Config{})
	for _, text := range []string{
		"cpus:24;mem:4096;disk:4096", "cpus:24;mem:4096;disk:4096", "cpus:24.001;mem:4096;disk:4096",
		"cpus:0.0006", "cpus:0.0014", "cpus:1;mem:2;disk:3;gpus:4;foo:5", "",
	} {
		q := resources.MustQuantities(text)
		for range 2 {
			if got, want := c.quantityText(q), q.String(); got != want {
				t.Errorf("quantityText(%q) = %q, want %q", text, got, want)
			}
		}
	}
}
