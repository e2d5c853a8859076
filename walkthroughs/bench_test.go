package walkthroughs

import (
	"fmt"
	"strings"
	"testing"
)

// syntheticScript builds a script of n steps, each with narration in both languages
// and two commands.
func syntheticScript(n int) []byte {
	var b strings.Builder
	b.WriteString("#tour en: Bench\n#tour ja: ベンチ\n\n")
	for i := range n {
		fmt.Fprintf(&b, "#step en: Step %d\n#step ja: ステップ %d\n", i, i)
		b.WriteString("#en Some narration that goes on for a while, as tours do.\n#en A second line.\n")
		b.WriteString("#ja ツアーらしく、しばらく続く説明文です。\n#ja 二行目。\n\n")
		fmt.Fprintf(&b, "spawn a%d b%d\n----\nspawned a%d\nspawned b%d\n\n", i, i, i, i)
		b.WriteString("where process.spawn\n----\nmesoscope  process.(*Runtime).Spawn\nMesos      ProcessManager::spawn\n\n")
	}
	return []byte(b.String())
}

func BenchmarkParseScript(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		data := syntheticScript(n)
		b.Run(fmt.Sprintf("steps=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseScript("bench", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTour replays a whole tour (in English) per op: the cost of `mesoscope walk`
// and of each language run of TestWalkthroughs.
func BenchmarkTour(b *testing.B) {
	for _, name := range TourNames() {
		s, err := LoadTour(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("tour="+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p := NewPlayer(s, PlayerOptions{Shim: testShim})
				for i := range s.Steps {
					if _, err := p.Step(i); err != nil {
						b.Fatal(err)
					}
				}
				if p.Drifted() != 0 {
					b.Fatalf("tour %s drifted", name)
				}
				if err := p.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
