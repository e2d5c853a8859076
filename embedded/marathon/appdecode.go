package marathon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// readOnlyFields are what Marathon writes in an app's JSON besides its
// definition; they are accepted on input (so a GET can be PUT back) and
// have no effect, as in Marathon.
var readOnlyFields = map[string]bool{
	"version": true, "versionInfo": true, "tasksStaged": true, "tasksRunning": true, "tasksHealthy": true,
	"tasksUnhealthy": true, "deployments": true, "tasks": true, "lastTaskFailure": true, "taskStats": true,
	"readinessCheckResults": true,
}

// unsupportedFields are Marathon app fields this scheduler does not
// implement. They are accepted only when they carry nothing (null, false,
// an empty string, array or object, or Marathon's default written back);
// anything else is a 422 naming them.
var unsupportedFields = map[string]func(json.RawMessage) bool{
	"container":           isEmptyJSON,
	"dependencies":        isEmptyJSON,
	"readinessChecks":     isEmptyJSON,
	"secrets":             isEmptyJSON,
	"ipAddress":           isEmptyJSON,
	"storeUrls":           isEmptyJSON,
	"residency":           isEmptyJSON,
	"tty":                 isEmptyJSON,
	"unreachableStrategy": func(r json.RawMessage) bool { return isEmptyJSON(r) || string(bytes.TrimSpace(r)) == `"disabled"` },
	"networks": func(r json.RawMessage) bool {
		if isEmptyJSON(r) {
			return true
		}
		var n []map[string]any
		return json.Unmarshal(r, &n) == nil && len(n) == 1 && len(n[0]) == 1 && n[0]["mode"] == "host"
	},
	"check":          isEmptyJSON,
	"resourceLimits": isEmptyJSON,
}

// isEmptyJSON reports whether r is null, false, "", [] or {}.
func isEmptyJSON(r json.RawMessage) bool {
	s := string(bytes.Join(bytes.Fields(r), nil))
	switch s {
	case "null", "false", `""`, "[]", "{}":
		return true
	}
	return false
}

// DecodeApp reads an app definition in Marathon's JSON (POST /v2/apps),
// normalizes it (defaults filled in, "ports" and "uris" converted to
// portDefinitions and fetch) and validates it. Errors are a
// *ValidationError listing every invalid or unsupported field, or a syntax
// error wrapped with "marathon: decode app".
func DecodeApp(data []byte) (*App, error) {
	fields, err := decodeObject(data)
	if err != nil {
		return nil, err
	}
	return appFromFields(fields)
}

// decodeObject reads a JSON object into its members.
func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fields); err != nil {
		return nil, fmt.Errorf("marathon: decode app: %w", err)
	}
	if fields == nil {
		return nil, fmt.Errorf("marathon: decode app: want a JSON object, got null")
	}
	if dec.More() {
		return nil, fmt.Errorf("marathon: decode app: trailing data after the object")
	}
	return fields, nil
}

// mergeApp applies a partial update (PUT or PATCH /v2/apps/{id} with
// partialUpdate): the members of patch replace those of base; "cmd",
// "args", "ports", "portDefinitions", "uris" and "fetch" replace their
// alternative too.
func mergeApp(base *App, patch []byte) (*App, error) {
	p, err := decodeObject(patch)
	if err != nil {
		return nil, err
	}
	b, err := encodeApp(base)
	if err != nil {
		return nil, fmt.Errorf("marathon: merge app: %w", err)
	}
	fields, err := decodeObject(b)
	if err != nil {
		return nil, err
	}
	for _, pair := range [][2]string{{"cmd", "args"}, {"ports", "portDefinitions"}, {"uris", "fetch"}} {
		for i := range 2 {
			if _, ok := p[pair[i]]; ok {
				if _, also := p[pair[1-i]]; !also {
					delete(fields, pair[1-i])
				}
			}
		}
	}
	delete(fields, "version")
	delete(fields, "versionInfo")
	maps.Copy(fields, p)
	return appFromFields(fields)
}

