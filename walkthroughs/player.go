package walkthroughs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// whereHeading introduces a step's code pointers.
func whereHeading(lang Lang) string {
	if lang == Japanese {
		return "コードの場所（mesoscope の関数と、それが模している Mesos 1.11.0 の関数）:"
	}
	return "Where in the code (mesoscope, then the Mesos 1.11.0 function it models):"
}

// excerptLines is how many lines of Mesos source --mesos-src prints per pointer.
const excerptLines = 12

// PlayerOptions configure a Player.
type PlayerOptions struct {
	// Lang is the narration language (English when empty).
	Lang Lang
	// MesosSrc, if set, is a Mesos 1.11.0 source tree: each "where" then also prints
	// the first lines of the Mesos function it names.
	MesosSrc string
	// Logger receives the embedded system's logs; nil discards them.
	Logger *slog.Logger
	// Trace appends to each step the spans it produced (Session.Trace).
	Trace bool
	// Shim is Options.Shim.
	Shim []string
}

// Player runs a tour step by step on a fresh Session and renders each step: its
// narration in one language, each command with the output it gives now (flagged when
// it differs from the recorded one), and the code it points to.
//
// Steps run once, in order: rendering step i first runs every step before it. A
// Player is used from one goroutine; Close it to stop the embedded system.
type Player struct {
	script   *Script
	opts     PlayerOptions
	session  *Session
	rendered []string
	drifted  int
	outputs  map[*Command]string
}

// NewPlayer returns a player for the script.
func NewPlayer(s *Script, opts PlayerOptions) *Player {
	if opts.Lang == "" {
		opts.Lang = English
	}
	return &Player{script: s, opts: opts, session: NewSession(Options{Logger: opts.Logger, Trace: opts.Trace, Shim: opts.Shim}), outputs: map[*Command]string{}}
}

// Len returns the number of steps.
func (p *Player) Len() int { return len(p.script.Steps) }

// Drifted returns how many commands run so far gave an output other than the one
// recorded in the script.
func (p *Player) Drifted() int { return p.drifted }

// Outputs returns the output each command run so far gave, by command.
func (p *Player) Outputs() map[*Command]string {
	out := make(map[*Command]string, len(p.outputs))
	for c, o := range p.outputs {
		out[c] = o
	}
	return out
}

// Intro renders the tour's title and introduction.
func (p *Player) Intro() string {
	var b strings.Builder
	title := p.script.Title[p.opts.Lang]
	fmt.Fprintf(&b, "%s\n%s\n", title, strings.Repeat("=", displayWidth(title)))
	if p.script.Intro != nil {
		b.WriteString("\n")
		writeNarration(&b, p.script.Intro, p.opts.Lang)
	}
	return strings.TrimRight(b.String(), "\n")
}

// Step runs step i (0-based) if it has not run yet, after every step before it, and
// returns its rendering.
func (p *Player) Step(i int) (string, error) {
	if i < 0 || i >= p.Len() {
		return "", fmt.Errorf("walkthroughs: step %d: the tour has steps 1 to %d", i+1, p.Len())
	}
	for len(p.rendered) <= i {
		p.rendered = append(p.rendered, p.run(len(p.rendered)))
	}
	return p.rendered[i], nil
}

