package cmd

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/spf13/pflag"
)

// GlobalOptions are the options every command accepts: rabbitmqctl's, plus how to
// reach the management API.
type GlobalOptions struct {
	Vhost          string
	Quiet          bool
	Silent         bool
	Timeout        int
	Formatter      string
	NoTableHeaders bool
	Node           string
	Longnames      bool

	URL          string
	Host         string
	Port         int
	Username     string
	Password     string
	PasswordFile string
	TLS          bool
	CACert       string
	Cert         string
	Key          string
	Insecure     bool
	Verbose      bool
	Config       string
	// CtlVersion pins the RabbitMQ release whose rabbitmqctl rmqctl behaves as.
	CtlVersion string
}

func (g *GlobalOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&g.Vhost, "vhost", "p", "/", "virtual host")
	fs.BoolVarP(&g.Quiet, "quiet", "q", false, "suppress informational messages")
	fs.BoolVarP(&g.Silent, "silent", "s", false, "suppress informational messages and table header row")
	fs.IntVarP(&g.Timeout, "timeout", "t", 0, "operation timeout in seconds")
	fs.StringVar(&g.Formatter, "formatter", "table", "output format: table, pretty_table, json, csv")
	fs.BoolVar(&g.NoTableHeaders, "no-table-headers", false, "do not print the table header row")
	fs.StringVarP(&g.Node, "node", "n", "", "a target from the config file, or name@host")
	fs.BoolVarP(&g.Longnames, "longnames", "l", false, "accepted for rabbitmqctl compatibility; ignored")

	fs.StringVar(&g.URL, "url", "", "management API base URL(s), comma-separated: http[s]://host:port[/prefix]")
	fs.StringVar(&g.Host, "host", "localhost", "management API host")
	fs.IntVar(&g.Port, "port", 15672, "management API port (15671 with --tls)")
	fs.StringVar(&g.Username, "username", "guest", "user to authenticate as")
	fs.StringVar(&g.Password, "password", "guest", "password (prefer RMQCTL_PASSWORD or --password-file)")
	fs.StringVar(&g.PasswordFile, "password-file", "", "read the password from this file")
	fs.BoolVar(&g.TLS, "tls", false, "use https")
	fs.StringVar(&g.CACert, "cacert", "", "trust only this CA certificate (PEM) for the server")
	fs.StringVar(&g.Cert, "cert", "", "client certificate (PEM) for mutual TLS")
	fs.StringVar(&g.Key, "key", "", "client private key (PEM) for mutual TLS")
	fs.BoolVar(&g.Insecure, "insecure", false, "do not verify the server certificate")
	fs.BoolVar(&g.Verbose, "verbose", false, "log HTTP requests and responses on stderr (secrets redacted)")
	fs.StringVar(&g.Config, "config", "", "config file (default $XDG_CONFIG_HOME/rmqctl/config.toml)")
	fs.StringVar(&g.CtlVersion, "rabbitmqctl-version", "", "behave as the rabbitmqctl of this RabbitMQ release (e.g. 3.10, 4.3.6) instead of asking the broker its version")
}

// envFlags are the flags that may also come from RMQCTL_<NAME> environment variables.
var envFlags = []string{"url", "host", "port", "username", "password", "password-file", "tls",
	"cacert", "cert", "key", "insecure", "node", "config", "vhost", "timeout", "verbose",
	"rabbitmqctl-version"}

