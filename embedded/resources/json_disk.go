package resources

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Decoding of the Resource sub-messages (Labels, DiskInfo).

func decodeLabels(o object, key string) (*Labels, error) {
	lo, ok, err := o.obj(key)
	if err != nil || !ok {
		return nil, err
	}
	items, err := lo.array("labels")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	out := &Labels{}
	for _, it := range items {
		io, err := decodeObject(it)
		if err != nil {
			return nil, fmt.Errorf("%s.labels: %w", key, err)
		}
		k, ok, err := io.str("key")
		if err != nil {
			return nil, fmt.Errorf("%s.labels: %w", key, err)
		}
		if !ok {
			return nil, fmt.Errorf("missing required fields: %s.labels.key", key)
		}
		l := Label{Key: k}
		if v, ok, err := io.str("value"); err != nil {
			return nil, fmt.Errorf("%s.labels: %w", key, err)
		} else if ok {
			l.Value = &v
		}
		out.Labels = append(out.Labels, l)
	}
	return out, nil
}

var volumeModeNames = []string{"", "RW", "RO"}

func decodeDisk(o object) (*DiskInfo, error) {
	d := &DiskInfo{}
	if p, ok, err := o.obj("persistence"); err != nil {
		return nil, err
	} else if ok {
		id, ok, err := p.str("id")
		if err != nil {
			return nil, fmt.Errorf("persistence: %w", err)
		}
		if !ok {
			return nil, errors.New("missing required fields: persistence.id")
		}
		principal, _, err := p.str("principal")
		if err != nil {
			return nil, fmt.Errorf("persistence: %w", err)
		}
		d.Persistence = &Persistence{ID: id, Principal: principal}
	}
	if v, ok, err := o.obj("volume"); err != nil {
		return nil, err
	} else if ok {
		mode, hasMode, err := v.enum("mode", volumeModeNames, true)
		if err != nil {
			return nil, fmt.Errorf("volume: %w", err)
		}
		cp, hasPath, err := v.str("container_path")
		if err != nil {
			return nil, fmt.Errorf("volume: %w", err)
		}
		if !hasPath {
			return nil, errors.New("missing required fields: volume.container_path")
		}
		hp, _, err := v.str("host_path")
		if err != nil {
			return nil, fmt.Errorf("volume: %w", err)
		}
		vol := &Volume{ContainerPath: cp, HostPath: hp}
		if hasMode && mode > 0 {
			vol.Mode = volumeModeNames[mode]
		}
		if img, ok := v.field("image"); ok {
			vol.Image = append(json.RawMessage(nil), img...)
		}
		if src, ok := v.field("source"); ok {
			vol.Source = append(json.RawMessage(nil), src...)
		}
		d.Volume = vol
	}
	if s, ok, err := o.obj("source"); err != nil {
		return nil, err
	} else if ok {
		t, hasType, err := s.enum("type", diskSourceTypeNames[:], true)
		if err != nil {
			return nil, fmt.Errorf("source: %w", err)
		}
		if !hasType {
			return nil, errors.New("missing required fields: source.type")
		}
		src := &DiskSource{Type: DiskSourceType(t)}
		for _, part := range []struct {
			key string
			dst **DiskSourceRoot
		}{{"path", &src.Path}, {"mount", &src.Mount}} {
			po, ok, err := s.obj(part.key)
			if err != nil {
				return nil, fmt.Errorf("source: %w", err)
			}
			if !ok {
				continue
			}
			root := &DiskSourceRoot{}
			if v, ok, err := po.str("root"); err != nil {
				return nil, fmt.Errorf("source.%s: %w", part.key, err)
			} else if ok {
				root.Root = &v
			}
			*part.dst = root
		}
		for _, f := range []struct {
			key string
			dst *string
		}{{"vendor", &src.Vendor}, {"id", &src.ID}, {"profile", &src.Profile}} {
			v, _, err := s.str(f.key)
			if err != nil {
				return nil, fmt.Errorf("source: %w", err)
			}
			*f.dst = v
		}
		md, err := decodeLabels(s, "metadata")
		if err != nil {
			return nil, fmt.Errorf("source: %w", err)
		}
		src.Metadata = md
		d.Source = src
	}
	return d, nil
}
