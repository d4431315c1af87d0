// Package completions offers dynamic shell completion of live names (vhosts, users,
// columns) through cobra. It reaches the broker only through the small interfaces it
// defines, so it imports no command code.
package completions
