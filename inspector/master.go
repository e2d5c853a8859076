package inspector

import (
	"fmt"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Version is what /version and GET_VERSION report (VersionInfo).
type Version struct {
	Version   string    `json:"version"`
	GitSHA    string    `json:"git_sha,omitempty"`
	GitBranch string    `json:"git_branch,omitempty"`
	GitTag    string    `json:"git_tag,omitempty"`
	BuildDate string    `json:"build_date,omitempty"`
	BuildTime time.Time `json:"build_time,omitzero"`
	BuildUser string    `json:"build_user,omitempty"`
}

// DecodeVersion decodes /version (v0) or a GET_VERSION response.
func DecodeVersion(data []byte) (Version, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return Version{}, fmt.Errorf("decode version: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	var v Version
	var readDoc func()
	readDoc = func() {
		s.Object(func(k []byte) {
			switch string(k) {
			case "get_version", "version_info":
				readDoc()
			case "version":
				v.Version = s.String()
			case "git_sha":
				v.GitSHA = s.String()
			case "git_branch":
				v.GitBranch = s.String()
			case "git_tag":
				v.GitTag = s.String()
			case "build_date":
				v.BuildDate = s.String()
			case "build_time":
				v.BuildTime = readTime(s)
			case "build_user":
				v.BuildUser = s.String()
			}
		})
	}
	readDoc()
	if err := s.Finish(); err != nil {
		return Version{}, fmt.Errorf("decode version: %w", err)
	}
	if v.Version == "" {
		return Version{}, fmt.Errorf("decode version: %w: no \"version\"", ErrNotMesos)
	}
	return v, nil
}

// DecodeHealth decodes a GET_HEALTH response ({"get_health": {"healthy": true}}).
func DecodeHealth(data []byte) (bool, error) {
	s := newScanner(data)
	healthy, found := false, false
	var readDoc func()
	readDoc = func() {
		s.Object(func(k []byte) {
			switch string(k) {
			case "get_health":
				readDoc()
			case "healthy":
				healthy, found = s.Bool(), true
			}
		})
	}
	readDoc()
	if err := s.Finish(); err != nil {
		return false, fmt.Errorf("decode health: %w", err)
	}
	if !found {
		return false, fmt.Errorf("decode health: %w: no \"healthy\"", ErrNotMesos)
	}
	return healthy, nil
}

// DecodeMasterInfo decodes a GET_MASTER response (MasterInfo plus, since 1.6,
// start_time, elected_time and capabilities) into the master fields of a Cluster.
func DecodeMasterInfo(data []byte) (Cluster, error) {
	s := newScanner(data)
	c := Cluster{ActivatedAgents: -1, DeactivatedAgents: -1, UnreachableAgents: -1}
	found := false
	readInfo := func() {
		s.Object(func(k []byte) {
			switch string(k) {
			case "id":
				c.MasterID = s.String()
				found = true
			case "pid":
				c.PID = s.String()
				c.Leader = c.PID
			case "hostname":
				c.Hostname = s.String()
			case "port":
				n, _ := s.Int()
				c.Port = int(n)
			case "version":
				c.Version = s.String()
			case "address":
				s.Object(func(k []byte) {
					if string(k) == "hostname" && c.Hostname == "" {
						c.Hostname = s.String()
					}
				})
			case "capabilities":
				c.Capabilities = readCapabilities(s)
			}
		})
	}
	s.Object(func(k []byte) {
		if string(k) != "get_master" {
			return
		}
		s.Object(func(k []byte) {
			switch string(k) {
			case "master_info":
				readInfo()
			case "start_time":
				c.StartTime = readTime(s)
			case "elected_time":
				c.ElectedTime = readTime(s)
			}
		})
	})
	if err := s.Finish(); err != nil {
		return Cluster{}, fmt.Errorf("decode master info: %w", err)
	}
	if !found {
		return Cluster{}, fmt.Errorf("decode master info: %w: no master_info.id", ErrNotMesos)
	}
	return c, nil
}

// DecodeFlags decodes /master/flags ({"flags": {...}}) or a GET_FLAGS response
// ({"get_flags": {"flags": [{"name", "value"}]}}).
func DecodeFlags(data []byte) (map[string]string, error) {
	s := newScanner(data)
	var flags map[string]string
	var readDoc func()
	readDoc = func() {
		s.Object(func(k []byte) {
			switch string(k) {
			case "get_flags":
				readDoc()
			case "flags":
				flags = readFlags(s)
			}
		})
	}
	readDoc()
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode flags: %w", err)
	}
	if flags == nil {
		return nil, fmt.Errorf("decode flags: %w: no \"flags\"", ErrNotMesos)
	}
	return flags, nil
}
