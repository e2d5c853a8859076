package agent

import (
	"fmt"
	"runtime"
	"strconv"
	"syscall"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Machine is what resource detection reads from the machine; tests pass fixed values.
type Machine struct {
	CPUs     int    // os::cpus()
	MemBytes uint64 // os::memory().total
	// DiskBytes is the size of the file system holding work_dir (fs::size).
	DiskBytes uint64
}

// Detection defaults and headroom, from Containerizer::resources
// (src/slave/containerizer/containerizer.cpp) and src/slave/constants.hpp.
const (
	gigabyte      = 1 << 30
	megabyte      = 1 << 20
	defaultCPUs   = 1     // DEFAULT_CPUS
	defaultMemMB  = 1024  // DEFAULT_MEM
	defaultDiskMB = 10240 // DEFAULT_DISK
	defaultPorts  = "[31000-32000]"
)

// DetectMachine reads the number of CPUs, the total memory (sysinfo) and the size of
// the file system holding dir (statfs). A zero field means detection failed.
func DetectMachine(dir string) Machine {
	m := Machine{CPUs: runtime.NumCPU()}
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err == nil {
		m.MemBytes = uint64(si.Totalram) * uint64(si.Unit)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err == nil {
		m.DiskBytes = st.Blocks * uint64(st.Frsize)
	}
	return m
}

// TotalResources parses --resources and adds what it leaves out, as
// Containerizer::resources does: cpus = the number of CPUs; mem = total memory minus
// 1 GiB, or half of it below 2 GiB; disk = the work_dir file system's size minus
// 5 GiB, or half of it below 10 GiB; ports = [31000-32000]. A failed detection falls
// back to DEFAULT_CPUS, DEFAULT_MEM and DEFAULT_DISK, as Mesos does.
func TotalResources(text, defaultRole string, m Machine) (resources.Resources, error) {
	parsed, err := resources.Parse(text, defaultRole)
	if err != nil {
		return resources.Resources{}, fmt.Errorf("agent: total resources: %w", err)
	}
	list, err := resources.FromString(text, defaultRole)
	if err != nil {
		return resources.Resources{}, fmt.Errorf("agent: total resources: %w", err)
	}
	has := map[string]bool{}
	for _, r := range list {
		has[r.Name] = true
	}
	add := func(name, value string) error {
		r, err := resources.ParseResource(name, value, defaultRole)
		if err != nil {
			return fmt.Errorf("agent: total resources: detected %s: %w", name, err)
		}
		if err := resources.Validate(r); err != nil {
			return fmt.Errorf("agent: total resources: detected %s:%s: %w", name, value, err)
		}
		parsed.AddResource(r)
		return nil
	}
	if !has["cpus"] {
		cpus := m.CPUs
		if cpus <= 0 {
			cpus = defaultCPUs
		}
		if err := add("cpus", strconv.Itoa(cpus)); err != nil {
			return resources.Resources{}, err
		}
	}
	if !has["mem"] {
		mb := uint64(defaultMemMB)
		if total := m.MemBytes; total > 0 {
			if total >= 2*gigabyte {
				mb = (total - gigabyte) / megabyte
			} else {
				mb = total / 2 / megabyte
			}
		}
		if err := add("mem", strconv.FormatUint(mb, 10)); err != nil {
			return resources.Resources{}, err
		}
	}
	if !has["disk"] {
		mb := uint64(defaultDiskMB)
		if total := m.DiskBytes; total > 0 {
			if total >= 10*gigabyte {
				mb = (total - 5*gigabyte) / megabyte
			} else {
				mb = total / 2 / megabyte
			}
		}
		if err := add("disk", strconv.FormatUint(mb, 10)); err != nil {
			return resources.Resources{}, err
		}
	}
	if !has["ports"] {
		if err := add("ports", defaultPorts); err != nil {
			return resources.Resources{}, err
		}
	}
	return parsed, nil
}
