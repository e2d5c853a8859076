package inspector

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// MarathonFunnel returns Marathon's decline reasons in its funnel order
// (mesosphere/marathon NoOfferMatchReason.reasonFunnel): an unmatched offer is
// charged to the first reason in this order that it fails.
func MarathonFunnel() []string { return slices.Clone(marathonFunnel[:]) }

var marathonFunnel = [...]string{
	"UnfulfilledRole",
	"UnfulfilledConstraint",
	"NoCorrespondingReservationFound",
	"AgentMaintenance",
	"InsufficientCpus",
	"InsufficientMemory",
	"InsufficientDisk",
	"InsufficientGpus",
	"InsufficientPorts",
	"DeclinedScarceResources",
}

// FunnelStep is one Marathon DeclinedOfferStep: of Processed offers that reached
// this step, Declined were rejected for Reason.
type FunnelStep struct {
	Reason    string `json:"reason"`
	Declined  int    `json:"declined"`
	Processed int    `json:"processed"`
}

// MarathonOffer is one entry of lastUnusedOffers: the last offer from an agent and
// every reason it did not match.
type MarathonOffer struct {
	Offer     Offer     `json:"offer"`
	Reasons   []string  `json:"reasons"`
	Timestamp time.Time `json:"timestamp,omitzero"`
}

// MarathonApp is the part of a Marathon app (or pod) definition that decides where it
// can launch.
type MarathonApp struct {
	ID        string  `json:"id"`
	Instances int     `json:"instances"`
	CPUs      float64 `json:"cpus"`
	Mem       float64 `json:"mem"`
	Disk      float64 `json:"disk"`
	GPUs      float64 `json:"gpus,omitempty"`
	// Ports lists the requested host ports; 0 means "any port". With
	// RequirePorts false Marathon treats non-zero ports as service ports and
	// still needs one arbitrary host port each.
	Ports        []int `json:"ports,omitempty"`
	RequirePorts bool  `json:"require_ports,omitempty"`
	// Constraints are Marathon constraints: [field, operator, value?].
	Constraints           [][]string `json:"constraints,omitempty"`
	AcceptedResourceRoles []string   `json:"accepted_resource_roles,omitempty"`
	Role                  string     `json:"role,omitempty"`
	Cmd                   string     `json:"cmd,omitempty"`
	Image                 string     `json:"image,omitempty"`
	Version               string     `json:"version,omitempty"`
}

// Demand returns what one instance needs from a single agent.
func (a MarathonApp) Demand() Demand {
	d := Demand{Role: a.Role}
	d.Resources.CPUs, d.Resources.Mem, d.Resources.Disk, d.Resources.GPUs = a.CPUs, a.Mem, a.Disk, a.GPUs
	for _, p := range a.Ports {
		if a.RequirePorts && p != 0 {
			d.Resources.Ports = d.Resources.Ports.Union(Ranges{{uint64(p), uint64(p)}})
		} else {
			d.PortCount++
		}
	}
	d.Constraints = slices.Clone(a.Constraints)
	d.AcceptedRoles = slices.Clone(a.AcceptedResourceRoles)
	return d
}

// MarathonQueueItem is one entry of Marathon's GET /v2/queue: a run spec with
// instances still to launch and why offers did not match.
type MarathonQueueItem struct {
	App   MarathonApp `json:"app"`
	Count int         `json:"count"`
	Role  string      `json:"role,omitempty"`
	Since time.Time   `json:"since,omitzero"`
	// Overdue true means the backoff is over and Marathon is waiting for a
	// matching offer ("Waiting"); false means it is backing off ("Delayed").
	Overdue         bool    `json:"overdue"`
	TimeLeftSeconds float64 `json:"time_left_seconds,omitempty"`

	ProcessedOffers   int       `json:"processed_offers"`
	UnusedOffers      int       `json:"unused_offers"`
	LastUnusedOfferAt time.Time `json:"last_unused_offer_at,omitzero"`
	LastUsedOfferAt   time.Time `json:"last_used_offer_at,omitzero"`
	// RejectLastOffers is the funnel over the last offer from each agent.
	RejectLastOffers []FunnelStep `json:"reject_summary_last_offers,omitempty"`
	// RejectLaunchAttempt is the funnel over all offers since the launch began.
	RejectLaunchAttempt []FunnelStep    `json:"reject_summary_launch_attempt,omitempty"`
	LastUnusedOffers    []MarathonOffer `json:"last_unused_offers,omitempty"`
}

