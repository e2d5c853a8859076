package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/walkthroughs"
)

// walkFlags are the flags of `mesoscope walk`.
type walkFlags struct {
	lang     string
	mesosSrc string
	from     int
	trace    bool
	tui      bool
}

func newWalkCommand() *cobra.Command {
	var f walkFlags
	cmd := &cobra.Command{
		Use:   "walk [tour]",
		Short: "Guided walkthroughs of the Mesos source on the embedded cluster",
		Long: `walk lists the guided tours, or runs one step by step on an embedded Mesos with a
paused clock: each step narrates what happens, runs it, shows the result as the inspector
renders it, and names the mesoscope function and the Mesos 1.11.0 function it models.

In a terminal, press Enter to go on, b to go back, q to quit; otherwise every step is
printed. Progress is saved under $XDG_CONFIG_HOME/mesoscope (default ~/.config/mesoscope);
--from N resumes at step N. --mesos-src DIR prints the Mesos source lines of each function
from a local Mesos checkout. --trace prints, after each step, the spans the step produced
(each dispatch of each actor, under the one that caused it). --tui shows the tour in a
full-screen UI, the narration beside the view of mesoscope's TUI that the step names
(Tab sends keys to the TUI pane).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang := walkthroughs.LangFromEnv(os.Getenv)
			if cmd.Flags().Changed("lang") {
				l, err := walkthroughs.ParseLang(f.lang)
				if err != nil {
					return err
				}
				lang = l
			}
			progressPath, err := walkthroughs.DefaultProgressPath(os.Getenv)
			if err != nil {
				return err
			}
			progress := walkthroughs.Progress{Path: progressPath}
			out := cmd.OutOrStdout()
			if len(args) == 0 {
				return listTours(out, lang, progress)
			}
			return runTour(cmd, args[0], lang, f, progress)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.lang, "lang", "", "narration language: en or ja (default: ja when LC_ALL, LC_MESSAGES or LANG starts with \"ja\", else en)")
	fl.StringVar(&f.mesosSrc, "mesos-src", "", "a Mesos 1.11.0 source tree: print the source of each function a step names")
	fl.IntVar(&f.from, "from", 0, "start at step N (earlier steps run without being shown)")
	fl.BoolVar(&f.trace, "trace", false, "after each step, print the spans it produced (the tracer's in-memory ring) as a tree")
	fl.BoolVar(&f.tui, "tui", false, "run the tour in a full-screen UI: the narration on the left, the step's view of mesoscope's TUI on the right")
	return cmd
}

// listTours prints the tours with their titles and the saved progress.
func listTours(out io.Writer, lang walkthroughs.Lang, progress walkthroughs.Progress) error {
	tours, err := walkthroughs.Tours()
	if err != nil {
		return err
	}
	for i, t := range tours {
		seen := ""
		if n, err := progress.Load(t.Name); err == nil && n > 0 {
			seen = fmt.Sprintf("  (seen %d/%d)", n, t.Steps)
		}
		if _, err := fmt.Fprintf(out, "%d. %-13s %2d steps  %s%s\n", i+1, t.Name, t.Steps, t.Title[lang], seen); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintln(out, "\nRun one with: mesoscope walk <name> [--lang en|ja] [--from N] [--mesos-src DIR] [--trace] [--tui]")
	return err
}

// runTour plays one tour.
func runTour(cmd *cobra.Command, name string, lang walkthroughs.Lang, f walkFlags, progress walkthroughs.Progress) error {
	script, err := walkthroughs.LoadTour(name)
	if err != nil {
		return err
	}
	if f.mesosSrc != "" {
		if st, err := os.Stat(f.mesosSrc); err != nil || !st.IsDir() {
			return fmt.Errorf("walk: --mesos-src %q: not a directory", f.mesosSrc)
		}
	}
	out := cmd.OutOrStdout()
	in := cmd.InOrStdin()
	interactive := isTerminal(in)
	if f.from == 0 && interactive {
		if n, err := progress.Load(name); err == nil && n > 1 && n < len(script.Steps) {
			fmt.Fprintf(out, "(last time you stopped at step %d: mesoscope walk %s --from %d)\n\n", n, name, n)
		}
	}
	p := walkthroughs.NewPlayer(script, walkthroughs.PlayerOptions{Lang: lang, MesosSrc: f.mesosSrc, Trace: f.trace})
	defer func() {
		if err := p.Close(); err != nil {
			fmt.Fprintln(cmd.ErrOrStderr(), "mesoscope: walk:", err)
		}
	}()
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	last := 0
	save := func(step int) {
		last = step
		if err := progress.Save(name, step); err != nil {
			fmt.Fprintln(cmd.ErrOrStderr(), "mesoscope: walk:", err)
		}
	}
	if f.tui {
		if !interactive || !isTerminal(os.Stdout) {
			return errors.New("walk: --tui needs a terminal")
		}
		err = walkthroughs.WalkTUI(ctx, p, walkthroughs.TUIOptions{From: f.from, Progress: save})
	} else {
		err = walkthroughs.Walk(ctx, p, in, out, walkthroughs.WalkOptions{From: f.from, Interactive: interactive, Progress: save})
	}
	if n := p.Drifted(); n > 0 {
		fmt.Fprintf(out, "(%d outputs differ from the recorded ones; `go test ./walkthroughs` shows where)\n", n)
	}
	switch {
	case errors.Is(err, walkthroughs.ErrQuit), errors.Is(err, context.Canceled):
		fmt.Fprintf(out, "\nresume with: mesoscope walk %s --from %d\n", name, max(last, 1))
		return nil
	case err != nil:
		return fmt.Errorf("walk %s: %w", name, err)
	}
	return nil
}

// isTerminal reports whether r is a terminal: a character device other than
// /dev/null, with TERM not "dumb".
func isTerminal(r io.Reader) bool {
	file, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 || strings.EqualFold(os.Getenv("TERM"), "dumb") {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(st, null) {
		return false
	}
	return true
}