func envName(flag string) string {
	return "RMQCTL_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// target is a named connection in the config file.
type target struct {
	URL          string   `toml:"url"`
	URLs         []string `toml:"urls"`
	Host         string   `toml:"host"`
	Port         int      `toml:"port"`
	Username     string   `toml:"username"`
	Password     string   `toml:"password"`
	PasswordFile string   `toml:"password_file"`
	Vhost        string   `toml:"vhost"`
	Node         string   `toml:"node"`
	TLS          *bool    `toml:"tls"`
	CACert       string   `toml:"cacert"`
	Cert         string   `toml:"cert"`
	Key          string   `toml:"key"`
	Insecure     *bool    `toml:"insecure"`
	Timeout      int      `toml:"timeout"`
	CtlVersion   string   `toml:"rabbitmqctl_version"`
}

type configFile struct {
	Targets map[string]target `toml:"targets"`
}

// connection is the resolved way to reach the broker.
type connection struct {
	api     mgmtapi.Config
	node    string
	vhost   string // from the environment or the target; -p wins over it
	verbose bool
	timeout time.Duration
	// ctlVersion pins the release whose rabbitmqctl to speak (zero: ask the broker).
	ctlVersion compat.Version
}

// layers of a setting's origin; a higher layer wins
const (
	fromDefault = iota
	fromTarget
	fromEnv
	fromFlag
)

// settings collects each option's value with where it came from.
type settings struct {
	vals   map[string]string
	origin map[string]int
}

func (s *settings) set(key, val string, layer int) {
	if layer >= s.origin[key] {
		s.vals[key], s.origin[key] = val, layer
	}
}

func (s *settings) get(key string) (string, int) { return s.vals[key], s.origin[key] }

// resolveConnection applies flag > environment > config target > default.
func resolveConnection(fs *pflag.FlagSet, g *GlobalOptions, lookupEnv func(string) (string, bool), warn io.Writer) (*connection, error) {
	s := &settings{vals: map[string]string{}, origin: map[string]int{}}
	for _, name := range envFlags {
		fl := fs.Lookup(name)
		s.set(name, fl.DefValue, fromDefault)
		if v, ok := lookupEnv(envName(name)); ok && v != "" {
			norm, err := checkFlagValue(fl, v)
			if err != nil {
				return nil, configError("environment variable %s=%q: %v", envName(name), v, err)
			}
			s.set(name, norm, fromEnv)
		}
		if fl.Changed {
			s.set(name, fl.Value.String(), fromFlag)
		}
	}
	// -n: a config target, or name@host.
	conn := &connection{}
	nodeArg, _ := s.get("node")
	nodeHost := ""
	cfgPath, explicit := configPath(s, lookupEnv)
	var cfg *configFile
	if explicit || nodeArg != "" {
		var err error
		if cfg, err = loadConfig(cfgPath, explicit, warn); err != nil {
			return nil, err
		}
	}
	if nodeArg != "" {
		if t, ok := cfg.Targets[nodeArg]; ok {
			if err := applyTarget(s, t, cfgPath, nodeArg); err != nil {
				return nil, err
			}
			conn.node = t.Node
		} else if name, host, ok := strings.Cut(nodeArg, "@"); ok && name != "" && host != "" {
			nodeHost = host
			conn.node = nodeArg
		} else {
			return nil, configError("--node %q is neither a target in %s nor a node name of the form name@host", nodeArg, cfgPath)
		}
	}

	urls, err := baseURLs(s)
	if err != nil {
		return nil, err
	}
	if nodeHost != "" {
		urls = urlsForNode(urls, nodeHost)
	}
	conn.api.URLs = urls
	conn.api.Username, _ = s.get("username")
	if conn.api.Password, err = password(s); err != nil {
		return nil, err
	}
	if conn.api.TLS, err = tlsConfig(s); err != nil {
		return nil, err
	}
	if conn.node == "" {
		u, _ := url.Parse(urls[0])
		conn.node = "rabbit@" + u.Hostname()
	}
	if v, layer := s.get("vhost"); layer == fromTarget || layer == fromEnv {
		conn.vhost = v
	}
	if v, _ := s.get("verbose"); v == "true" {
		conn.verbose = true
	}
	if v, _ := s.get("rabbitmqctl-version"); v != "" {
		if conn.ctlVersion, err = compat.Parse(v); err != nil {
			return nil, configError("--rabbitmqctl-version: %v", err)
		}
	}
	if v, layer := s.get("timeout"); layer > fromDefault && !fs.Changed("timeout") {
		n, _ := strconv.Atoi(v)
		conn.timeout = time.Duration(n) * time.Second
		if n == 0 {
			conn.timeout = time.Nanosecond
		}
	}
	return conn, nil
}

// checkFlagValue validates an environment value for a flag and returns it in the
// flag's own spelling (booleans as true/false: "1" or "True" must not be ignored).
func checkFlagValue(fl *pflag.Flag, v string) (string, error) {
	switch fl.Value.Type() {
	case "int":
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", errors.New("not an integer")
		}
		if n < 0 {
			return "", errors.New("cannot be negative")
		}
		return strconv.Itoa(n), nil
	case "bool":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", errors.New("not a boolean (use true or false)")
		}
		return strconv.FormatBool(b), nil
	}
	return v, nil
}

