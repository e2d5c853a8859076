package inspector

import (
	"fmt"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// MarathonInfo is the part of Marathon's GET /v2/info (InfoResource) that ties
// it to the Mesos cluster: which framework it is registered as, with which role.
type MarathonInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Leader is the host:port of the leading Marathon; Elected says whether
	// the instance that answered leads.
	Leader  string `json:"leader,omitempty"`
	Elected bool   `json:"elected"`
	// FrameworkID is the FrameworkID Mesos gave Marathon ("frameworkId").
	FrameworkID string `json:"framework_id,omitempty"`
	// FrameworkName, Role and Master are marathon_config's framework_name,
	// mesos_role and master (--framework_name, --mesos_role, --master).
	FrameworkName string `json:"framework_name,omitempty"`
	Role          string `json:"role,omitempty"`
	Master        string `json:"master,omitempty"`
}

// DecodeMarathonInfo decodes GET /v2/info. It requires "name" or
// "frameworkId", so an unrelated JSON document is not mistaken for Marathon.
func DecodeMarathonInfo(data []byte) (MarathonInfo, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return MarathonInfo{}, fmt.Errorf("decode marathon info: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	var info MarathonInfo
	s.Object(func(k []byte) {
		switch string(k) {
		case "name":
			info.Name = s.String()
		case "version":
			info.Version = s.String()
		case "leader":
			info.Leader = s.String()
		case "elected":
			info.Elected = s.Bool()
		case "frameworkId":
			info.FrameworkID = s.String()
		case "marathon_config":
			s.Object(func(k []byte) {
				switch string(k) {
				case "framework_name":
					info.FrameworkName = s.String()
				case "mesos_role":
					info.Role = s.String()
				case "master":
					info.Master = s.String()
				}
			})
		}
	})
	if err := s.Finish(); err != nil {
		return MarathonInfo{}, fmt.Errorf("decode marathon info: %w", err)
	}
	if info.Name == "" && info.FrameworkID == "" {
		return MarathonInfo{}, fmt.Errorf("decode marathon info: %w: no \"name\" or \"frameworkId\"", ErrNotMesos)
	}
	return info, nil
}
