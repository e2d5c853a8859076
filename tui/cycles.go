package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// allocCycle is one allocation cycle as mesoscope's allocator records it and
// serves it at /mesoscope/v1/allocator ({"cycles": [...]}, oldest first): the
// DRF order of roles and of frameworks within each role at the start of the
// cycle (one __generateOffers run of src/master/allocator/mesos/hierarchical.cpp)
// and what each framework was offered or why not, counted per agent.
type allocCycle struct {
	Seq        uint64        `json:"seq"`
	Time       time.Time     `json:"time"`
	Duration   time.Duration `json:"duration_ns"`
	Candidates int           `json:"candidates"`
	Offers     int           `json:"offers"`
	Roles      []cycleRole   `json:"roles"`
	Frameworks []cycleFw     `json:"frameworks"`
	// Quota headroom before allocation, and what stage 2 held back for it.
	RequiredHeadroom  string `json:"required_headroom,omitempty"`
	AvailableHeadroom string `json:"available_headroom,omitempty"`
	HeldBack          string `json:"held_back,omitempty"`
}

// cycleRole is one role's place in a cycle.
type cycleRole struct {
	Role       string         `json:"role"`
	Rank       int            `json:"rank"`
	Share      float64        `json:"share"`
	Weight     float64        `json:"weight"`
	Counts     map[string]int `json:"counts,omitempty"`
	Guarantees string         `json:"guarantees,omitempty"`
	Limits     string         `json:"limits,omitempty"`
	Consumed   string         `json:"consumed,omitempty"`
}

// cycleFw is one framework in one role in a cycle.
type cycleFw struct {
	FrameworkID string         `json:"framework_id"`
	Role        string         `json:"role"`
	Rank        int            `json:"rank"`
	Share       float64        `json:"share"`
	Counts      map[string]int `json:"counts,omitempty"`
	Offered     string         `json:"offered,omitempty"`
	Filtered    []struct {
		AgentID string    `json:"agent_id"`
		Until   time.Time `json:"until"`
		Refused string    `json:"refused,omitempty"`
	} `json:"filtered,omitempty"`
}

// maxCycles bounds how many cycles the TUI keeps from one read (the newest).
const maxCycles = 64

// decodeCycles decodes a /mesoscope/v1/allocator body, keeping the newest
// maxCycles cycles, oldest first. Negative counts are dropped.
func decodeCycles(data []byte) ([]allocCycle, error) {
	var body struct {
		Cycles *[]allocCycle `json:"cycles"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&body); err != nil {
		return nil, fmt.Errorf("allocator cycles: decode: %w", err)
	}
	if body.Cycles == nil {
		return nil, fmt.Errorf("allocator cycles: decode: no \"cycles\" array")
	}
	cs := *body.Cycles
	if len(cs) > maxCycles {
		cs = cs[len(cs)-maxCycles:]
	}
	for i := range cs {
		for j := range cs[i].Roles {
			dropNegative(cs[i].Roles[j].Counts)
		}
		for j := range cs[i].Frameworks {
			dropNegative(cs[i].Frameworks[j].Counts)
		}
	}
	return cs, nil
}

func dropNegative(m map[string]int) {
	maps.DeleteFunc(m, func(_ string, v int) bool { return v < 0 })
}

// countsText renders a cycle's per-reason agent counts, offered first, then by
// reason name: "offered 1, filtered 3, incapable 2".
func countsText(m map[string]int) string {
	var parts []string
	if n := m["offered"]; n > 0 {
		parts = append(parts, fmt.Sprintf("offered %d", n))
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k == "offered" || m[k] == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(k, "_", " "), m[k]))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}
