package admin

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Settings are resolved as v1's make_configuration does: command line > config file
// section > built-in default, then --base-uri (from either) overrides host, port,
// username and password.

// defaults are v1's default_options.
var defaults = values{
	"hostname": "localhost", "port": "15672", "node": "default", "path_prefix": "",
	"declare_vhost": "/", "username": "guest", "password": "guest",
	"ssl": false, "ssl_insecure": false, "ssl_disable_hostname_verification": false,
	"request_timeout": 120, "verbose": true, "format": "table", "depth": 1,
	"bash_completion": false,
}

// configKeys are the keys a config file section may set: every option's dest, and
// declare_vhost.
func isConfigKey(k string) bool {
	if k == "declare_vhost" {
		return true
	}
	for _, s := range optSpecs {
		if s.dest == k && s.dest != "" {
			return true
		}
	}
	return false
}

// resolveSettings merges the command line's values with defaults and the config file.
// warn receives the --base-uri warning.
func resolveSettings(cli values, lookupEnv func(string) (string, bool), warn func(string)) (values, error) {
	final := values{}
	for k, v := range cli {
		final[k] = v
	}
	if _, ok := cli["config"]; !ok {
		if p := defaultConfig(lookupEnv); p != "" {
			final["config"] = p
		}
	} else if !isFile(cli.str("config")) {
		return nil, usageError("Could not read config file '%s'", cli.str("config"))
	}
	for k, v := range defaults {
		if _, ok := cli[k]; !ok {
			final[k] = v
		}
	}
	if err := mergeConfigFile(cli, final); err != nil {
		return nil, err
	}
	return final, expandBaseURI(final, warn)
}

// defaultConfig is $USERPROFILE or $HOME, then /.rabbitmqadmin.conf, when it is a file.
func defaultConfig(lookupEnv func(string) (string, bool)) string {
	home, _ := lookupEnv("USERPROFILE")
	if home == "" {
		var ok bool
		if home, ok = lookupEnv("HOME"); !ok {
			return ""
		}
	}
	p := home + string(os.PathSeparator) + ".rabbitmqadmin.conf"
	if isFile(p) {
		return p
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func mergeConfigFile(cli, final values) error {
	path, ok := final["config"].(string)
	if !ok {
		return nil
	}
	node := final.str("node")
	f := &iniFile{defaults: newSection(), sections: map[string]*iniSection{}}
	// configparser's read() skips a file it cannot open
	if data, err := os.ReadFile(path); err == nil {
		if f, err = parseINI(string(data), path); err != nil {
			return usageError("Could not read config file '%s':\n   %v", path, err)
		}
	}
	keys, vals, found, err := f.items(node)
	if err != nil {
		return usageError("Could not read section '%s' in config file '%s':\n   %v", node, path, err)
	}
	if !found {
		if node == "default" {
			return nil
		}
		return usageError("Could not read section '%s' in config file '%s':\n   No section: %s", node, path, pyRepr(node))
	}
	for _, k := range keys {
		if !isConfigKey(k) {
			// v1 dies with AttributeError: 'Values' object has no attribute '<k>'
			return usageError("Unknown key '%s' in section '%s' of config file '%s'", k, node, path)
		}
		if _, ok := cli[k]; ok {
			continue
		}
		switch v := vals[k]; v {
		case "True", "False":
			final[k] = v == "True"
		default:
			final[k] = v
		}
	}
	return nil
}

const baseURIWarning = "WARNING: path in --base-uri is ignored. Please specify --vhost and/or --path-prefix separately.\n"

func expandBaseURI(final values, warn func(string)) error {
	raw, ok := final["base_uri"].(string)
	if !ok {
		return nil
	}
	u := pyURLSplit(raw)
	if u.hostname != nil {
		final["hostname"] = *u.hostname
	}
	if u.port != "" {
		n, err := strconv.Atoi(u.port)
		if err != nil || n < 0 || n > 65535 || strings.TrimLeft(u.port, "0123456789") != "" {
			return usageError("Port could not be cast to integer value as %s", pyRepr(u.port))
		}
		final["port"] = strconv.Itoa(n)
	}
	if u.username != nil {
		final["username"] = *u.username
	}
	if u.password != nil {
		final["password"] = *u.password
	}
	if u.path != "" && u.path != "/" {
		warn(baseURIWarning)
	}
	return nil
}

// pyURL is what urllib.parse.urlparse makes of a URL, for the parts v1 reads.
type pyURL struct {
	hostname, username, password *string
	port, path                   string
}

// pyURLSplit follows urllib.parse.urlsplit: a scheme only when the text before the
// first ":" is one, a netloc only after "//", hostname lower-cased.
func pyURLSplit(raw string) pyURL {
	var u pyURL
	rest := raw
	if i := strings.IndexByte(rest, ':'); i > 0 && isASCIILetter(rest[0]) && strings.Trim(rest[:i], schemeChars) == "" {
		rest = rest[i+1:]
	}
	netloc := ""
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		netloc, rest = rest[:end], rest[end:]
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	u.path = rest
	userinfo, hostport, hasUser := "", netloc, false
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		userinfo, hostport, hasUser = netloc[:i], netloc[i+1:], true
	}
	if hasUser {
		name, pass, hasPass := strings.Cut(userinfo, ":")
		u.username = &name
		if hasPass {
			u.password = &pass
		}
	}
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		if end := strings.IndexByte(hostport, ']'); end >= 0 {
			host = hostport[1:end]
			_, port, _ = strings.Cut(hostport[end+1:], ":")
		}
	} else {
		host, port, _ = strings.Cut(hostport, ":")
	}
	if host != "" {
		h := strings.ToLower(host)
		u.hostname = &h
	}
	u.port = port
	return u
}

const schemeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// str is a value as Python's str() makes it (None is "").
func (v values) str(k string) string {
	switch t := v[k].(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		if t {
			return "True"
		}
		return "False"
	default:
		return fmt.Sprint(t)
	}
}

// truthy is Python's truth value of a setting.
func (v values) truthy(k string) bool {
	switch t := v[k].(type) {
	case nil:
		return false
	case string:
		return t != ""
	case bool:
		return t
	case int:
		return t != 0
	}
	return true
}
