package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/inspector"
)

// inspectFlags are the connection and output flags shared by inspect and why.
type inspectFlags struct {
	master      string
	output      string
	watch       time.Duration
	marathon    string
	principal   string
	secret      string
	credentials string
	caFile      string
	insecure    bool
	timeout     time.Duration
	bundle      string
	bundleTaken time.Time // the bundle's TakenAt, once client() has read it
	// httpClient, when set, carries a live client's requests (tests freeze
	// a cluster's answers with it); a bundle ignores it.
	httpClient *http.Client
}

func (f *inspectFlags) register(cmd *cobra.Command) {
	defMaster := os.Getenv("MESOS_MASTER")
	if defMaster == "" {
		defMaster = inspector.DefaultMaster
	}
	fl := cmd.PersistentFlags()
	fl.StringVar(&f.master, "master", defMaster, "any Mesos master's URL; the leader is followed (default from $MESOS_MASTER)")
	fl.StringVarP(&f.output, "output", "o", "table", "output format: table|wide|json|csv|markdown")
	fl.DurationVar(&f.watch, "watch", 0, "refresh every interval (e.g. 2s) until interrupted")
	fl.StringVar(&f.marathon, "marathon", os.Getenv("MARATHON_URL"), "Marathon URL, for apps' launch queue (default from $MARATHON_URL; with --bundle, the Marathon saved in the bundle)")
	fl.StringVar(&f.principal, "principal", "", "principal for HTTP basic authentication")
	fl.StringVar(&f.secret, "secret", "", "secret for HTTP basic authentication")
	fl.StringVar(&f.credentials, "credentials", "", "Mesos credentials file (JSON or \"principal secret\" lines) instead of --principal/--secret")
	fl.StringVar(&f.caFile, "ca-file", "", "PEM CA bundle to verify the master's TLS certificate")
	fl.BoolVar(&f.insecure, "insecure", false, "skip TLS certificate verification")
	fl.DurationVar(&f.timeout, "timeout", inspector.DefaultTimeout, "timeout of each request")
	fl.StringVar(&f.bundle, "bundle", "", "read the bundle `FILE` (from mesoscope snapshot save) instead of a live master")
}

// client builds an inspector client from the flags. With --bundle it reads the
// bundle, and the Marathon it reads is the one saved in the bundle (none when
// the bundle was saved without --marathon): a bundle answers nothing else.
func (f *inspectFlags) client() (*inspector.Client, error) {
	if f.bundle != "" {
		c, b, err := bundleClient(f.bundle)
		if err != nil {
			return nil, err
		}
		f.marathon = b.Manifest.Marathon
		f.bundleTaken = b.Manifest.TakenAt
		return c, nil
	}
	principal, secret := f.principal, f.secret
	if f.credentials != "" {
		p, s, err := inspector.LoadCredentials(f.credentials)
		if err != nil {
			return nil, err
		}
		principal, secret = p, s
	}
	return inspector.New(inspector.Config{
		Master:     f.master,
		Principal:  principal,
		Secret:     secret,
		CAFile:     f.caFile,
		Insecure:   f.insecure,
		Timeout:    f.timeout,
		HTTPClient: f.httpClient,
	})
}

func (f *inspectFlags) renderOptions(w io.Writer) (inspector.RenderOptions, error) {
	format, err := inspector.ParseFormat(f.output)
	if err != nil {
		return inspector.RenderOptions{}, err
	}
	return inspector.RenderOptions{Format: format, Color: stdoutIsTerminal(w)}, nil
}

