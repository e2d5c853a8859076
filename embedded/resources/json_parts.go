package resources

import "fmt"

// JSON codecs for the sub-messages that callers may embed in their own
// structs. They share the Resource codec's rules (field order, enum names,
// unknown fields ignored).

// MarshalJSON encodes a ReservationInfo: principal, labels, role, type.
func (ri ReservationInfo) MarshalJSON() ([]byte, error) {
	return appendReservation(nil, &ri, true), nil
}

// UnmarshalJSON decodes a ReservationInfo object.
func (ri *ReservationInfo) UnmarshalJSON(data []byte) error {
	o, err := decodeObject(data)
	if err != nil {
		return fmt.Errorf("resources: decode reservation: %w", err)
	}
	d, err := decodeReservation(o)
	if err != nil {
		return fmt.Errorf("resources: decode reservation: %w", err)
	}
	*ri = d.ReservationInfo
	return nil
}

// MarshalJSON encodes a DiskInfo: persistence, volume, source.
func (d DiskInfo) MarshalJSON() ([]byte, error) {
	return appendDisk(nil, &d), nil
}

// UnmarshalJSON decodes a DiskInfo object.
func (d *DiskInfo) UnmarshalJSON(data []byte) error {
	o, err := decodeObject(data)
	if err != nil {
		return fmt.Errorf("resources: decode disk: %w", err)
	}
	out, err := decodeDisk(o)
	if err != nil {
		return fmt.Errorf("resources: decode disk: %w", err)
	}
	*d = *out
	return nil
}

// MarshalText returns the enum name ("SCALAR", ...).
func (t ValueType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText parses an enum name.
func (t *ValueType) UnmarshalText(b []byte) error {
	return unmarshalEnum("value type", valueTypeNames[:], b, (*int32)(t))
}

// MarshalText returns the enum name ("STATIC", ...).
func (t ReservationType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText parses an enum name.
func (t *ReservationType) UnmarshalText(b []byte) error {
	return unmarshalEnum("reservation type", reservationTypeNames[:], b, (*int32)(t))
}

// MarshalText returns the enum name ("MOUNT", ...).
func (t DiskSourceType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText parses an enum name.
func (t *DiskSourceType) UnmarshalText(b []byte) error {
	return unmarshalEnum("disk source type", diskSourceTypeNames[:], b, (*int32)(t))
}

func unmarshalEnum(what string, names []string, b []byte, dst *int32) error {
	for i, n := range names {
		if n == string(b) {
			*dst = int32(i)
			return nil
		}
	}
	return fmt.Errorf("resources: unknown %s %q", what, b)
}