// configPath is --config / RMQCTL_CONFIG, else $XDG_CONFIG_HOME/rmqctl/config.toml.
func configPath(s *settings, lookupEnv func(string) (string, bool)) (string, bool) {
	if p, layer := s.get("config"); layer > fromDefault && p != "" {
		return p, true
	}
	dir, _ := lookupEnv("XDG_CONFIG_HOME")
	if dir == "" {
		home, _ := lookupEnv("HOME")
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "rmqctl", "config.toml"), false
}

// loadConfig reads the config file. A missing default file is an empty config; a
// missing explicit one, a syntax error or an unknown key is an error.
func loadConfig(path string, explicit bool, warn io.Writer) (*configFile, error) {
	cfg := &configFile{}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return cfg, nil
	}
	if err != nil {
		return nil, configError("cannot read config file: %v", err)
	}
	md, err := toml.Decode(string(data), cfg)
	if err != nil {
		return nil, configError("config file %s: %v", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return nil, configError("config file %s: unknown key %s", path, strings.Join(keys, ", "))
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		for name, t := range cfg.Targets {
			if t.Password != "" {
				fmt.Fprintf(warn, "Warning: %s is readable by other users and holds the password of target %q; run chmod 600 %s\n", path, name, path)
				break
			}
		}
	}
	return cfg, nil
}

func applyTarget(s *settings, t target, path, name string) error {
	str := func(key, v string) {
		if v != "" {
			s.set(key, v, fromTarget)
		}
	}
	if t.URL != "" && len(t.URLs) > 0 {
		return configError("config file %s: target %q sets both url and urls", path, name)
	}
	str("url", t.URL)
	if len(t.URLs) > 0 {
		str("url", strings.Join(t.URLs, ","))
	}
	str("host", t.Host)
	if t.Port != 0 {
		str("port", strconv.Itoa(t.Port))
	}
	str("username", t.Username)
	str("password", t.Password)
	str("password-file", t.PasswordFile)
	str("vhost", t.Vhost)
	str("cacert", t.CACert)
	str("cert", t.Cert)
	str("key", t.Key)
	if t.TLS != nil {
		str("tls", strconv.FormatBool(*t.TLS))
	}
	if t.Insecure != nil {
		str("insecure", strconv.FormatBool(*t.Insecure))
	}
	if t.Timeout < 0 {
		return configError("config file %s: target %q: timeout cannot be negative", path, name)
	}
	if t.Timeout != 0 {
		str("timeout", strconv.Itoa(t.Timeout))
	}
	str("rabbitmqctl-version", t.CtlVersion)
	return nil
}

