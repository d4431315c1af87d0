package admin

import (
	_ "embed"
	"strings"
)

// The help texts and the bash completion script are v1's bytes (its last release's):
// `--help` as optparse rendered it for an 80-column terminal, the rest generated from
// the grammar tables as v1 generated them.

//go:embed help_options.txt
var optionsHelp string

// help runs `help`, `help subcommands` and `help config`.
func (a *app) help(args []string) error {
	switch {
	case len(args) == 0:
		a.out.WriteString(optionsHelp)
		return nil
	case len(args) > 1:
		return usageError("Exactly one argument required")
	case args[0] == "subcommands":
		a.out.WriteString(subcommandsHelp() + "\n")
	case args[0] == "config":
		a.out.WriteString(configHelp + "\n")
	default:
		return usageError("help topic must be one of:\n  subcommands\n  config")
	}
	return nil
}

func title(name string) string {
	return "\n" + name + "\n" + strings.Repeat("=", len(name)) + "\n\n"
}

// subcommandsHelp is v1's subcommands_usage().
func subcommandsHelp() string {
	var b strings.Builder
	b.WriteString("Usage\n=====\n  " + shortUsage + "\n\n  where subcommand is one of:\n" + title("Display"))
	for _, l := range listables {
		if !l.ext {
			b.WriteString("  list " + l.name + " [<column>...]\n")
		}
	}
	for _, s := range showables {
		b.WriteString("  show " + s.name + " [<column>...]\n")
	}
	b.WriteString(title("Object Manipulation"))
	for _, v := range objectVerbs {
		for _, o := range v.types {
			usageStanza(&b, " "+v.name, o)
		}
	}
	b.WriteString(title("Broker Definitions"))
	b.WriteString("  export <file>\n  import <file>\n")
	b.WriteString(title("Publishing and Consuming"))
	usageStanza(&b, "", publishVerb)
	usageStanza(&b, "", getVerb)
	b.WriteString(`
  * If payload is not specified on publish, standard input is used

  * If payload_file is not specified on get, the payload will be shown on
    standard output along with the message metadata

  * If payload_file is specified on get, count must not be set
`)
	return b.String()
}

// usageStanza is v1's fmt_usage_stanza for one object type.
func usageStanza(b *strings.Builder, verb string, o object) {
	if o.ext {
		return
	}
	var args []string
	for _, m := range o.mandatory {
		args = append(args, strings.ReplaceAll(m, "|", "=... OR ")+"=...")
	}
	line := strings.Join(args, " ")
	if len(o.optional) > 0 {
		opts := make([]string, len(o.optional))
		for i, opt := range o.optional {
			opts[i] = opt.key + "=..."
		}
		line += " [" + strings.Join(opts, " ") + "]"
	}
	b.WriteString(" " + verb + " " + o.name + " " + line + "\n")
}

const configHelp = `Usage
=====
rabbitmqadmin [options] subcommand

Configuration File
==================

  It is possible to specify a configuration file from the command line.
  Hosts can be configured easily in a configuration file and called
  from the command line.

Example
=======

  # rabbitmqadmin.conf.example START

  [host_normal]
  hostname = localhost
  # use 15671 for HTTPS
  port = 15672
  username = guest
  password = guest
  declare_vhost = / # Used as default for declare / delete only
  vhost = /         # Used as default for declare / delete / list

  [host_https]
  hostname = otherhost
  port = 15671
  username = guest
  password = guest
  ssl = True
  ssl_key_file = /path/to/client_key.pem
  ssl_cert_file = /path/to/client_certificate.pem

  # rabbitmqadmin.conf.example END

Use
===

  rabbitmqadmin -c rabbitmqadmin.conf.example -N host_normal ...`

// bashCompletion is v1's print_bash_completion() output.
func bashCompletion() string {
	names := func(kind string) string {
		var out []string
		switch kind {
		case "list":
			for _, l := range listables {
				if !l.ext {
					out = append(out, l.name)
				}
			}
		case "show":
			for _, l := range showables {
				out = append(out, l.name)
			}
		default:
			v, _ := findObjectVerb(kind)
			for _, o := range v.types {
				if !o.ext {
					out = append(out, o.name)
				}
			}
		}
		return strings.Join(out, " ")
	}
	var b strings.Builder
	b.WriteString(`# This is a bash completion script for rabbitmqadmin.
# Redirect it to a file, then source it or copy it to /etc/bash_completion.d
# to get tab completion. rabbitmqadmin must be on your PATH for this to work.
_rabbitmqadmin()
{
    local cur prev opts base
    COMPREPLY=()
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"

    opts="list show declare delete close purge import export get publish help"
    fargs="--help --host --port --vhost --username --password --format --depth --sort --sort-reverse"

    case "${prev}" in
`)
	for _, kind := range []string{"list", "show", "declare", "delete", "close", "purge"} {
		b.WriteString("        " + kind + ")\n            COMPREPLY=( $(compgen -W '" + names(kind) + "' -- ${cur}) )\n            return 0\n            ;;\n")
	}
	fmts := strings.Join(formats, " ")
	b.WriteString(`        export)
            COMPREPLY=( $(compgen -f ${cur}) )
            return 0
            ;;
        import)
            COMPREPLY=( $(compgen -f ${cur}) )
            return 0
            ;;
        help)
            opts="subcommands config"
            COMPREPLY=( $(compgen -W "${opts}"  -- ${cur}) )
            return 0
            ;;
        -H)
            COMPREPLY=( $(compgen -A hostname ${cur}) )
            return 0
            ;;
        --host)
            COMPREPLY=( $(compgen -A hostname ${cur}) )
            return 0
            ;;
`)
	for _, o := range [][2]string{{"-V", "vhosts"}, {"--vhost", "vhosts"}, {"-u", "users"}, {"--username", "users"}} {
		b.WriteString("        " + o[0] + ")\n            opts=\"$(rabbitmqadmin -q -f bash list " + o[1] + ")\"\n" +
			"            COMPREPLY=( $(compgen -W \"${opts}\"  -- ${cur}) )\n            return 0\n            ;;\n")
	}
	for _, o := range []string{"-f", "--format"} {
		b.WriteString("        " + o + ")\n            COMPREPLY=( $(compgen -W \"" + fmts + "\"  -- ${cur}) )\n            return 0\n            ;;\n")
	}
	b.WriteString("\n")
	for _, l := range listables {
		if l.ext {
			continue
		}
		b.WriteString("        " + l.name[:len(l.name)-1] + ")\n            opts=\"$(rabbitmqadmin -q -f bash list " + l.name + ")\"\n" +
			"            COMPREPLY=( $(compgen -W \"${opts}\"  -- ${cur}) )\n            return 0\n            ;;\n")
	}
	b.WriteString(`        *)
        ;;
    esac

   COMPREPLY=($(compgen -W "${opts} ${fargs}" -- ${cur}))
   return 0
}
complete -F _rabbitmqadmin rabbitmqadmin

`)
	return b.String()
}
