package mesos

// FrameworkID is mesos.proto FrameworkID: {"value": "..."}.
type FrameworkID struct {
	Value string `json:"value"`
}

// AgentID is mesos.proto AgentID (SlaveID in the v0 and internal protos).
type AgentID struct {
	Value string `json:"value"`
}

// OfferID is mesos.proto OfferID.
type OfferID struct {
	Value string `json:"value"`
}

// TaskID is mesos.proto TaskID.
type TaskID struct {
	Value string `json:"value"`
}

// ExecutorID is mesos.proto ExecutorID.
type ExecutorID struct {
	Value string `json:"value"`
}

// OperationID is mesos.proto OperationID (framework-chosen).
type OperationID struct {
	Value string `json:"value"`
}

// ResourceProviderID is mesos.proto ResourceProviderID.
type ResourceProviderID struct {
	Value string `json:"value"`
}

// ContainerID is mesos.proto ContainerID; nested containers carry their
// parent.
type ContainerID struct {
	Value  string       `json:"value"`
	Parent *ContainerID `json:"parent,omitempty"`
}

// String returns the value of the id.
func (id FrameworkID) String() string { return id.Value }

// String returns the value of the id.
func (id AgentID) String() string { return id.Value }

// String returns the value of the id.
func (id OfferID) String() string { return id.Value }

// String returns the value of the id.
func (id TaskID) String() string { return id.Value }

// String returns the value of the id.
func (id ExecutorID) String() string { return id.Value }

// String returns the value of the id.
func (id OperationID) String() string { return id.Value }

// String returns the value of the id.
func (id ResourceProviderID) String() string { return id.Value }

// String renders the id as Mesos's operator<< for ContainerID does: the
// ancestry joined by dots, outermost first ("parent.child").
func (id ContainerID) String() string {
	if id.Parent == nil {
		return id.Value
	}
	return id.Parent.String() + "." + id.Value
}

// UUID is mesos.proto UUID: 16 raw bytes, base64 in JSON.
type UUID struct {
	Value []byte `json:"value"`
}
