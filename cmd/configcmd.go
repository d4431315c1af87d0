package cmd

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

func newCmdConfig(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Shows the config file's targets",
		Long: `Shows the named targets of the config file ($XDG_CONFIG_HOME/rmqctl/config.toml,
--config or RMQCTL_CONFIG). A target is chosen with -n NAME.`,
		Example: "  rmqctl config list\n  rmqctl config show prod",
	}
	c.AddCommand(newCmdConfigList(f), newCmdConfigShow(f))
	return c
}

func newCmdConfigList(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "Lists the config file's targets",
		Example: "  rmqctl config list",
		Args:    noArgs(),
		RunE: func(_ *cobra.Command, _ []string) error {
			cfg, path, err := f.configFile()
			if err != nil {
				return err
			}
			names, _, _ := f.configTargets()
			f.Banner("Listing targets in %s ...", path)
			rows := f.NewListHeaders([]string{"name", "url", "username"}, false, f.headers())
			for _, n := range names {
				t := cfg.Targets[n]
				url := t.URL
				if len(t.URLs) > 0 {
					url = strings.Join(t.URLs, ",")
				}
				if url == "" && t.Host != "" {
					url = t.Host
					if t.Port != 0 {
						url += ":" + strconv.Itoa(t.Port)
					}
				}
				if err := rows.Row(output.Str(n), output.Str(url), output.Str(t.Username)); err != nil {
					return err
				}
			}
			f.flushBanner()
			return rows.Close()
		},
	}
}

func newCmdConfigShow(f *Factory) *cobra.Command {
	var reveal bool
	c := &cobra.Command{
		Use:     "show <name> [--reveal]",
		Short:   "Shows one target of the config file (the password masked unless --reveal)",
		Example: "  rmqctl config show prod\n  rmqctl config show prod --reveal",
		Args:    exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			cfg, path, err := f.configFile()
			if err != nil {
				return err
			}
			t, ok := cfg.Targets[args[0]]
			if !ok {
				return configError("config file %s: no target %q", path, args[0])
			}
			pw := t.Password
			if pw != "" && !reveal {
				pw = "********"
			}
			obj := &output.OrderedObject{}
			add := func(k string, v any, set bool) {
				if set {
					obj.Set(k, v)
				}
			}
			add("url", mgmtapi.RedactURL(t.URL), t.URL != "")
			urls := make([]string, len(t.URLs))
			for i, u := range t.URLs {
				urls[i] = mgmtapi.RedactURL(u)
			}
			add("urls", urls, len(t.URLs) > 0)
			add("host", t.Host, t.Host != "")
			add("port", t.Port, t.Port != 0)
			add("username", t.Username, t.Username != "")
			add("password", pw, pw != "")
			add("password_file", t.PasswordFile, t.PasswordFile != "")
			add("vhost", t.Vhost, t.Vhost != "")
			add("node", t.Node, t.Node != "")
			if t.TLS != nil {
				obj.Set("tls", *t.TLS)
			}
			add("cacert", t.CACert, t.CACert != "")
			add("cert", t.Cert, t.Cert != "")
			add("key", t.Key, t.Key != "")
			if t.Insecure != nil {
				obj.Set("insecure", *t.Insecure)
			}
			add("timeout", t.Timeout, t.Timeout != 0)
			if f.format() == output.JSON {
				return output.JSONLine(f.Out(), obj)
			}
			f.Banner("Target %s in %s:", args[0], path)
			for i, k := range obj.Keys {
				v := obj.Values[i]
				text := fmt.Sprint(v)
				switch tv := v.(type) {
				case string:
					text = strconv.Quote(tv)
				case []string:
					q := make([]string, len(tv))
					for j, s := range tv {
						q[j] = strconv.Quote(s)
					}
					text = "[" + strings.Join(q, ", ") + "]"
				}
				if _, err := fmt.Fprintf(f.Out(), "%s = %s\n", k, text); err != nil {
					return err
				}
			}
			f.flushBanner()
			return nil
		},
	}
	c.Flags().BoolVar(&reveal, "reveal", false, "show the password")
	return c
}