// appFromFields decodes each member, collecting every problem.
func appFromFields(fields map[string]json.RawMessage) (*App, error) {
	a := newDefaultApp()
	v := violations{}
	dec := func(key string, dst any) bool {
		raw, ok := fields[key]
		if !ok || string(bytes.TrimSpace(raw)) == "null" {
			return false
		}
		// Strict: a member of a nested object this scheduler does not know
		// ("portDefinitions": [{"hostPort": ...}]) is a 422, never dropped.
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(dst); err != nil {
			v.add("/"+key, "%s", typeError(err))
			return false
		}
		return true
	}
	keys := slices.Sorted(maps.Keys(fields))
	for _, k := range keys {
		if _, ok := appFieldDecoders[k]; ok || readOnlyFields[k] {
			continue
		}
		if empty, ok := unsupportedFields[k]; ok {
			if !empty(fields[k]) {
				v.add("/"+k, "%q is not supported by this scheduler", k)
			}
			continue
		}
		v.add("/"+k, "unknown field %q: not a Marathon app field this scheduler supports", k)
	}
	for _, k := range keys {
		if fn, ok := appFieldDecoders[k]; ok {
			fn(a, dec, v, fields[k])
		}
	}
	if _, ok := fields["ports"]; ok {
		if _, both := fields["portDefinitions"]; both {
			v.add("/ports", "give either ports or portDefinitions, not both")
		}
	}
	if _, ok := fields["uris"]; ok {
		if _, both := fields["fetch"]; both {
			v.add("/uris", "give either uris or fetch, not both")
		}
	}
	_, ports := fields["ports"]
	_, defs := fields["portDefinitions"]
	if !ports && !defs {
		// AppNormalization.applyDefaultPortDefinitions: host networking
		// gets one dynamic port named "default".
		a.PortDefinitions = []PortDefinition{{Port: 0, Protocol: "tcp", Name: "default"}}
	}
	a.normalize(false)
	// Report the definition's other problems along with these.
	if verr := a.Validate(); verr != nil {
		var ve *ValidationError
		if errors.As(verr, &ve) {
			for _, d := range ve.Details {
				if _, dup := v[d.Path]; !dup {
					v[d.Path] = append(v[d.Path], d.Errors...)
				}
			}
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return a, nil
}

// newDefaultApp returns an app with every default of app.raml set; the
// members of a decoded definition override them.
func newDefaultApp() *App {
	return &App{
		Instances: DefaultInstances, CPUs: DefaultCPUs, Mem: DefaultMem,
		BackoffSeconds: DefaultBackoffSeconds, BackoffFactor: DefaultBackoffFactor, MaxLaunchDelaySeconds: DefaultMaxLaunchDelaySeconds,
		UpgradeStrategy: UpgradeStrategy{DefaultMinimumHealthCapacity, DefaultMaximumOverCapacity},
		KillSelection:   YoungestFirst,
	}
}

// typeError turns a json type error into Marathon-like words.
func typeError(err error) string {
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown field " + f + ": not supported by this scheduler"
	}
	var te *json.UnmarshalTypeError
	if ok := asTypeError(err, &te); ok {
		want := te.Type.String()
		switch {
		case strings.Contains(want, "int") && strings.HasPrefix(te.Value, "number"):
			return fmt.Sprintf("expected an integer, got %s", te.Value)
		case strings.Contains(want, "float"), strings.Contains(want, "int"):
			want = "number"
		case strings.HasPrefix(want, "[]"):
			want = "array"
		case strings.HasPrefix(want, "map"), strings.HasPrefix(want, "struct"), strings.Contains(want, "JSON"):
			want = "object"
		}
		return fmt.Sprintf("expected %s, got %s", want, te.Value)
	}
	return err.Error()
}

func asTypeError(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

type fieldDecoder func(a *App, dec func(string, any) bool, v violations, raw json.RawMessage)

// appFieldDecoders decode the supported members of an app definition.
var appFieldDecoders = map[string]fieldDecoder{
	"id":   func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("id", &a.ID) },
	"cmd":  func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("cmd", &a.Cmd) },
	"args": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("args", &a.Args) },
	"user": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("user", &a.User) },
	"env": func(a *App, dec func(string, any) bool, v violations, raw json.RawMessage) {
		var m map[string]json.RawMessage
		if !dec("env", &m) {
			return
		}
		a.Env = map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			var s string
			if err := json.Unmarshal(m[k], &s); err != nil {
				v.add("/env/"+k, "only string values are supported (secret references are not)")
				continue
			}
			a.Env[k] = s
		}
	},
	"instances": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		dec("instances", &a.Instances)
	},
	"cpus": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("cpus", &a.CPUs) },
	"mem":  func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("mem", &a.Mem) },
	"disk": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("disk", &a.Disk) },
	"gpus": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("gpus", &a.GPUs) },
	"role": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("role", &a.Role) },
	"acceptedResourceRoles": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		dec("acceptedResourceRoles", &a.AcceptedResourceRoles)
	},
	"constraints": func(a *App, dec func(string, any) bool, v violations, _ json.RawMessage) {
		var cs [][]string
		if !dec("constraints", &cs) {
			return
		}
		for i, c := range cs {
			parsed, err := ParseConstraint(c)
			if err != nil {
				v.add(fmt.Sprintf("/constraints(%d)", i), "%s", strings.TrimPrefix(err.Error(), "marathon: "))
				continue
			}
			a.Constraints = append(a.Constraints, parsed)
		}
	},
	"ports": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		var ports []int
		if dec("ports", &ports) {
			for _, p := range ports {
				a.PortDefinitions = append(a.PortDefinitions, PortDefinition{Port: p, Protocol: "tcp"})
			}
			if a.PortDefinitions == nil {
				a.PortDefinitions = []PortDefinition{}
			}
		}
	},
	"portDefinitions": func(a *App, dec func(string, any) bool, v violations, _ json.RawMessage) {
		var defs []portDefJSON
		if !dec("portDefinitions", &defs) {
			return
		}
		a.PortDefinitions = []PortDefinition{}
		for _, d := range defs {
			a.PortDefinitions = append(a.PortDefinitions, PortDefinition(d))
		}
	},
	"requirePorts": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		dec("requirePorts", &a.RequirePorts)
	},
	"uris": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		var uris []string
		if dec("uris", &uris) {
			for _, u := range uris {
				a.Fetch = append(a.Fetch, FetchURI{URI: u, Extract: true})
			}
		}
	},
	"fetch": func(a *App, dec func(string, any) bool, v violations, _ json.RawMessage) {
		var fs []struct {
			URI        string `json:"uri"`
			Executable *bool  `json:"executable"`
			Extract    *bool  `json:"extract"`
			Cache      *bool  `json:"cache"`
			DestPath   string `json:"destPath"`
		}
		if !dec("fetch", &fs) {
			return
		}
		for _, f := range fs {
			a.Fetch = append(a.Fetch, FetchURI{URI: f.URI, Executable: f.Executable != nil && *f.Executable,
				Extract: f.Extract == nil || *f.Extract, Cache: f.Cache != nil && *f.Cache, DestPath: f.DestPath})
		}
	},
	"backoffSeconds": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		dec("backoffSeconds", &a.BackoffSeconds)
	},
	"backoffFactor": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		dec("backoffFactor", &a.BackoffFactor)
	},
	"maxLaunchDelaySeconds": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		dec("maxLaunchDelaySeconds", &a.MaxLaunchDelaySeconds)
	},
	"upgradeStrategy": func(a *App, dec func(string, any) bool, v violations, _ json.RawMessage) {
		var u struct {
			MinimumHealthCapacity *float64 `json:"minimumHealthCapacity"`
			MaximumOverCapacity   *float64 `json:"maximumOverCapacity"`
		}
		if !dec("upgradeStrategy", &u) {
			return
		}
		if u.MinimumHealthCapacity != nil {
			a.UpgradeStrategy.MinimumHealthCapacity = *u.MinimumHealthCapacity
		}
		if u.MaximumOverCapacity != nil {
			a.UpgradeStrategy.MaximumOverCapacity = *u.MaximumOverCapacity
		}
	},
	"healthChecks": func(a *App, dec func(string, any) bool, v violations, _ json.RawMessage) {
		var hcs []map[string]json.RawMessage
		if !dec("healthChecks", &hcs) {
			return
		}
		for i, raw := range hcs {
			h, errs := decodeHealthCheck(raw)
			for _, e := range errs {
				v.add(fmt.Sprintf("/healthChecks(%d)", i), "%s", e)
			}
			if len(errs) == 0 {
				a.HealthChecks = append(a.HealthChecks, h)
			}
		}
	},
	"killSelection": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		dec("killSelection", &a.KillSelection)
	},
	"labels": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) { dec("labels", &a.Labels) },
	"taskKillGracePeriodSeconds": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		var n int
		if dec("taskKillGracePeriodSeconds", &n) {
			a.TaskKillGracePeriodSeconds = &n
		}
	},
	"executor": func(a *App, dec func(string, any) bool, _ violations, _ json.RawMessage) {
		dec("executor", &a.Executor)
	},
}

