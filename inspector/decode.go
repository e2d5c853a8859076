package inspector

import (
	"bytes"
	"strings"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// maxInternLen bounds which strings the state decoder interns: ids, states, roles
// and hostnames are short and repeat across tasks; long strings rarely repeat.
const maxInternLen = 96

// newScanner returns a scanner over data. A document that is one JSON string holding
// JSON (DC/OS history stores /master/state-summary double-encoded) is unwrapped once.
func newScanner(data []byte) *jsonscan.Scanner {
	s := jsonscan.New(data)
	if s.Peek() != jsonscan.String {
		return s
	}
	inner := s.Bytes()
	t := bytes.TrimSpace(inner)
	if s.Err() != nil || len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return jsonscan.New(data)
	}
	if err := s.Finish(); err != nil {
		return jsonscan.New(data)
	}
	return jsonscan.New(bytes.Clone(inner))
}

func cmpString(a, b string) int { return strings.Compare(a, b) }
