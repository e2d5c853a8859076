package walkthroughs

import (
	"regexp"
	"sync"
)

// uuidPattern matches a whole UUID in its text form; uuidAnywhere finds them in text.
var (
	uuidPattern  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	uuidAnywhere = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// uuidLabels names the random UUIDs a tour meets (the Marathon-like scheduler's task
// and deployment ids) after what they stand for, so that outputs are the same on
// every run: a task's uuid after the agent it runs on ("a1-1"), a deployment's after
// its order ("d2"). A UUID without a label is shown as "<uuid>".
type uuidLabels struct {
	mu sync.Mutex
	m  map[string]string
}

func newUUIDLabels() *uuidLabels { return &uuidLabels{m: map[string]string{}} }

// set labels a UUID; the first label given sticks.
func (l *uuidLabels) set(uuid, label string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.m[uuid]; !ok {
		l.m[uuid] = label
	}
}

// lookup returns the UUID with that label.
func (l *uuidLabels) lookup(label string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for u, lb := range l.m {
		if lb == label {
			return u, true
		}
	}
	return "", false
}

// replace rewrites every UUID in s.
func (l *uuidLabels) replace(s string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return uuidAnywhere.ReplaceAllStringFunc(s, func(u string) string {
		if label, ok := l.m[u]; ok {
			return label
		}
		return "<uuid>"
	})
}
