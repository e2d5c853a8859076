package inspector

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// This file holds the canonical renderings of events, calls, Marathon objects and
// explanations.

// DescribeEvent renders an operator API event.
func DescribeEvent(e Event) string {
	switch {
	case e.State != nil:
		s := fmt.Sprintf("event %s heartbeat %s", e.Type, e.HeartbeatInterval)
		return s + "\n" + indent(DescribeState(e.State))
	case e.Task != nil:
		return fmt.Sprintf("event %s\n%s", e.Type, indent(DescribeTask(*e.Task)))
	case e.Status != nil:
		s := fmt.Sprintf("event %s framework %s task_state %s", e.Type, orDash(e.FrameworkID), orDash(e.TaskState))
		return s + "\n" + indent(DescribeTaskStatus(*e.Status))
	case e.Agent != nil:
		return fmt.Sprintf("event %s\n%s", e.Type, indent(DescribeAgent(*e.Agent)))
	case e.AgentID != "":
		return fmt.Sprintf("event %s agent %s", e.Type, e.AgentID)
	case e.Framework != nil:
		return fmt.Sprintf("event %s\n%s", e.Type, indent(DescribeFramework(*e.Framework)))
	case e.HeartbeatInterval != 0:
		return fmt.Sprintf("event %s heartbeat %s", e.Type, e.HeartbeatInterval)
	}
	return "event " + e.Type
}

