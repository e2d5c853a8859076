package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// CommandInfo is mesos.proto CommandInfo. Shell is optional with the
// proto default true: nil means true (GetShell), and the field is always
// written, as stout writes defaulted fields. With shell the command runs as
// "/bin/sh -c <value>"; without, value is the executable and arguments its
// argv.
type CommandInfo struct {
	URIs        []CommandURI `json:"uris,omitempty"`
	Environment *Environment `json:"environment,omitempty"`
	Shell       *bool        `json:"shell"`
	Value       *string      `json:"value,omitempty"`
	Arguments   []string     `json:"arguments,omitempty"`
	User        string       `json:"user,omitempty"`
}

// ShellCommand returns a CommandInfo running cmd with /bin/sh -c.
func ShellCommand(cmd string) *CommandInfo { return &CommandInfo{Value: &cmd} }

// GetShell returns Shell or its default, true.
func (c *CommandInfo) GetShell() bool { return c == nil || c.Shell == nil || *c.Shell }

// GetValue returns Value or "".
func (c *CommandInfo) GetValue() string {
	if c == nil || c.Value == nil {
		return ""
	}
	return *c.Value
}

// MarshalJSON writes the command with shell defaulted.
func (c CommandInfo) MarshalJSON() ([]byte, error) {
	type plain CommandInfo
	if c.Shell == nil {
		t := true
		c.Shell = &t
	}
	return Marshal(plain(c))
}

// CommandURI is CommandInfo.URI: something the fetcher downloads into the
// sandbox. Extract defaults to true (always written).
type CommandURI struct {
	Value      string `json:"value"`
	Executable *bool  `json:"executable,omitempty"`
	Extract    *bool  `json:"extract"`
	Cache      *bool  `json:"cache,omitempty"`
	OutputFile string `json:"output_file,omitempty"`
}

// GetExtract returns Extract or its default, true.
func (u *CommandURI) GetExtract() bool { return u.Extract == nil || *u.Extract }

// MarshalJSON writes the URI with extract defaulted.
func (u CommandURI) MarshalJSON() ([]byte, error) {
	type plain CommandURI
	if u.Extract == nil {
		t := true
		u.Extract = &t
	}
	return Marshal(plain(u))
}

// Environment is mesos.proto Environment.
type Environment struct {
	Variables []EnvironmentVariable `json:"variables,omitempty"`
}

// EnvironmentVariable is Environment.Variable. Type defaults to VALUE
// (always written); a SECRET variable carries Secret instead of Value.
type EnvironmentVariable struct {
	Name   string        `json:"name"`
	Type   *VariableType `json:"type"`
	Value  *string       `json:"value,omitempty"`
	Secret *Secret       `json:"secret,omitempty"`
}

// GetType returns Type or its default, VALUE.
func (v *EnvironmentVariable) GetType() VariableType {
	if v.Type == nil {
		return VariableValue
	}
	return *v.Type
}

// MarshalJSON writes the variable with type defaulted.
func (v EnvironmentVariable) MarshalJSON() ([]byte, error) {
	type plain EnvironmentVariable
	if v.Type == nil {
		t := VariableValue
		v.Type = &t
	}
	return Marshal(plain(v))
}

// VariableType is Environment.Variable.Type.
type VariableType int32

// Environment variable types.
const (
	VariableUnknown VariableType = 0
	VariableValue   VariableType = 1
	VariableSecret  VariableType = 2
)

var variableTypeEnum = enum.New("Environment.Variable.Type", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "VALUE",
	int32(2): "SECRET",
})

// String returns the Mesos name of the value ("Environment.Variable.Type(<n>)" if unknown).
func (x VariableType) String() string { return variableTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x VariableType) IsKnown() bool { return variableTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x VariableType) MarshalText() ([]byte, error) { return variableTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *VariableType) UnmarshalText(b []byte) error {
	v, err := variableTypeEnum.Unmarshal(b, reflect.TypeFor[VariableType]())
	if err != nil {
		return err
	}
	*x = VariableType(v)
	return nil
}

// Secret is mesos.proto Secret: a reference to a secret store entry or an
// inline value.
type Secret struct {
	Type      SecretType       `json:"type,omitempty"`
	Reference *SecretReference `json:"reference,omitempty"`
	Value     *SecretValue     `json:"value,omitempty"`
}

// SecretReference is Secret.Reference.
type SecretReference struct {
	Name string `json:"name"`
	Key  string `json:"key,omitempty"`
}

// SecretValue is Secret.Value (bytes, base64 in JSON).
type SecretValue struct {
	Data []byte `json:"data"`
}

// SecretType is Secret.Type. The zero value UNKNOWN is treated as unset
// and omitted.
type SecretType int32

// Secret types.
const (
	SecretTypeUnknown   SecretType = 0
	SecretTypeReference SecretType = 1
	SecretTypeValue     SecretType = 2
)

var secretTypeEnum = enum.New("Secret.Type", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "REFERENCE",
	int32(2): "VALUE",
})

// String returns the Mesos name of the value ("Secret.Type(<n>)" if unknown).
func (x SecretType) String() string { return secretTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x SecretType) IsKnown() bool { return secretTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x SecretType) MarshalText() ([]byte, error) { return secretTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *SecretType) UnmarshalText(b []byte) error {
	v, err := secretTypeEnum.Unmarshal(b, reflect.TypeFor[SecretType]())
	if err != nil {
		return err
	}
	*x = SecretType(v)
	return nil
}