// stdoutIsTerminal reports whether w is a character device and colour is not disabled
// by NO_COLOR.
func stdoutIsTerminal(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// source names where the data comes from, for error messages: the bundle file when
// --bundle is set, else the master URL.
func (f *inspectFlags) source() string {
	if f.bundle != "" {
		return "bundle " + f.bundle
	}
	return f.master
}

// friendly is friendlyError for where the flags read from.
func (f *inspectFlags) friendly(err error) error {
	if f.bundle != "" && err != nil && !errors.As(err, new(*marathonError)) {
		var he *inspector.HTTPError
		if errors.As(err, &he) && he.Status == http.StatusNotFound {
			return fmt.Errorf("bundle %s does not hold what this reads (save a new one with mesoscope snapshot save): %w", f.bundle, err)
		}
		return fmt.Errorf("bundle %s: %w", f.bundle, err)
	}
	return friendlyError(f.source(), err)
}

// marathonError is a failure to read Marathon, which friendlyError must not
// blame on the Mesos master.
type marathonError struct {
	url string
	err error
}

func (e *marathonError) Error() string { return "marathon at " + e.url + ": " + e.err.Error() }
func (e *marathonError) Unwrap() error { return e.err }

// friendlyError turns the inspector's error kinds into messages that say what to
// check; the wrapped error keeps the detail.
func friendlyError(master string, err error) error {
	var me *marathonError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &me):
		switch {
		case errors.Is(err, inspector.ErrUnreachable):
			return fmt.Errorf("cannot reach Marathon at %s (check --marathon or $MARATHON_URL): %w", me.url, err)
		case errors.Is(err, inspector.ErrNotMesos), errors.Is(err, inspector.ErrNotSupported):
			return fmt.Errorf("%s does not look like Marathon (check --marathon or $MARATHON_URL): %w", me.url, err)
		case errors.Is(err, inspector.ErrUnauthorized):
			return fmt.Errorf("authentication failed at Marathon %s: %w", me.url, err)
		}
		return err
	case errors.Is(err, inspector.ErrUnauthorized):
		return fmt.Errorf("authentication failed at %s (check --principal/--secret or --credentials): %w", master, err)
	case errors.Is(err, inspector.ErrNoLeader):
		return fmt.Errorf("no leading Mesos master at %s (no leader elected, or the leader is still recovering): %w", master, err)
	case errors.Is(err, inspector.ErrNotMesos):
		return fmt.Errorf("%s does not look like a Mesos master: %w", master, err)
	case errors.Is(err, inspector.ErrUnreachable):
		return fmt.Errorf("cannot reach the Mesos master at %s (check --master or $MESOS_MASTER): %w", master, err)
	case errors.Is(err, inspector.ErrTooLarge):
		return fmt.Errorf("response from %s too large: %w", master, err)
	}
	return err
}

