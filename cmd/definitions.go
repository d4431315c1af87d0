package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/spf13/cobra"
)

// definitionsScope is "" (the whole broker) unless -p was given: then one vhost.
func (f *Factory) definitionsScope(c *cobra.Command) string {
	if c.Flags().Changed("vhost") {
		return f.g.Vhost
	}
	return ""
}

func checkFormat(format string) error {
	switch strings.ToLower(format) {
	case "json":
		return nil
	case "erlang":
		return badArgument("Format erlang cannot be produced over the HTTP API; use json")
	}
	return badArgument("Format should be either json or erlang")
}

func newCmdExportDefinitions(f *Factory) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   `export_definitions <file_path | "-"> [--format <json | erlang>] [--timeout <timeout>]`,
		Short: "Exports definitions in JSON or compressed Erlang Term Format.",
		Long: `Exports users, vhosts, permissions, policies, parameters, queues, exchanges and
bindings as a JSON document, to a file or to standard output ("-", which also silences
the banner). With -p, only that vhost's definitions (the per-vhost document).`,
		Example: "  rmqctl export_definitions /tmp/defs.json\n  rmqctl export_definitions - -p qa1 > qa1.json",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			path := args[0]
			vhost := f.definitionsScope(c)
			client, err := f.Client()
			if err != nil {
				return err
			}
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			if path == "-" {
				return exportDefinitions(ctx, client, vhost, f.Out())
			}
			if dir := filepath.Dir(path); dir != "" {
				if st, err := os.Stat(dir); err != nil {
					return badArgument("Directory " + dir + " does not exist")
				} else if !st.IsDir() {
					return badArgument("Parent directory of file " + path + " is not a directory")
				}
			}
			f.Banner(`Exporting definitions in JSON to a file at "%s" ...`, path)
			// Write beside the target and rename: a failed export leaves the old file whole.
			tmp, err := os.CreateTemp(filepath.Dir(path), ".rmqctl-export-*")
			if err != nil {
				return fileError(path, err)
			}
			defer os.Remove(tmp.Name())
			if err := exportDefinitions(ctx, client, vhost, tmp); err != nil {
				tmp.Close()
				return err
			}
			if err := tmp.Close(); err != nil {
				return fileError(path, err)
			}
			// Only a whole document replaces the file.
			if written, err := os.ReadFile(tmp.Name()); err != nil || !json.Valid(written) {
				return genericError("the broker's answer was not a complete JSON document; " + path + " was left as it was")
			}
			if err := os.Rename(tmp.Name(), path); err != nil {
				return fileError(path, err)
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "json", "json (erlang cannot be produced over HTTP)")
	return c
}

func exportDefinitions(ctx context.Context, client *mgmtapi.Client, vhost string, w io.Writer) error {
	err := client.ExportDefinitions(ctx, vhost, w)
	if mgmtapi.IsNotFound(err) || mgmtapi.IsBadRequest(err, "vhost_not_found") {
		return errVhostNotFoundBare(vhost)
	}
	return err
}

func fileError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return badArgument("No permissions to write to file " + path + " or its parent directory")
	case errors.Is(err, fs.ErrNotExist):
		return badArgument("Parent directory or file " + path + " does not exist")
	}
	return badArgument(fmt.Sprintf("Could not write to file %s: %v", path, err))
}

func newCmdImportDefinitions(f *Factory) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   `import_definitions [<file_path | "-">] [--format <json | erlang>] [--timeout <timeout>]`,
		Short: "Imports definitions in JSON or compressed Erlang Term Format.",
		Long: `Imports a definitions document (as export_definitions writes it) from a file or,
without an argument or with "-", from standard input. With -p, into that vhost only.
Definitions are merged into what the broker has.`,
		Example: "  rmqctl import_definitions /tmp/defs.json\n  rmqctl import_definitions -p qa1 < qa1.json",
		Args:    rangeArgs(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			fromStdin := len(args) == 0 || args[0] == "-"
			var doc []byte
			var err error
			if !fromStdin {
				path := args[0]
				if doc, err = os.ReadFile(path); err != nil {
					if errors.Is(err, fs.ErrNotExist) {
						return badArgument("File " + path + " does not exist")
					}
					return badArgument(fmt.Sprintf("Could not read file %s: %v", path, err))
				}
			}
			vhost := f.definitionsScope(c)
			client, err := f.Client()
			if err != nil {
				return err
			}
			if fromStdin {
				f.Banner("Importing definitions in JSON from standard input ...")
				if doc, err = io.ReadAll(f.IO.In); err != nil {
					return err
				}
			} else {
				f.Banner(`Importing definitions in JSON from a file at "%s" ...`, args[0])
			}
			if len(bytes.TrimSpace(doc)) == 0 {
				what := "Standard input"
				if !fromStdin {
					what = "File " + args[0]
				}
				return &cliError{code: exitDataErr, msg: what + " is zero-sized"}
			}
			if !json.Valid(doc) {
				return &cliError{code: exitDataErr, msg: "Failed to deserialise input (format: JSON) (error: invalid JSON)"}
			}
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			if err := client.ImportDefinitions(ctx, vhost, doc); err != nil {
				var ae *mgmtapi.APIError
				switch {
				case mgmtapi.IsNotFound(err) || mgmtapi.IsBadRequest(err, "vhost_not_found"):
					return errVhostNotFoundBare(vhost)
				case errors.As(err, &ae) && ae.Status == 400:
					return errRefused(ae)
				}
				return err
			}
			if f.informational() {
				msg := "Successfully started definition import. This process is asynchronous and can take some time."
				if ok, err := f.has(c.Context(), compat.ImportWatchLogs); err != nil {
					return err
				} else if ok {
					msg += " Watch target node logs for completion."
				}
				return f.printMessage(msg)
			}
			return f.printDone()
		},
	}
	c.Flags().StringVar(&format, "format", "json", "json (erlang cannot be read over HTTP)")
	return c
}