// DecodeMarathonQueue decodes GET /v2/queue (with or without
// ?embed=lastUnusedOffers). The older shape (unusedOfferSummary.rejectReason with
// processedOfferCount) is converted to funnel steps in funnel order.
func DecodeMarathonQueue(data []byte) ([]MarathonQueueItem, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return nil, fmt.Errorf("decode marathon queue: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	var items []MarathonQueueItem
	found := false
	s.Object(func(k []byte) {
		if string(k) != "queue" {
			return
		}
		found = true
		s.Array(func(int) { items = append(items, readQueueItem(s)) })
	})
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode marathon queue: %w", err)
	}
	if !found {
		return nil, fmt.Errorf("decode marathon queue: %w: no \"queue\"", ErrNotMesos)
	}
	return items, nil
}

func readQueueItem(s *jsonscan.Scanner) MarathonQueueItem {
	var q MarathonQueueItem
	var oldReasons map[string]int
	s.Object(func(k []byte) {
		switch string(k) {
		case "app", "pod":
			q.App = readMarathonApp(s)
		case "count":
			n, _ := s.Int()
			q.Count = int(n)
		case "role":
			q.Role = s.String()
		case "since":
			q.Since = readTime(s)
		case "delay":
			s.Object(func(k []byte) {
				switch string(k) {
				case "overdue":
					q.Overdue = s.Bool()
				case "timeLeftSeconds":
					q.TimeLeftSeconds = readFinite(s)
				}
			})
		case "processedOffersSummary", "unusedOfferSummary":
			s.Object(func(k []byte) {
				switch string(k) {
				case "processedOffersCount", "processedOfferCount":
					n, _ := s.Int()
					q.ProcessedOffers = int(n)
				case "unusedOffersCount":
					n, _ := s.Int()
					q.UnusedOffers = int(n)
				case "lastUnusedOfferAt":
					q.LastUnusedOfferAt = readTime(s)
				case "lastUsedOfferAt":
					q.LastUsedOfferAt = readTime(s)
				case "rejectSummaryLastOffers":
					q.RejectLastOffers = readFunnel(s)
				case "rejectSummaryLaunchAttempt":
					q.RejectLaunchAttempt = readFunnel(s)
				case "rejectReason":
					oldReasons = map[string]int{}
					s.Object(func(k []byte) {
						n, _ := s.Int()
						oldReasons[string(k)] = int(n)
					})
				}
			})
		case "lastUnusedOffers":
			s.Array(func(int) {
				var mo MarathonOffer
				s.Object(func(k []byte) {
					switch string(k) {
					case "offer":
						mo.Offer = readOffer(s)
					case "reason":
						mo.Reasons = readStrings(s)
					case "timestamp":
						mo.Timestamp = readTime(s)
					}
				})
				q.LastUnusedOffers = append(q.LastUnusedOffers, mo)
			})
		}
	})
	if q.Role == "" {
		q.Role = q.App.Role
	}
	if q.App.Role == "" {
		q.App.Role = q.Role
	}
	if len(q.RejectLastOffers) == 0 && oldReasons != nil {
		q.RejectLastOffers = funnelFromCounts(q.ProcessedOffers, oldReasons)
	}
	return q
}

// funnelFromCounts builds funnel steps from per-reason decline counts.
func funnelFromCounts(processed int, counts map[string]int) []FunnelStep {
	var out []FunnelStep
	left := processed
	for _, r := range marathonFunnel {
		n, ok := counts[r]
		if !ok {
			continue
		}
		out = append(out, FunnelStep{Reason: r, Declined: n, Processed: left})
		left -= n
	}
	return out
}

