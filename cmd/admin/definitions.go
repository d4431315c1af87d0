package admin

import (
	"context"
	"os"
)

// export runs `export <file>`: the definitions (of -V's vhost) written verbatim.
func (a *app) export(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usageError("Exactly one argument required")
	}
	path := args[0]
	body, err := a.call(ctx, request{method: "GET", segments: a.definitionsPath(), plusVhost: true})
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, body, 0o666); err != nil {
		return osError(err, path)
	}
	a.status("Exported definitions for %s to \"%s\"", a.opts.str("hostname"), path)
	return nil
}

// importDefs runs `import <file>`: the file's bytes posted as they are.
func (a *app) importDefs(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usageError("Exactly one argument required")
	}
	path := args[0]
	data, err := os.ReadFile(path)
	if err != nil {
		return osError(err, path)
	}
	if data == nil {
		data = []byte{}
	}
	if _, err := a.call(ctx, request{method: "POST", segments: a.definitionsPath(), body: data, plusVhost: true}); err != nil {
		return err
	}
	// v1's message, host and file swapped as it printed them
	a.status("Uploaded definitions from \"%s\" to %s. The import process may take some time. Consult server logs to track progress.",
		a.opts.str("hostname"), path)
	return nil
}

func (a *app) definitionsPath() []string {
	if a.opts.truthy("vhost") {
		return []string{"definitions", a.opts.str("vhost")}
	}
	return []string{"definitions"}
}
