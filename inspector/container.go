package inspector

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Container is one container on an agent with its latest usage, from the agent's
// /containers (src/slave/http.cpp Http::__containers), GET_CONTAINERS, or
// /monitor/statistics (Http::_statistics, executors only).
type Container struct {
	ID           string `json:"id,omitempty"`
	ParentID     string `json:"parent_id,omitempty"`
	AgentID      string `json:"agent_id,omitempty"`
	FrameworkID  string `json:"framework_id,omitempty"`
	ExecutorID   string `json:"executor_id,omitempty"`
	ExecutorName string `json:"executor_name,omitempty"`
	Source       string `json:"source,omitempty"`
	// ExecutorPID is container_status.executor_pid.
	ExecutorPID int      `json:"executor_pid,omitempty"`
	IPAddresses []string `json:"ip_addresses,omitempty"`
	// Statistics is the ResourceStatistics message flattened to numbers
	// (cpus_user_time_secs, mem_rss_bytes, ...), timestamp excluded.
	Statistics map[string]float64 `json:"statistics,omitempty"`
	// StatisticsTime is ResourceStatistics.timestamp.
	StatisticsTime time.Time `json:"statistics_time,omitzero"`
}

// DeepCopy returns a copy sharing no memory with c.
func (c Container) DeepCopy() Container {
	out := c
	out.IPAddresses = slices.Clone(c.IPAddresses)
	out.Statistics = maps.Clone(c.Statistics)
	return out
}

// Stat returns a statistic or 0.
func (c Container) Stat(name string) float64 { return c.Statistics[name] }

// DecodeContainers decodes an agent's /containers or /monitor/statistics (a JSON
// array) or a GET_CONTAINERS response, sorted by framework, executor, id.
func DecodeContainers(data []byte) ([]Container, error) {
	s := newScanner(data)
	var out []Container
	readList := func() {
		s.Array(func(int) { out = append(out, readContainer(s)) })
	}
	var readDoc func()
	readDoc = func() {
		s.Object(func(k []byte) {
			switch string(k) {
			case "get_containers":
				readDoc()
			case "containers":
				readList()
			}
		})
	}
	switch s.Peek() {
	case jsonscan.Array:
		readList()
	case jsonscan.Object:
		readDoc()
	default:
		return nil, fmt.Errorf("decode containers: %w: top level is %s, want array or object", ErrNotMesos, s.Peek())
	}
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode containers: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Container) int {
		return cmp.Or(cmp.Compare(a.FrameworkID, b.FrameworkID), cmp.Compare(a.ExecutorID, b.ExecutorID), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

func readContainer(s *jsonscan.Scanner) Container {
	var c Container
	readStats := func() {
		s.Object(func(k []byte) {
			name := string(k)
			if name == "timestamp" {
				c.StatisticsTime = readTime(s)
				return
			}
			if s.Peek() != jsonscan.Number {
				return // nested messages (perf, net_traffic_control_statistics, ...)
			}
			v, ok := s.Float()
			if !ok || !finite(v) {
				return
			}
			if c.Statistics == nil {
				c.Statistics = map[string]float64{}
			}
			c.Statistics[name] = v
		})
	}
	s.Object(func(k []byte) {
		switch string(k) {
		case "container_id":
			if s.Peek() == jsonscan.Object {
				s.Object(func(k []byte) {
					switch string(k) {
					case "value":
						c.ID = s.String()
					case "parent":
						c.ParentID = readID(s)
					}
				})
			} else {
				c.ID = s.String()
			}
		case "framework_id":
			c.FrameworkID = readID(s)
		case "executor_id":
			c.ExecutorID = readID(s)
		case "executor_name":
			c.ExecutorName = s.String()
		case "source":
			c.Source = s.String()
		case "agent_id", "slave_id":
			c.AgentID = readID(s)
		case "status", "container_status":
			s.Object(func(k []byte) {
				switch string(k) {
				case "executor_pid":
					n, _ := s.Int()
					c.ExecutorPID = int(n)
				case "network_infos":
					// Reuse the TaskStatus reader through a synthetic wrapper is
					// not possible on a stream; read inline.
					s.Array(func(int) {
						s.Object(func(k []byte) {
							switch string(k) {
							case "ip_address":
								c.addIP(s.String())
							case "ip_addresses":
								s.Array(func(int) {
									s.Object(func(k []byte) {
										if string(k) == "ip_address" {
											c.addIP(s.String())
										}
									})
								})
							}
						})
					})
				case "container_id":
					if c.ID == "" {
						c.ID = readID(s)
					}
				}
			})
		case "statistics", "resource_statistics":
			readStats()
		}
	})
	return c
}

func (c *Container) addIP(ip string) {
	if ip != "" && !slices.Contains(c.IPAddresses, ip) {
		c.IPAddresses = append(c.IPAddresses, ip)
	}
}
