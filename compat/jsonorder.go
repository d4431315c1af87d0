package compat

import "sort"

// jsonKeyOrder is, per command, the order in which the rabbitmqctl of releases with
// JSONAtomKeyOrder writes a row's keys: Erlang's map order for atom keys, the order in
// which the VM created the atoms. It is the same for any subset of the columns and
// whatever order they were asked in (obs-4.3.6, Debian's 4.3.6 on Erlang 29).
var jsonKeyOrder = map[string][]string{}

// JSONOrder is the order in which the release's rabbitmqctl writes the keys of a JSON
// row of command, as indexes into keys; nil means the order of keys.
func (p Profile) JSONOrder(command string, keys []string) []int {
	order, ok := jsonKeyOrder[command]
	if !ok || !p.Has(JSONAtomKeyOrder) {
		return nil
	}
	rank := make(map[string]int, len(order))
	for i, k := range order {
		rank[k] = i
	}
	out := make([]int, len(keys))
	for i, k := range keys {
		if _, ok := rank[k]; !ok {
			return nil // a key the table does not know: keep the order asked
		}
		out[i] = i
	}
	sort.SliceStable(out, func(a, b int) bool { return rank[keys[out[a]]] < rank[keys[out[b]]] })
	return out
}