// DescribeSchedulerEvent renders a scheduler API event.
func DescribeSchedulerEvent(e SchedulerEvent) string {
	var b strings.Builder
	fmt.Fprintf(&b, "scheduler-event %s", e.Type)
	if e.FrameworkID != "" {
		fmt.Fprintf(&b, " framework %s", e.FrameworkID)
	}
	if e.HeartbeatInterval != 0 {
		fmt.Fprintf(&b, " heartbeat %s", e.HeartbeatInterval)
	}
	if e.OfferID != "" {
		fmt.Fprintf(&b, " offer %s", e.OfferID)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	for _, o := range e.Offers {
		b.WriteString("\n  " + DescribeOffer(o))
	}
	if e.Status != nil {
		b.WriteString("\n  " + DescribeTaskStatus(*e.Status))
	}
	return b.String()
}

// DescribeCall renders an API call body.
func DescribeCall(c Call) string {
	s := "call " + c.Type
	if c.Framework != nil {
		s += "\n" + indent(DescribeFramework(*c.Framework))
	}
	return s
}

// DescribeMarathonApp renders the placement-relevant part of a Marathon app.
func DescribeMarathonApp(a MarathonApp) string {
	var d describer
	d.head("app %s instances %d demand %s", a.ID, a.Instances, a.Demand())
	d.line("role", a.Role)
	d.line("accepted", strings.Join(a.AcceptedResourceRoles, ","))
	d.line("constraints", formatConstraints(a.Constraints))
	d.line("image", a.Image)
	d.line("cmd", a.Cmd)
	d.line("version", a.Version)
	return d.String()
}

// DescribeMarathonQueueItem renders one /v2/queue entry with its funnel.
func DescribeMarathonQueueItem(q MarathonQueueItem) string {
	var d describer
	state := "waiting"
	if !q.Overdue {
		state = fmt.Sprintf("delayed %.0fs", q.TimeLeftSeconds)
	}
	d.head("queued %s count %d %s since %s", q.App.ID, q.Count, state, FormatTime(q.Since))
	d.line("app", strings.TrimPrefix(DescribeMarathonApp(q.App), "app "))
	d.line("offers", fmt.Sprintf("processed %d unused %d last-unused %s last-used %s",
		q.ProcessedOffers, q.UnusedOffers, FormatTime(q.LastUnusedOfferAt), FormatTime(q.LastUsedOfferAt)))
	for _, st := range q.RejectLastOffers {
		d.line("last-offers", fmt.Sprintf("%-32s declined %d of %d", st.Reason, st.Declined, st.Processed))
	}
	for _, st := range q.RejectLaunchAttempt {
		d.line("launch", fmt.Sprintf("%-32s declined %d of %d", st.Reason, st.Declined, st.Processed))
	}
	for _, mo := range q.LastUnusedOffers {
		d.line("unused", fmt.Sprintf("%s %s %s: %s", FormatTime(mo.Timestamp), orDash(mo.Offer.Hostname), mo.Offer.Resources, strings.Join(mo.Reasons, ",")))
	}
	return d.String()
}

// DescribeMarathonTask renders a /v2/tasks entry.
func DescribeMarathonTask(t MarathonTask) string {
	return fmt.Sprintf("marathon-task %s app %s %s host %s agent %s ports %v started %s",
		t.ID, t.AppID, orDash(t.State), orDash(t.Host), orDash(t.AgentID), t.Ports, FormatTime(t.StartedAt))
}

// DescribeMarathonEvent renders a /v2/events event.
func DescribeMarathonEvent(e MarathonEvent) string {
	s := fmt.Sprintf("marathon-event %s %s", FormatTime(e.Timestamp), e.Event)
	for _, kv := range [][2]string{{"app", e.AppID}, {"task", e.TaskID}, {"status", e.Status}, {"host", e.Host}, {"agent", e.AgentID}} {
		if kv[1] != "" {
			s += " " + kv[0] + " " + kv[1]
		}
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// DescribeExplanation renders an explanation: the one-sentence answer, which half
// produced it, then the causes, the DRF order, the agents and Marathon's funnel as
// aligned tables.
func DescribeExplanation(e *Explanation) string {
	var b strings.Builder
	b.WriteString(e.Summary)
	b.WriteString("\n\nanswered by: ")
	for i, s := range e.Sources {
		if i > 0 {
			b.WriteString("; also ")
		}
		b.WriteString(s.Describe())
	}
	if e.Demand != nil {
		fmt.Fprintf(&b, "\ndemand per instance: %s", e.Demand)
	}
	b.WriteString("\n")
	tw := func(title string, header string, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, header)
		for _, r := range rows {
			fmt.Fprintln(w, strings.Join(r, "\t"))
		}
		w.Flush()
	}
	var rows [][]string
	for _, c := range e.Causes {
		rows = append(rows, []string{c.Code, string(c.Source), c.Text})
	}
	tw("causes", "CAUSE\tFROM\tDETAIL", rows)
	rows = nil
	for _, r := range e.DRF {
		mark := ""
		if r.Subject {
			mark = "<-"
		}
		share := fmt.Sprintf("%.4f", r.Share)
		if !r.Measured {
			share += "~"
		}
		filters := "-"
		if r.OfferFilters >= 0 {
			filters = fmt.Sprint(r.OfferFilters)
		}
		rows = append(rows, []string{fmt.Sprint(r.Position), r.Role, FormatScalar(r.Weight), share, fmt.Sprint(r.Frameworks), filters, orDash(r.Quota), mark})
	}
	tw("DRF order (share ~ = estimated from allocation)", "#\tROLE\tWEIGHT\tSHARE\tFRAMEWORKS\tFILTERS\tQUOTA\t", rows)
	rows = nil
	for _, a := range e.Agents {
		rows = append(rows, []string{a.Hostname, a.AgentID, yesNo(a.Fits, "yes", "no"), a.Free.String(), strings.Join(a.Why, "; ")})
	}
	tw(fmt.Sprintf("agents (%d of %d fit; showing %d)", e.AgentsFit, e.AgentsTotal, len(e.Agents)), "HOST\tAGENT\tFITS\tFREE FOR ROLE\tWHY NOT", rows)
	rows = nil
	for _, st := range e.Funnel {
		rows = append(rows, []string{st.Reason, fmt.Sprint(st.Processed), fmt.Sprint(st.Declined), fmt.Sprint(st.Processed - st.Declined)})
	}
	tw("Marathon offer funnel (last offer per agent)", "REASON\tPROCESSED\tDECLINED\tPASSED", rows)
	rows = nil
	for _, mo := range e.LastUnusedOffers {
		rows = append(rows, []string{orDash(mo.Offer.Hostname), orDash(mo.Offer.AgentID), FormatTime(mo.Timestamp), strings.Join(mo.Reasons, ",")})
	}
	tw("Marathon last unused offers", "HOST\tAGENT\tAT\tREASONS", rows)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