// runWatch runs once, or every f.watch until interrupted.
func (f *inspectFlags) runWatch(cmd *cobra.Command, once func(ctx context.Context, w io.Writer) error) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	w := cmd.OutOrStdout()
	if f.watch <= 0 {
		return f.friendly(once(ctx, w))
	}
	tick := time.NewTicker(f.watch)
	defer tick.Stop()
	for {
		// select picks at random among ready cases: an interrupt that
		// arrives with a tick must still stop the loop.
		if ctx.Err() != nil {
			return nil
		}
		if stdoutIsTerminal(w) {
			fmt.Fprint(w, "\033[H\033[2J")
		}
		fmt.Fprintf(w, "# %s every %s (Ctrl-C to stop)\n", time.Now().UTC().Format(time.RFC3339), f.watch)
		if err := once(ctx, w); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "mesoscope:", f.friendly(err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// newInspectCommand builds `mesoscope inspect <kind> [id]`.
func newInspectCommand() *cobra.Command { return newInspectCommandWith(&inspectFlags{}) }

// inspectRun runs one kind of `inspect`: output to w, warnings to errW.
type inspectRun func(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error

// newInspectCommandWith builds `mesoscope inspect` filling f.
func newInspectCommandWith(f *inspectFlags) *cobra.Command {
	var prefix string
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "Show agents, frameworks, tasks, roles, offers, actors, containers or metrics of a Mesos master",
		Long: `inspect reads any Mesos master (0.28–1.11, or mesoscope's own) over its HTTP APIs and
prints what it finds as a table, or, given an id, the object's full description.

It follows the leading master from whichever master --master names, and never changes
anything on the cluster. With --bundle FILE it reads a bundle saved by 'mesoscope snapshot
save' instead, and prints what it printed live.`,
		Example: `  mesoscope inspect agents --master http://mesos.example.com:5050
  mesoscope inspect tasks -o wide
  mesoscope inspect frameworks marathon
  mesoscope inspect metrics --prefix allocator/ --watch 2s`,
	}
	f.register(cmd)
	kinds := []struct {
		name, short string
		run         inspectRun
	}{
		{"agents", "List agents, or describe one (by id or hostname)", inspectAgents},
		{"frameworks", "List frameworks, or describe one (by id or name)", inspectFrameworks},
		{"tasks", "List tasks, or describe one (by id)", inspectTasks},
		{"roles", "List roles with weights, DRF shares and quota, or describe one", inspectRoles},
		{"offers", "List outstanding offers, or describe one", inspectOffers},
		{"actors", "List libprocess actors by queue depth (/__processes__), or describe one", inspectActors},
		{"containers", "List containers on every agent (/containers), or describe one", inspectContainers},
		{"metrics", "List metrics (GET_METRICS, else /metrics/snapshot), or those under a prefix", func(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error {
			p := prefix
			if len(args) > 0 {
				p = args[0]
			}
			return inspectMetrics(ctx, c, w, errW, opt, p)
		}},
	}
	for _, k := range kinds {
		sub := &cobra.Command{
			Use:   k.name + " [id]",
			Short: k.short,
			Args:  cobra.MaximumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				c, err := f.client()
				if err != nil {
					return err
				}
				opt, err := f.renderOptions(cmd.OutOrStdout())
				if err != nil {
					return err
				}
				return f.runWatch(cmd, func(ctx context.Context, w io.Writer) error {
					return k.run(ctx, c, w, cmd.ErrOrStderr(), opt, args)
				})
			},
		}
		if k.name == "metrics" {
			sub.Flags().StringVar(&prefix, "prefix", "", "only metrics whose name starts with this (e.g. allocator/)")
		}
		cmd.AddCommand(sub)
	}
	return cmd
}

// inspectSnapshot reads the master with the parts a kind needs.
func inspectSnapshot(ctx context.Context, c *inspector.Client, opt inspector.SnapshotOptions) (*inspector.Snapshot, error) {
	snap, err := c.Snapshot(ctx, opt)
	if err != nil {
		return nil, err
	}
	return snap, nil
}

func inspectDescribeOne(w io.Writer, opt inspector.RenderOptions, v any, text string) error {
	if opt.Format == inspector.FormatJSON {
		return writeInspectJSON(w, v)
	}
	_, err := fmt.Fprintln(w, text)
	return err
}

func inspectNotFound(kind, id string) error {
	return fmt.Errorf("no %s %q", kind, id)
}

func inspectAgents(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error {
	snap, err := inspectSnapshot(ctx, c, inspector.SnapshotOptions{Summary: len(args) == 0, SkipProcesses: true, SkipRoles: true, SkipMetrics: true})
	if err != nil {
		return err
	}
	if len(args) == 1 {
		a, ok := inspector.NewIndex(snap).Agent(args[0])
		if !ok {
			return inspectNotFound("agent", args[0])
		}
		return inspectDescribeOne(w, opt, a, inspector.DescribeAgent(*a))
	}
	return inspector.RenderAgents(w, snap.Agents, opt)
}

func inspectFrameworks(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error {
	snap, err := inspectSnapshot(ctx, c, inspector.SnapshotOptions{SkipProcesses: true, SkipRoles: true})
	if err != nil {
		return err
	}
	if len(args) == 1 {
		fw, ok := inspector.NewIndex(snap).Framework(args[0])
		if !ok {
			return inspectNotFound("framework", args[0])
		}
		return inspectDescribeOne(w, opt, fw, inspector.DescribeFramework(*fw))
	}
	return inspector.RenderFrameworks(w, snap.Frameworks, opt)
}

func inspectTasks(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error {
	snap, err := inspectSnapshot(ctx, c, inspector.SnapshotOptions{SkipProcesses: true, SkipRoles: true, SkipMetrics: true})
	if err != nil {
		return err
	}
	if len(args) == 1 {
		ts := inspector.NewIndex(snap).Tasks(args[0])
		if len(ts) == 0 {
			return inspectNotFound("task", args[0])
		}
		texts := make([]string, len(ts))
		for i, t := range ts {
			texts[i] = inspector.DescribeTask(*t)
		}
		return inspectDescribeOne(w, opt, ts, strings.Join(texts, "\n"))
	}
	return inspector.RenderTasks(w, snap.Tasks, opt)
}

func inspectRoles(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error {
	snap, err := inspectSnapshot(ctx, c, inspector.SnapshotOptions{Summary: true, SkipProcesses: true})
	if err != nil {
		return err
	}
	if len(args) == 1 {
		r, ok := inspector.NewIndex(snap).Role(args[0])
		if !ok {
			return inspectNotFound("role", args[0])
		}
		return inspectDescribeOne(w, opt, r, inspector.DescribeRole(*r))
	}
	return inspector.RenderRoles(w, snap.Roles, opt)
}

func inspectOffers(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error {
	snap, err := inspectSnapshot(ctx, c, inspector.SnapshotOptions{SkipProcesses: true, SkipRoles: true, SkipMetrics: true})
	if err != nil {
		return err
	}
	if len(args) == 1 {
		o, ok := inspector.NewIndex(snap).Offer(args[0])
		if !ok {
			return inspectNotFound("offer", args[0])
		}
		return inspectDescribeOne(w, opt, o, inspector.DescribeOffer(*o))
	}
	return inspector.RenderOffers(w, snap.Offers, opt)
}

func inspectActors(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error {
	actors, err := c.Processes(ctx)
	if err != nil {
		return err
	}
	// On mesoscope, the runtime's own statistics add the oldest event's age, the
	// events handled and the busy time (a real Mesos has none: nothing to add).
	if c.HasMesoscope(ctx) {
		if err := c.MesoscopeProcessStats(ctx, actors); err != nil {
			fmt.Fprintln(errW, "warning: mesoscope process statistics:", err)
		}
	}
	if len(args) == 1 {
		for _, a := range actors {
			if a.ID == args[0] {
				return inspectDescribeOne(w, opt, a, inspector.DescribeActor(a))
			}
		}
		return inspectNotFound("actor", args[0])
	}
	return inspector.RenderActors(w, actors, opt)
}

func inspectContainers(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, args []string) error {
	snap, err := inspectSnapshot(ctx, c, inspector.SnapshotOptions{Agents: true, SkipProcesses: true, SkipRoles: true, SkipMetrics: true})
	if err != nil {
		return err
	}
	for _, warning := range snap.Warnings {
		fmt.Fprintln(errW, "warning:", warning)
	}
	if len(args) == 1 {
		for _, ct := range snap.Containers {
			if ct.ID == args[0] {
				return inspectDescribeOne(w, opt, ct, inspector.DescribeContainer(ct))
			}
		}
		return inspectNotFound("container", args[0])
	}
	return inspector.RenderContainers(w, snap.Containers, opt)
}

func inspectMetrics(ctx context.Context, c *inspector.Client, w, _ io.Writer, opt inspector.RenderOptions, prefix string) error {
	m, err := c.Metrics(ctx)
	if err != nil {
		return err
	}
	return inspector.RenderMetrics(w, inspector.MetricRows(m, prefix), opt)
}
