package admin

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// objectVerb runs declare, delete, close and purge: `<verb> <type> key=value…`.
func (a *app) objectVerb(ctx context.Context, v objectVerb, args []string) error {
	if len(args) == 0 {
		return usageError("Type not specified")
	}
	o, ok := findObject(v.types, args[0])
	if !ok {
		return usageError("Type %s not recognised", args[0])
	}
	upload, segments, err := a.parseArgs(args[1:], o)
	if err != nil {
		return err
	}
	if v.name != "declare" {
		upload = nil // v1 sends no body with DELETE
	}
	if _, err := a.upload(ctx, o.method, segments, upload); err != nil {
		return err
	}
	a.status("%s %s", o.name, v.past)
	return nil
}

// upload sends body (nil: none) as JSON, keys in v1's order, and returns the answer.
func (a *app) upload(ctx context.Context, method string, segments []string, body *mgmtapi.Object) ([]byte, error) {
	r := request{method: method, segments: segments}
	if body != nil {
		var err error
		if r.body, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	return a.call(ctx, r)
}

// parseArgs is v1's parse_args: the optional keys' defaults, then the key=value
// arguments in order (the last of a repeated key wins; JSON keys parsed), the
// mandatory keys checked, the vhost added (-V, else the config's declare_vhost, else
// "/") unless the object has a vhost key of its own; it returns the body and the
// resource's path segments.
func (a *app) parseArgs(args []string, o object) (*mgmtapi.Object, []string, error) {
	upload := mgmtapi.NewObject()
	for _, opt := range o.optional {
		if opt.noDefault {
			continue
		}
		if o.isJSON(opt.key) {
			v, _ := mgmtapi.ParseJSON([]byte(opt.def))
			upload.Set(opt.key, v)
		} else {
			upload.Set(opt.key, opt.def)
		}
	}
	for _, arg := range args {
		name, value, ok := strings.Cut(arg, "=")
		if !ok {
			return nil, nil, usageError("Argument \"%s\" not in the name=value format", arg)
		}
		if !o.accepts(name) {
			return nil, nil, usageError("Argument \"%s\" is not recognised", name)
		}
		if !o.isJSON(name) {
			upload.Set(name, value)
			continue
		}
		v, err := mgmtapi.ParseJSON([]byte(value))
		if err != nil {
			return nil, nil, &plainErr{msg: "ERROR: Could not parse JSON:\n  " + value}
		}
		upload.Set(name, v)
	}
	for _, m := range o.mandatory {
		keys := strings.Split(m, "|")
		if !slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(upload.Keys(), k) }) {
			if len(keys) > 1 {
				return nil, nil, usageError("one of mandatory arguments \"%s\" is required", pyListRepr(keys))
			}
			return nil, nil, usageError("mandatory argument \"%s\" is required", m)
		}
	}
	if !slices.Contains(o.mandatory, "vhost") {
		vhost := a.opts.str("vhost")
		if !a.opts.truthy("vhost") {
			vhost = a.opts.str("declare_vhost")
		}
		upload.Set("vhost", vhost)
	}
	segments, err := uriSegments(o.uri, upload)
	if err != nil {
		return nil, nil, err
	}
	if o.queueType {
		if qt := upload.Value("queue_type"); qt != nil {
			args, ok := upload.Value("arguments").(*mgmtapi.Object)
			if !ok {
				return nil, nil, usageError("Argument \"arguments\" must be a JSON object to add x-queue-type to it")
			}
			args.Set("x-queue-type", qt)
		}
	}
	return upload, segments, nil
}

// uriSegments fills the object's URI template with the body's non-empty string
// values. v1 stops with a KeyError traceback when one is missing (an empty name);
// this is a usage error naming the argument.
func uriSegments(uri string, upload *mgmtapi.Object) ([]string, error) {
	var segs []string
	for _, part := range strings.Split(strings.TrimPrefix(uri, "/"), "/") {
		if !strings.HasPrefix(part, "{") {
			segs = append(segs, part)
			continue
		}
		key := strings.Trim(part, "{}")
		optional := strings.HasSuffix(key, "?")
		key = strings.TrimSuffix(key, "?")
		src := key
		if key == "destination_char" {
			src = "destination_type"
		}
		s, _ := upload.Value(src).(string)
		switch {
		case s == "" && optional:
			continue
		case s == "":
			return nil, usageError("Argument \"%s\" must not be empty", src)
		case key == "destination_char":
			_, w := utf8.DecodeRuneInString(s)
			s = s[:w]
		}
		segs = append(segs, s)
	}
	return segs, nil
}