// baseURLs: --url wins over --host/--port unless those come from a higher layer.
func baseURLs(s *settings) ([]string, error) {
	rawURL, urlLayer := s.get("url")
	host, hostLayer := s.get("host")
	port, portLayer := s.get("port")
	useTLS, _ := s.get("tls")
	if rawURL != "" {
		var out []string
		for _, u := range strings.Split(rawURL, ",") {
			if strings.TrimSpace(u) == "" {
				continue
			}
			pu, err := mgmtapi.ParseBaseURL(u)
			if err != nil {
				return nil, configError("%v", err)
			}
			out = append(out, pu.String())
		}
		if len(out) == 0 {
			return nil, configError("--url is empty")
		}
		// A host or port given at a higher layer than the URL changes that part of it;
		// scheme and prefix stay (never a silent fall back to http://localhost).
		if hostLayer > urlLayer {
			out = urlsForNode(out[:1], host)
		}
		if portLayer > urlLayer {
			for i, raw := range out {
				u, _ := url.Parse(raw)
				u.Host = net.JoinHostPort(u.Hostname(), port)
				out[i] = u.String()
			}
		}
		return out, nil
	}
	scheme := "http"
	if useTLS == "true" { // normalised by checkFlagValue
		scheme = "https"
		if portLayer == fromDefault {
			port = "15671"
		}
	}
	return []string{scheme + "://" + net.JoinHostPort(host, port)}, nil
}

// urlsForNode applies -n name@host: the configured URL whose host is that node, or
// else the first URL with its host replaced (scheme, port and prefix are kept, so
// `-n rabbit@mq1` works with a non-default port or TLS set elsewhere).
func urlsForNode(urls []string, host string) []string {
	for _, raw := range urls {
		if u, err := url.Parse(raw); err == nil && u.Hostname() == host {
			return []string{raw}
		}
	}
	u, err := url.Parse(urls[0])
	if err != nil {
		return urls
	}
	if port := u.Port(); port != "" {
		u.Host = net.JoinHostPort(host, port)
	} else {
		u.Host = host
	}
	return []string{u.String()}
}

func password(s *settings) (string, error) {
	pw, pwLayer := s.get("password")
	file, fileLayer := s.get("password-file")
	if file != "" && fileLayer >= pwLayer {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", configError("cannot read password file: %v", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return pw, nil
}

func tlsConfig(s *settings) (*tls.Config, error) {
	cacert, _ := s.get("cacert")
	cert, _ := s.get("cert")
	key, _ := s.get("key")
	insecure, _ := s.get("insecure")
	c, err := mgmtapi.TLSFiles{CACert: cacert, Cert: cert, Key: key, Insecure: insecure == "true"}.Config()
	var fe *mgmtapi.TLSFileError
	switch {
	case err == nil:
		return c, nil
	case errors.Is(err, mgmtapi.ErrCertWithoutKey):
		return nil, configError("--cert and --key go together")
	case errors.Is(err, mgmtapi.ErrNoPEM):
		return nil, configError("no PEM certificate found in %s", cacert)
	case errors.As(err, &fe) && fe.What == "CA certificate":
		return nil, configError("cannot read CA certificate: %v", fe.Err)
	case errors.As(err, &fe):
		return nil, configError("cannot load client certificate: %v", fe.Err)
	}
	return nil, configError("%v", err)
}

// configTargets lists the config file's target names, sorted, with the file's path.
// A missing default file has none.
func (f *Factory) configTargets() ([]string, string, error) {
	cfg, path, err := f.configFile()
	if err != nil {
		return nil, path, err
	}
	names := make([]string, 0, len(cfg.Targets))
	for n := range cfg.Targets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, path, nil
}

// configFile reads the config file named by --config/RMQCTL_CONFIG, or the default one.
func (f *Factory) configFile() (*configFile, string, error) {
	s := &settings{vals: map[string]string{}, origin: map[string]int{}}
	if fl := f.root.PersistentFlags().Lookup("config"); fl != nil && fl.Changed {
		s.set("config", fl.Value.String(), fromFlag)
	} else if v, ok := f.LookupEnv(envName("config")); ok && v != "" {
		s.set("config", v, fromEnv)
	}
	path, explicit := configPath(s, f.LookupEnv)
	cfg, err := loadConfig(path, explicit, io.Discard)
	return cfg, path, err
}
