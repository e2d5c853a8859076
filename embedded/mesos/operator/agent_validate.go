package operator

import (
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// Validate checks an agent operator call as agent::call::validate
// (src/slave/validation.cpp) does: the type is set and known and the body
// it needs is present. The container and resource provider calls are
// accepted here with their raw bodies present; the embedded agent answers
// them 501 Not Implemented.
func (c *AgentCall) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("operator: agent call %s: %w", c.Type, err)
	}
	return nil
}

func (c *AgentCall) validate() error {
	if c.Type == AgentCallUnknown {
		return mesos.Invalid("type", "expecting 'type' to be present")
	}
	if err := mesos.ValidateEnum("type", c.Type); err != nil {
		return err
	}
	switch c.Type {
	case AgentCallGetMetrics:
		if c.GetMetrics == nil {
			return mesos.Missing("get_metrics")
		}
	case AgentCallSetLoggingLevel:
		if c.SetLoggingLevel == nil {
			return mesos.Missing("set_logging_level")
		}
	case AgentCallListFiles:
		if c.ListFiles == nil {
			return mesos.Missing("list_files")
		}
		return validatePath("list_files.path", c.ListFiles.Path)
	case AgentCallReadFile:
		if c.ReadFile == nil {
			return mesos.Missing("read_file")
		}
		return validatePath("read_file.path", c.ReadFile.Path)
	}
	raw := map[AgentCallType]struct {
		field string
		body  []byte
	}{
		AgentCallLaunchNestedContainer:        {"launch_nested_container", c.LaunchNestedContainer},
		AgentCallWaitNestedContainer:          {"wait_nested_container", c.WaitNestedContainer},
		AgentCallKillNestedContainer:          {"kill_nested_container", c.KillNestedContainer},
		AgentCallRemoveNestedContainer:        {"remove_nested_container", c.RemoveNestedContainer},
		AgentCallLaunchNestedContainerSession: {"launch_nested_container_session", c.LaunchNestedContainerSession},
		AgentCallAttachContainerInput:         {"attach_container_input", c.AttachContainerInput},
		AgentCallAttachContainerOutput:        {"attach_container_output", c.AttachContainerOutput},
		AgentCallLaunchContainer:              {"launch_container", c.LaunchContainer},
		AgentCallWaitContainer:                {"wait_container", c.WaitContainer},
		AgentCallKillContainer:                {"kill_container", c.KillContainer},
		AgentCallRemoveContainer:              {"remove_container", c.RemoveContainer},
		AgentCallAddResourceProviderConfig:    {"add_resource_provider_config", c.AddResourceProviderConfig},
		AgentCallUpdateResourceProviderConfig: {"update_resource_provider_config", c.UpdateResourceProviderConfig},
		AgentCallRemoveResourceProviderConfig: {"remove_resource_provider_config", c.RemoveResourceProviderConfig},
		AgentCallMarkResourceProviderGone:     {"mark_resource_provider_gone", c.MarkResourceProviderGone},
	}
	if r, ok := raw[c.Type]; ok && (len(r.body) == 0 || string(r.body) == "null") {
		return mesos.Missing(r.field)
	}
	return nil
}