// decodeHealthCheck reads one health check; only COMMAND checks are
// supported (Mesos runs them, as Marathon's MesosCommandHealthCheck).
func decodeHealthCheck(raw map[string]json.RawMessage) (HealthCheck, []string) {
	var errs []string
	h := HealthCheck{GracePeriodSeconds: DefaultHealthGracePeriodSeconds, IntervalSeconds: DefaultHealthIntervalSeconds,
		TimeoutSeconds: DefaultHealthTimeoutSeconds, MaxConsecutiveFailures: DefaultHealthMaxConsecutiveFailures,
		DelaySeconds: DefaultHealthDelaySeconds}
	protocol := "HTTP"
	if p, ok := raw["protocol"]; ok {
		if err := json.Unmarshal(p, &protocol); err != nil {
			errs = append(errs, "protocol: expected a string")
		}
	}
	if protocol != "COMMAND" && protocol != "MESOS_COMMAND" {
		errs = append(errs, fmt.Sprintf("protocol %q is not supported: only COMMAND health checks (run by Mesos) are", protocol))
	}
	ints := map[string]*int{"gracePeriodSeconds": &h.GracePeriodSeconds, "intervalSeconds": &h.IntervalSeconds,
		"timeoutSeconds": &h.TimeoutSeconds, "maxConsecutiveFailures": &h.MaxConsecutiveFailures, "delaySeconds": &h.DelaySeconds}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		switch k {
		case "protocol":
		case "command":
			var c commandJSON
			d := json.NewDecoder(bytes.NewReader(raw[k]))
			d.DisallowUnknownFields()
			if err := d.Decode(&c); err != nil {
				errs = append(errs, "command: expected {\"value\": string}: "+typeError(err))
			}
			h.Command = c.Value
		case "ignoreHttp1xx", "path", "portIndex", "port", "ipProtocol":
			if !isEmptyJSON(raw[k]) && string(raw[k]) != "0" {
				errs = append(errs, fmt.Sprintf("%s is not supported (HTTP and TCP health checks are not)", k))
			}
		default:
			p, ok := ints[k]
			if !ok {
				errs = append(errs, fmt.Sprintf("unknown field %q", k))
				continue
			}
			if err := json.Unmarshal(raw[k], p); err != nil || *p < 0 {
				errs = append(errs, fmt.Sprintf("%s: expected a non-negative integer", k))
			}
		}
	}
	if h.Command == "" && len(errs) == 0 {
		errs = append(errs, "command: a COMMAND health check needs command.value")
	}
	sort.Strings(errs)
	return h, errs
}