// run runs one step and renders it.
func (p *Player) run(i int) string {
	st := &p.script.Steps[i]
	lang := p.opts.Lang
	var b strings.Builder
	head := fmt.Sprintf("── %d/%d  %s ", i+1, p.Len(), st.Title[lang])
	b.WriteString(head + strings.Repeat("─", max(3, 78-displayWidth(head))) + "\n")
	for _, it := range st.Items {
		if it.Narration != nil {
			b.WriteString("\n")
			writeNarration(&b, it.Narration, lang)
			continue
		}
		c := it.Command
		out := p.session.Run(c)
		p.outputs[c] = out
		if c.Name == "where" {
			if p.opts.MesosSrc != "" && !strings.HasPrefix(out, "error:") {
				out = p.withExcerpts(c)
			}
			b.WriteString("\n" + whereHeading(lang) + "\n" + indentLines(out, "  ") + "\n")
			continue
		}
		fmt.Fprintf(&b, "\n$ %s\n", c.Text)
		if out != "" {
			b.WriteString(indentLines(out, "  ") + "\n")
		}
		if out != c.Expected {
			p.drifted++
			fmt.Fprintf(&b, "  (this differs from the output recorded in %s: the code has changed since the tour was written)\n", c.Pos)
		}
	}
	if p.opts.Trace {
		tr, err := p.session.Trace()
		if err != nil {
			tr = "trace: " + err.Error()
		}
		b.WriteString("\n" + tr + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// withExcerpts renders a "where" with, under each pointer, the first lines of the
// Mesos function it names.
func (p *Player) withExcerpts(c *Command) string {
	var parts []string
	for _, key := range bareArgs(c) {
		ptr, ok := LookupPointer(key)
		if !ok {
			continue
		}
		part := describePointer(ptr)
		if ptr.Project != "" {
			parts = append(parts, part) // not in a Mesos tree
			continue
		}
		if ex, err := FindExcerpt(p.opts.MesosSrc, ptr, excerptLines); err != nil {
			part += "\n  (" + err.Error() + ")"
		} else {
			part += "\n" + indentLines(ex.String(), "  ")
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "\n")
}

// Close stops the embedded system the tour built.
func (p *Player) Close() error { return p.session.Close() }

func writeNarration(b *strings.Builder, n *Narration, lang Lang) {
	for i, para := range n.Paragraphs[lang] {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, l := range para {
			b.WriteString(l + "\n")
		}
	}
}

func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// displayWidth approximates the terminal width of s: East Asian wide characters take
// two columns.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
			w += 2
		default:
			w++
		}
	}
	return w
}

// WalkOptions configure Walk.
type WalkOptions struct {
	// From is the 1-based step to start at; earlier steps run silently. Zero means 1.
	From int
	// Interactive waits for a key after each step: Enter goes on, "b" goes back, "q"
	// quits. Otherwise every step is printed.
	Interactive bool
	// Progress, if set, is called with the 1-based number of each step shown.
	Progress func(step int)
}

// ErrQuit is returned by Walk when the user quits before the end.
var ErrQuit = errors.New("walkthroughs: quit")

// Walk plays a tour on out, reading keys from in when interactive.
func Walk(ctx context.Context, p *Player, in io.Reader, out io.Writer, opt WalkOptions) error {
	from := max(opt.From, 1)
	if from > p.Len() {
		return fmt.Errorf("walkthroughs: --from %d: the tour has %d steps", from, p.Len())
	}
	if _, err := fmt.Fprintln(out, p.Intro()+"\n"); err != nil {
		return err
	}
	if from > 1 {
		fmt.Fprintf(out, "(running steps 1 to %d first…)\n\n", from-1)
	}
	keys := bufio.NewScanner(in)
	for i := from - 1; i < p.Len(); {
		if err := ctx.Err(); err != nil {
			return err
		}
		text, err := p.Step(i)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(out, text+"\n"); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(i + 1)
		}
		if !opt.Interactive {
			i++
			continue
		}
		if i == p.Len()-1 {
			fmt.Fprintln(out, "(end of the tour)")
			return nil
		}
		fmt.Fprint(out, "[Enter] next · b back · q quit > ")
		if !keys.Scan() {
			fmt.Fprintln(out)
			return ErrQuit
		}
		switch strings.TrimSpace(keys.Text()) {
		case "q", "Q":
			return ErrQuit
		case "b", "B":
			if i > 0 {
				i--
				fmt.Fprintln(out, "(going back shows the step again; the cluster keeps its present state)")
			}
		default:
			i++
		}
	}
	return nil
}
