package walkthroughs

import (
	"embed"
	"errors"
	"fmt"
)

// toursFS holds the tour scripts, compiled into the binary so that `mesoscope walk`
// works anywhere.
//
//go:embed tours/*.txt
var toursFS embed.FS

// ErrUnknownTour is wrapped when a tour name is not one of TourNames.
var ErrUnknownTour = errors.New("unknown tour")

// TourNames lists the tours in the order they are meant to be taken.
func TourNames() []string {
	return []string{"libprocess", "drf", "offers", "containerizer", "waiting", "reliability"}
}

// Tour describes a tour for a listing.
type Tour struct {
	Name  string
	Title map[Lang]string
	Steps int
}

// Tours parses every tour script and describes it.
func Tours() ([]Tour, error) {
	var out []Tour
	for _, name := range TourNames() {
		s, err := LoadTour(name)
		if err != nil {
			return nil, err
		}
		out = append(out, Tour{Name: name, Title: s.Title, Steps: len(s.Steps)})
	}
	return out, nil
}

// LoadTour parses the script of the tour called name.
func LoadTour(name string) (*Script, error) {
	known := false
	for _, n := range TourNames() {
		known = known || n == name
	}
	if !known {
		return nil, fmt.Errorf("walkthroughs: tour %q: %w (tours: %v)", name, ErrUnknownTour, TourNames())
	}
	data, err := toursFS.ReadFile("tours/" + name + ".txt")
	if err != nil {
		return nil, fmt.Errorf("walkthroughs: tour %q: %w", name, err)
	}
	return ParseScript(name, data)
}
