package admin

import (
	"context"
	"strings"
)

// list runs `list <type> [column…]` and `show overview [column…]`.
func (a *app) list(ctx context.Context, args []string, types []listable, verb string) error {
	if len(args) == 0 {
		return usageError("Type not specified") // v1: IndexError
	}
	t, ok := findListable(types, args[0])
	if !ok {
		return usageError("Don't know how to %s %s", verb, args[0])
	}
	r := request{method: "GET", segments: []string{t.path}}
	if t.vhost && a.opts.truthy("vhost") {
		r.segments = append(r.segments, a.opts.str("vhost"))
		r.plusVhost = true
	}
	cols := args[1:]
	if len(cols) == 0 && t.cols != nil && a.useDefaultColumns() {
		cols = t.cols
	}
	if len(cols) > 0 {
		r.query = append(r.query, [2]string{"columns", strings.Join(cols, ",")})
	}
	if a.opts.truthy("sort") {
		r.query = append(r.query, [2]string{"sort", a.opts.str("sort")})
	}
	if a.opts.truthy("sort_reverse") {
		r.query = append(r.query, [2]string{"sort_reverse", "true"})
	}
	body, err := a.call(ctx, r)
	if err != nil {
		return err
	}
	if verb == "show" {
		body = append(append([]byte{'['}, body...), ']')
	}
	return a.printer().display(body, cols, t.json)
}

// useDefaultColumns is v1's use_cols: only with the built-in depth (an int 1; -d 1
// given is the string "1") and a format whose name does not contain "json".
func (a *app) useDefaultColumns() bool {
	d := a.opts["depth"]
	isOne := d == any(1) || d == any(true)
	return isOne && !strings.Contains(a.opts.str("format"), "json")
}
