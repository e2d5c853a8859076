package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/inspector"
)

// newWhyCommand builds `mesoscope why <framework|role|app>`.
func newWhyCommand() *cobra.Command { return newWhyCommandWith(&inspectFlags{}) }

// newWhyCommandWith builds `mesoscope why` filling f.
func newWhyCommandWith(f *inspectFlags) *cobra.Command {
	var kind, role, demand string
	cmd := &cobra.Command{
		Use:   "why <framework|role|app>",
		Short: "Explain why a framework, role or Marathon app is not getting offers or not launching",
		Long: `why answers "why is this waiting?" in one sentence, then shows the evidence.

On any Mesos master the answer is best-effort: it is inferred from /master/state,
/master/roles and the allocator's metrics (DRF shares, offer filters, suppression,
quota) and from which agents could fit the demand. Against mesoscope's own master the
allocator's recorded decisions give the exact answer. With --marathon, an app's launch
queue adds Marathon's side (its offer funnel), and its /v2/info which framework it is.
The output says which half answered. With --bundle, everything comes from the bundle,
Marathon's side too when it was saved with 'snapshot save --marathon'.

The argument is resolved in this order unless --kind says otherwise: an app when it
starts with "/" (or is in Marathon's queue), else a framework id or name, else a role.`,
		Example: `  mesoscope why marathon
  mesoscope why web --kind role --demand "cpus:2;mem:4096"
  mesoscope why /foo --marathon http://marathon.example.com:8080
  mesoscope why /foo --bundle cluster.tar.gz`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.client()
			if err != nil {
				return err
			}
			opt, err := f.renderOptions(cmd.OutOrStdout())
			if err != nil {
				return err
			}
			var d *inspector.Demand
			if demand != "" {
				parsed, err := inspector.ParseDemand(demand)
				if err != nil {
					return fmt.Errorf("--demand: %w", err)
				}
				parsed.Role = role
				d = &parsed
			}
			return f.runWatch(cmd, func(ctx context.Context, w io.Writer) error {
				return runWhy(ctx, c, w, cmd.ErrOrStderr(), opt, f.marathon, args[0], kind, role, d)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&kind, "kind", "auto", "what the argument names: auto|framework|role|app")
	cmd.Flags().StringVar(&role, "role", "", "explain for this role only (default: the framework's or app's roles)")
	cmd.Flags().StringVar(&demand, "demand", "", `what one instance needs on one agent, e.g. "cpus:1;mem:512;ports:2" (default: the app's, else the master's min_allocatable_resources)`)
	return cmd
}

// runWhy explains arg: output to w, warnings about parts it could not read to
// errW (so -o json stays JSON).
func runWhy(ctx context.Context, c *inspector.Client, w, errW io.Writer, opt inspector.RenderOptions, marathonURL, arg, kind, role string, d *inspector.Demand) error {
	// Marathon first, the master second: the master's view is then never
	// older than Marathon's, so an offer Marathon has processed comes from an
	// agent the master's state already lists (read the other way round, a
	// cluster that is starting could show Marathon's declines next to "no
	// agent registered").
	var (
		queue             []inspector.MarathonQueueItem
		info              inspector.MarathonInfo
		queueErr, infoErr error
	)
	if marathonURL == "" && (kind == "app" || (kind == "auto" || kind == "") && strings.HasPrefix(arg, "/")) {
		// An app's demand and funnel are Marathon's: find it through the webui_url
		// its framework registered with (Marathon sets it to its own URL).
		if u, name := discoverMarathon(ctx, c, arg); u != "" {
			fmt.Fprintf(errW, "note: reading Marathon at %s (framework %s's webui_url); --marathon URL chooses another\n", u, name)
			marathonURL = u
		}
	}
	if marathonURL != "" {
		queue, queueErr = c.MarathonQueue(ctx, marathonURL)
		if queueErr == nil {
			// /v2/info names Marathon's framework (it need not be "marathon");
			// without it the framework is looked up by that name.
			info, infoErr = c.MarathonInfo(ctx, marathonURL)
		}
	}
	snap, err := c.Snapshot(ctx, inspector.SnapshotOptions{SkipProcesses: true})
	if err != nil {
		return err
	}
	if queueErr != nil {
		return &marathonError{url: marathonURL, err: queueErr}
	}
	if infoErr != nil {
		snap.Warnings = append(snap.Warnings, "marathon info: "+infoErr.Error())
	}
	q := inspector.Query{Role: role, Demand: d}
	switch kind {
	case "framework":
		q.Framework = arg
	case "role":
		q.Role = arg
	case "app":
		q.App = arg
	case "auto", "":
		q = resolveWhy(snap, queue, arg, q)
	default:
		return fmt.Errorf("--kind %q: want auto, framework, role or app", kind)
	}
	if q.App != "" && q.Framework == "" {
		if _, ok := inspector.NewIndex(snap).Framework(info.FrameworkID); ok && info.FrameworkID != "" {
			q.Framework = info.FrameworkID
		} else if info.FrameworkName != "" {
			q.Framework = info.FrameworkName
		}
	}
	e, err := inspector.ExplainWith(ctx, c, snap, q, queue)
	if err != nil {
		if errors.Is(err, inspector.ErrNotSupported) {
			e, err = inspector.Explain(snap, q, queue)
		}
		if err != nil {
			return err
		}
	}
	for _, warning := range snap.Warnings {
		fmt.Fprintln(errW, "warning:", warning)
	}
	if opt.Format == inspector.FormatJSON {
		return writeInspectJSON(w, e)
	}
	_, err = fmt.Fprintln(w, inspector.DescribeExplanation(e))
	return err
}

// discoverMarathon returns the URL of the Marathon that runs app among the master's
// frameworks, and that framework's name: the webui_url (Marathon registers its own
// URL there) of an active framework whose name contains "marathon" and whose
// /v2/queue answers, preferring one that has app queued; "" when none answers.
func discoverMarathon(ctx context.Context, c *inspector.Client, app string) (url, name string) {
	st, err := c.Frameworks(ctx)
	if err != nil {
		return "", ""
	}
	app = "/" + strings.TrimPrefix(app, "/")
	for _, f := range st.Frameworks {
		if !f.Active || f.WebUIURL == "" || !strings.Contains(strings.ToLower(f.Name), "marathon") {
			continue
		}
		u := strings.TrimSuffix(f.WebUIURL, "/")
		queue, err := c.MarathonQueue(ctx, u)
		if err != nil {
			continue
		}
		if url == "" {
			url, name = u, f.Name
		}
		if slices.ContainsFunc(queue, func(q inspector.MarathonQueueItem) bool { return q.App.ID == app }) {
			return u, f.Name
		}
	}
	return url, name
}

// resolveWhy decides what arg names: an app, a framework, or a role.
func resolveWhy(snap *inspector.Snapshot, queue []inspector.MarathonQueueItem, arg string, q inspector.Query) inspector.Query {
	if strings.HasPrefix(arg, "/") {
		q.App = arg
		return q
	}
	ix := inspector.NewIndex(snap)
	if _, ok := ix.Framework(arg); ok {
		q.Framework = arg
		return q
	}
	for _, it := range queue {
		if it.App.ID == "/"+arg {
			q.App = arg
			return q
		}
	}
	if _, ok := ix.Role(arg); ok {
		q.Role = arg
		return q
	}
	// Unknown: report it as a framework, which says so clearly.
	q.Framework = arg
	return q
}

func writeInspectJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
