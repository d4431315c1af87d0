// Package compat says what the rabbitmqctl of each RabbitMQ release does where releases
// differ: exit codes, error texts, info keys, commands, output layouts. The differences
// are data (changes.go, infokeys.go, jsonorder.go), each with the releases that brought
// it and a source; commands ask a Profile, never compare versions themselves.
//
// compat knows nothing of HTTP, flags or printing: it imports only the standard library.
package compat

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a RabbitMQ release, e.g. 4.3.6.
type Version struct{ Major, Minor, Patch int }

// latestPatch stands for "the newest patch release of the series" when a version is
// given as a series only ("4.1"): facts that arrived in a patch release hold for it.
const latestPatch = 1 << 20

// Parse reads a version as the management API reports it ("4.3.6", "3.13.7+3.g2f5a9",
// "4.3.0-beta.1") or as a user pins it ("4.3", "v4.1.1"). A series without a patch
// number means its newest release.
func Parse(s string) (Version, error) {
	raw := s
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+~ "); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("%q is not a RabbitMQ version (expected e.g. 4.3 or 3.10.8)", raw)
	}
	nums := []int{0, 0, latestPatch}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return Version{}, fmt.Errorf("%q is not a RabbitMQ version (expected e.g. 4.3 or 3.10.8)", raw)
		}
		nums[i] = n
	}
	return Version{nums[0], nums[1], nums[2]}, nil
}

// MustParse is Parse for versions written in this package's tables.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func (v Version) String() string {
	if v.Patch == latestPatch {
		return fmt.Sprintf("%d.%d", v.Major, v.Minor)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// IsZero reports whether v is the zero Version (unknown).
func (v Version) IsZero() bool { return v == Version{} }

// Compare returns -1, 0 or 1 as v is older than, the same as or newer than o.
func (v Version) Compare(o Version) int {
	for _, d := range [][2]int{{v.Major, o.Major}, {v.Minor, o.Minor}, {v.Patch, o.Patch}} {
		switch {
		case d[0] < d[1]:
			return -1
		case d[0] > d[1]:
			return 1
		}
	}
	return 0
}

// AtLeast reports whether v is o or newer.
func (v Version) AtLeast(o Version) bool { return v.Compare(o) >= 0 }

func (v Version) sameSeries(o Version) bool { return v.Major == o.Major && v.Minor == o.Minor }

func (v Version) seriesBefore(o Version) bool {
	return v.Major < o.Major || (v.Major == o.Major && v.Minor < o.Minor)
}

// Releases are the first releases that carry a change, one per release series it
// reached: a fix backported to 4.2.7 and 4.3.1 is Releases{4.2.7, 4.3.1}, which 4.3.0
// lacks and 4.4.0 has.
type Releases []Version

// since builds Releases from their texts, oldest series first.
func since(vs ...string) Releases {
	out := make(Releases, len(vs))
	for i, s := range vs {
		out[i] = MustParse(s)
	}
	return out
}

// Contains reports whether release v carries the change: the series' own first
// release if the change reached that series, else any series after the first one
// listed (later series branch off after the change).
func (r Releases) Contains(v Version) bool {
	if len(r) == 0 {
		return true
	}
	for _, s := range r {
		if v.sameSeries(s) {
			return v.AtLeast(s)
		}
	}
	return r[0].seriesBefore(v)
}

// First is the oldest release listed (for messages: "added in 4.0.6").
func (r Releases) First() Version {
	if len(r) == 0 {
		return Version{}
	}
	return r[0]
}

func (r Releases) String() string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = v.String()
	}
	return strings.Join(parts, " and ")
}
