package mesos

import "github.com/mesoscope/mesoscope/embedded/resources"

// Labels is mesos.proto Labels. An empty list is omitted, as stout omits
// empty repeated fields.
type Labels struct {
	Labels []Label `json:"labels,omitempty"`
}

// Label is mesos.proto Label (key, optional value); shared with the
// resources package.
type Label = resources.Label

// Get returns the value of the first label with key k.
func (l *Labels) Get(k string) (string, bool) {
	if l == nil {
		return "", false
	}
	for _, x := range l.Labels {
		if x.Key == k {
			if x.Value == nil {
				return "", true
			}
			return *x.Value, true
		}
	}
	return "", false
}