// Normalize fills in Marathon's defaults for the zero fields of a
// definition built in Go: zero CPUs, Mem, BackoffSeconds, BackoffFactor,
// MaxLaunchDelaySeconds, UpgradeStrategy and KillSelection mean app.raml's
// defaults (Instances is taken as given). Decoded JSON already has them.
func (a *App) Normalize() { a.normalize(true) }

func (a *App) normalize(defaults bool) {
	if a.ID != "" && !strings.HasPrefix(a.ID, "/") {
		a.ID = "/" + a.ID
	}
	if defaults {
		d := newDefaultApp()
		if a.CPUs == 0 {
			a.CPUs = d.CPUs
		}
		if a.Mem == 0 {
			a.Mem = d.Mem
		}
		if a.BackoffSeconds == 0 {
			a.BackoffSeconds = d.BackoffSeconds
		}
		if a.BackoffFactor == 0 {
			a.BackoffFactor = d.BackoffFactor
		}
		if a.MaxLaunchDelaySeconds == 0 {
			a.MaxLaunchDelaySeconds = d.MaxLaunchDelaySeconds
		}
		if a.UpgradeStrategy == (UpgradeStrategy{}) {
			a.UpgradeStrategy = d.UpgradeStrategy
		}
	}
	if a.KillSelection == "" {
		a.KillSelection = YoungestFirst
	}
	for i := range a.PortDefinitions {
		if a.PortDefinitions[i].Protocol == "" {
			a.PortDefinitions[i].Protocol = "tcp"
		}
	}
	if a.Env == nil {
		a.Env = map[string]string{}
	}
	if a.Labels == nil {
		a.Labels = map[string]string{}
	}
}
