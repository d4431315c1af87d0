package integration

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/cmd/tools"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
)

// The sibling tools answer in-process as `rmqctl <tool> …`, as the binary's main does.
func init() { tools.Register() }

// toolAlias is rmqctl's subcommand for a sibling tool.
var toolAlias = map[string]string{
	compat.Diagnostics: "diagnostics", compat.Queues: "queues", compat.Streams: "streams",
	compat.Upgrade: "upgrade", compat.Plugins: "plugins", compat.Rabbitmqctl: "",
}

// rmqTool runs `rmqctl <tool> -n <node> args…` in-process (plain rmqctl for rabbitmqctl).
func rmqTool(t *testing.T, b *brokertest.Broker, tool string, args ...string) brokertest.Result {
	t.Helper()
	full := append([]string{"-n", b.Node}, args...)
	if a := toolAlias[tool]; a != "" {
		full = append([]string{a}, full...)
	}
	return rmq(t, b, "", full...)
}

// realTool runs the release's real tool (rabbitmqctl or a sibling).
func realTool(t *testing.T, b *brokertest.Broker, tool string, args ...string) brokertest.Result {
	t.Helper()
	if tool == compat.Rabbitmqctl {
		return b.Ctl(t, "", args...)
	}
	return b.Tool(t, tool, "", args...)
}

// compareTool runs the real tool and rmqctl's with the same arguments on the same
// broker. Where the release lacks the command, the real tool says "Command not found"
// and rmqctl names the release that added it (both 64); where the release's API cannot
// serve it, rmqctl says so (69); else they must answer alike (assertSameAnswer).
func compareTool(t *testing.T, b *brokertest.Broker, p compat.Profile, tool string, args ...string) brokertest.Result {
	t.Helper()
	return compareToolWith(t, b, p, tool, nil, args...)
}

// compareToolWith is compareTool with extra options for the real tool only (the
// node's enabled plugins file, which the CLI reads locally).
func compareToolWith(t *testing.T, b *brokertest.Broker, p compat.Profile, tool string, realOnly []string, args ...string) brokertest.Result {
	t.Helper()
	label := tool + " " + strings.Join(args, " ")
	got := rmqTool(t, b, tool, args...)
	if msg := p.ToolCommandError(tool, args[0]); msg != "" {
		want := realTool(t, b, tool, args...)
		assert.Equal(t, 64, want.Code, "%s: %s", label, want.Stderr)
		assert.Contains(t, want.Stderr, "Command '"+args[0]+"' not found", label)
		assert.Equal(t, 64, got.Code, label)
		assert.Equal(t, "Error: "+msg+"\n", got.Stderr, label)
		return got
	}
	if msg := p.ToolHTTPError(tool, args[0]); msg != "" {
		assert.Equal(t, 69, got.Code, label)
		assert.Equal(t, "Error: "+msg+"\n", got.Stderr, label)
		assert.Empty(t, got.Stdout, label)
		return got
	}
	want := realTool(t, b, tool, append(append([]string{}, realOnly...), args...)...)
	if c := knownCrash(b, append([]string{tool}, args...)); c != nil {
		checkCrash(t, c, label, want, got)
		return got
	}
	if strings.Contains(want.Stdout, "\x1b(0") {
		// a pretty table: the same cells, whatever the line drawing
		assert.Equal(t, want.Code, got.Code, "exit code of %q: %s", label, got.Stderr)
		assert.Equal(t, tableCells(want.Stdout), tableCells(got.Stdout), "%s\nreal:\n%s\nrmqctl:\n%s", label, want.Stdout, got.Stdout)
		assert.Equal(t, firstStderrLine(want.Stderr), firstStderrLine(got.Stderr), label)
		return got
	}
	assertSameAnswer(t, label, args, want, got)
	return got
}

var decBox = regexp.MustCompile("\x1b\\(0[^\x1b]*\x1b\\(B")

// tableCells reads a pretty table, drawn with rabbitmqctl's DEC line-drawing escapes or
// with rmqctl's box-drawing characters, as its lines of trimmed cells (and any other
// line as it is), sorted.
func tableCells(s string) []string {
	s = decBox.ReplaceAllString(ansi.ReplaceAllString(s, ""), "|")
	var rows []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.ReplaceAll(line, "│", "|")
		if strings.Trim(line, "|┌┐└┘├┤┬┴┼─ ") == "" {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	sort.Strings(rows)
	return rows
}

// refused checks that rmqctl refuses a command the management API cannot serve: one
// line on stderr, exit 69, nothing on stdout, and no request needed.
func refused(t *testing.T, tool string, args ...string) {
	t.Helper()
	r := rmqAt(t, "http://127.0.0.1:1", append([]string{toolAlias[tool]}, args...)...)
	label := tool + " " + strings.Join(args, " ")
	assert.Equal(t, 69, r.Code, label)
	assert.Empty(t, r.Stdout, label)
	assert.Regexp(t, `^Error: `+args[0]+` cannot be run over the management HTTP API: [^\n]+\n$`, r.Stderr, label)
}
