package compat

import "fmt"

// Profile is what the rabbitmqctl (and rabbitmq-diagnostics …) of one release does.
type Profile struct {
	Version Version
}

// For is the profile of release v.
func For(v Version) Profile { return Profile{Version: v} }

// Has reports whether the release carries change k.
func (p Profile) Has(k Key) bool {
	c, ok := changeByKey[k]
	if !ok {
		panic("compat: unknown change " + string(k))
	}
	return c.Since.Contains(p.Version) && (len(c.Until) == 0 || !c.Until.Contains(p.Version))
}

// Command is a command that not every release has.
type Command struct {
	Name string
	// Since: the releases that brought it; Until: the releases that removed it.
	Since, Until Releases
	Source       string
}

// CommandError says why the release cannot run a command ("" when it can).
func (p Profile) CommandError(name string) string {
	c, ok := commandByName[name]
	if !ok {
		return ""
	}
	if len(c.Since) > 0 && !c.Since.Contains(p.Version) {
		return fmt.Sprintf("%s is not supported by RabbitMQ %s: it was added in RabbitMQ %s", name, p.Version, c.Since)
	}
	if len(c.Until) > 0 && c.Until.Contains(p.Version) {
		return fmt.Sprintf("%s is not supported by RabbitMQ %s: it was removed in RabbitMQ %s", name, p.Version, c.Until)
	}
	return ""
}

// Versioned reports whether the command exists only in some releases (so that running
// it needs the broker's version).
func Versioned(name string) bool { _, ok := commandByName[name]; return ok }

// InfoKey is a list column that not every release has.
type InfoKey struct {
	Command, Key string
	Since, Until Releases
	Source       string
}

// HasInfoKey reports whether the release's command accepts the info key (keys the
// tables do not mention are in every release).
func (p Profile) HasInfoKey(command, key string) bool {
	k, ok := infoKeyIndex[command+" "+key]
	if !ok {
		return true
	}
	if len(k.Since) > 0 && !k.Since.Contains(p.Version) {
		return false
	}
	return len(k.Until) == 0 || !k.Until.Contains(p.Version)
}

// VersionedInfoKey reports whether some release lacks the command's info key.
func VersionedInfoKey(command, key string) bool {
	_, ok := infoKeyIndex[command+" "+key]
	return ok
}

// infoKeyIndex and changeByKey index the tables.
var (
	infoKeyIndex  = map[string]InfoKey{}
	changeByKey   = map[Key]Change{}
	commandByName = map[string]Command{}
)

func init() {
	for _, c := range append(append([]Change(nil), changes...), apiChanges...) {
		if _, dup := changeByKey[c.Key]; dup {
			panic("compat: change listed twice: " + string(c.Key))
		}
		changeByKey[c.Key] = c
	}
	for _, k := range infoKeys {
		infoKeyIndex[k.Command+" "+k.Key] = k
	}
	for _, c := range commands {
		commandByName[c.Name] = c
	}
}

// newest is the newest release these tables know.
var newest = MustParse("4.3")

// Newest is the profile of the newest release known, for answers that must be given
// when the broker's release cannot be learned.
func Newest() Profile { return For(newest) }