func readFunnel(s *jsonscan.Scanner) []FunnelStep {
	var out []FunnelStep
	s.Array(func(int) {
		var st FunnelStep
		s.Object(func(k []byte) {
			switch string(k) {
			case "reason":
				st.Reason = s.String()
			case "declined":
				n, _ := s.Int()
				st.Declined = int(n)
			case "processed":
				n, _ := s.Int()
				st.Processed = int(n)
			}
		})
		out = append(out, st)
	})
	return out
}

// DecodeMarathonApp decodes GET /v2/apps/{id} (bare or wrapped in {"app": ...}).
func DecodeMarathonApp(data []byte) (MarathonApp, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return MarathonApp{}, fmt.Errorf("decode marathon app: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	raw := s.Raw()
	inner := jsonscan.New(raw)
	var wrapped []byte
	inner.Object(func(k []byte) {
		if string(k) == "app" {
			wrapped = inner.Raw()
		}
	})
	if wrapped != nil {
		raw = wrapped
	}
	if err := s.Finish(); err != nil {
		return MarathonApp{}, fmt.Errorf("decode marathon app: %w", err)
	}
	app := readMarathonApp(jsonscan.New(raw))
	if app.ID == "" {
		return MarathonApp{}, fmt.Errorf("decode marathon app: %w: no \"id\"", ErrNotMesos)
	}
	return app, nil
}

// DecodeMarathonApps decodes GET /v2/apps ({"apps": [...]}), in Marathon's
// order.
func DecodeMarathonApps(data []byte) ([]MarathonApp, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return nil, fmt.Errorf("decode marathon apps: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	apps := []MarathonApp{}
	found := false
	s.Object(func(k []byte) {
		if string(k) != "apps" {
			return
		}
		found = true
		s.Array(func(int) { apps = append(apps, readMarathonApp(s)) })
	})
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode marathon apps: %w", err)
	}
	if !found {
		return nil, fmt.Errorf("decode marathon apps: %w: no \"apps\"", ErrNotMesos)
	}
	for i, a := range apps {
		if a.ID == "" {
			return nil, fmt.Errorf("decode marathon apps: apps[%d]: no \"id\"", i)
		}
	}
	return apps, nil
}

func readMarathonApp(s *jsonscan.Scanner) MarathonApp {
	var a MarathonApp
	s.Object(func(k []byte) {
		switch string(k) {
		case "id":
			a.ID = s.String()
		case "instances":
			n, _ := s.Int()
			a.Instances = int(n)
		case "cpus":
			a.CPUs = readFinite(s)
		case "mem":
			a.Mem = readFinite(s)
		case "disk":
			a.Disk = readFinite(s)
		case "gpus":
			a.GPUs = readFinite(s)
		case "ports":
			s.Array(func(int) {
				n, _ := s.Int()
				a.Ports = append(a.Ports, int(n))
			})
		case "portDefinitions":
			s.Array(func(int) {
				s.Object(func(k []byte) {
					if string(k) == "port" {
						n, _ := s.Int()
						a.Ports = append(a.Ports, int(n))
					}
				})
			})
		case "requirePorts":
			a.RequirePorts = s.Bool()
		case "constraints":
			s.Array(func(int) { a.Constraints = append(a.Constraints, readStrings(s)) })
		case "acceptedResourceRoles":
			a.AcceptedResourceRoles = readStrings(s)
		case "role":
			a.Role = s.String()
		case "cmd":
			a.Cmd = s.String()
		case "version":
			a.Version = s.String()
		case "container":
			s.Object(func(k []byte) {
				if string(k) != "docker" {
					return
				}
				s.Object(func(k []byte) {
					switch string(k) {
					case "image":
						a.Image = s.String()
					case "portMappings":
						s.Array(func(int) {
							s.Object(func(k []byte) {
								if string(k) == "hostPort" {
									n, _ := s.Int()
									a.Ports = append(a.Ports, int(n))
								}
							})
						})
					}
				})
			})
		}
	})
	return a
}

// MarathonTask is one entry of GET /v2/tasks.
type MarathonTask struct {
	ID        string    `json:"id"`
	AppID     string    `json:"app_id"`
	Host      string    `json:"host"`
	AgentID   string    `json:"agent_id"`
	State     string    `json:"state,omitempty"`
	Ports     []int     `json:"ports,omitempty"`
	Role      string    `json:"role,omitempty"`
	StagedAt  time.Time `json:"staged_at,omitzero"`
	StartedAt time.Time `json:"started_at,omitzero"`
}

// DecodeMarathonTasks decodes GET /v2/tasks.
func DecodeMarathonTasks(data []byte) ([]MarathonTask, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return nil, fmt.Errorf("decode marathon tasks: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	var out []MarathonTask
	found := false
	s.Object(func(k []byte) {
		if string(k) != "tasks" {
			return
		}
		found = true
		s.Array(func(int) {
			var t MarathonTask
			s.Object(func(k []byte) {
				switch string(k) {
				case "id":
					t.ID = s.String()
				case "appId":
					t.AppID = s.String()
				case "host":
					t.Host = s.String()
				case "slaveId", "agentId":
					t.AgentID = s.String()
				case "state":
					t.State = s.String()
				case "role":
					t.Role = s.String()
				case "ports":
					s.Array(func(int) {
						n, _ := s.Int()
						t.Ports = append(t.Ports, int(n))
					})
				case "stagedAt":
					t.StagedAt = readTime(s)
				case "startedAt":
					t.StartedAt = readTime(s)
				}
			})
			out = append(out, t)
		})
	})
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode marathon tasks: %w", err)
	}
	if !found {
		return nil, fmt.Errorf("decode marathon tasks: %w: no \"tasks\"", ErrNotMesos)
	}
	return out, nil
}

// MarathonEvent is one event of Marathon's GET /v2/events server-sent-event stream.
type MarathonEvent struct {
	Event     string    `json:"event"`
	Timestamp time.Time `json:"timestamp,omitzero"`
	AppID     string    `json:"app_id,omitempty"`
	TaskID    string    `json:"task_id,omitempty"`
	AgentID   string    `json:"agent_id,omitempty"`
	Host      string    `json:"host,omitempty"`
	Status    string    `json:"task_status,omitempty"`
	Message   string    `json:"message,omitempty"`
}

// DecodeMarathonEvents decodes a captured server-sent-event stream ("event:" and
// "data:" lines, blank line between events).
func DecodeMarathonEvents(data []byte) ([]MarathonEvent, error) {
	var out []MarathonEvent
	var name string
	var payload []byte
	flush := func() error {
		if name == "" && payload == nil {
			return nil
		}
		e := MarathonEvent{Event: name}
		if payload != nil {
			s := newScanner(payload)
			s.Object(func(k []byte) {
				switch string(k) {
				case "eventType":
					if e.Event == "" {
						e.Event = s.String()
					} else {
						s.Skip()
					}
				case "timestamp":
					e.Timestamp = readTime(s)
				case "appId":
					e.AppID = s.String()
				case "taskId":
					e.TaskID = s.String()
				case "slaveId", "agentId":
					e.AgentID = s.String()
				case "host":
					e.Host = s.String()
				case "taskStatus":
					e.Status = s.String()
				case "message":
					e.Message = s.String()
				}
			})
			if err := s.Finish(); err != nil {
				return fmt.Errorf("decode marathon events: event %d: %w", len(out)+1, err)
			}
		}
		out = append(out, e)
		name, payload = "", nil
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			if err := flush(); err != nil {
				return nil, err
			}
		case strings.HasPrefix(line, "event:"):
			name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			payload = append(payload, strings.TrimSpace(strings.TrimPrefix(line, "data:"))...)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("decode marathon events: %w", err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}
