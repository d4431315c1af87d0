package cmd

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func newCmdDocs(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:     "docs",
		Short:   "Writes rmqctl's reference documentation",
		Example: "  rmqctl docs man /usr/local/share/man/man1\n  rmqctl docs markdown docs/reference",
	}
	write := func(use, short string, gen func(root *cobra.Command, dir string) error) *cobra.Command {
		return &cobra.Command{
			Use:     use + " <dir>",
			Short:   short,
			Example: "  rmqctl docs " + use + " ./out",
			Args:    exactArgs(1),
			RunE: func(_ *cobra.Command, args []string) error {
				if err := os.MkdirAll(args[0], 0o755); err != nil {
					return badArgument(err.Error())
				}
				f.root.DisableAutoGenTag = true
				return gen(f.root, args[0])
			},
		}
	}
	c.AddCommand(
		write("man", "Writes a man page per command", func(root *cobra.Command, dir string) error {
			return doc.GenManTree(root, &doc.GenManHeader{Title: "RMQCTL", Section: "1", Source: "rmqctl " + buildVersion()}, dir)
		}),
		write("markdown", "Writes a Markdown reference, a file per command", doc.GenMarkdownTree),
	)
	return c
}
