package cmd

import (
	"fmt"
	"runtime/debug"

	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

func newCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Displays rmqctl's version",
		Long:    "Displays rmqctl's own version (as rabbitmqctl's version prints the CLI's). No broker is contacted.",
		Example: "  rmqctl version",
		Args:    noArgs(),
		RunE: func(_ *cobra.Command, _ []string) error {
			v := buildVersion()
			switch f.format() {
			case output.JSON:
				return output.JSONLine(f.Out(), (&output.OrderedObject{}).Set("result", "ok").
					Set("value", (&output.OrderedObject{}).Set("version", v)))
			case output.CSV:
				_, err := fmt.Fprintf(f.Out(), "\"version\"\n%q\n", v)
				return err
			}
			_, err := fmt.Fprintln(f.Out(), v)
			return err
		},
	}
}

// buildVersion is Version, or the module version Go recorded at build time.
func buildVersion() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}
