package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// v1 has three exit codes: 0, 2 for optparse's errors, and 1 for everything else.
// Its messages come in three layouts, each kept here byte for byte:
//   - assert_usage: "\nERROR: <msg>\n\n<prog> --help for help\n\n"
//   - die:          "*** <msg>\n\n"
//   - optparse:     "Usage\n=====\n  rabbitmqadmin [options] subcommand\n\n<prog>: error: <msg>\n"
// Where v1 ended in a Python traceback, the error says what went wrong in one of
// these layouts instead (README, "Replacing rabbitmqadmin v1").

const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageErr is v1's assert_usage.
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

func usageError(format string, args ...any) error {
	return &usageErr{msg: fmt.Sprintf(format, args...)}
}

// dieErr is v1's die.
type dieErr struct{ msg string }

func (e *dieErr) Error() string { return e.msg }

func die(format string, args ...any) error { return &dieErr{msg: fmt.Sprintf(format, args...)} }

// plainErr is printed as it is (v1's "Could not parse JSON" error).
type plainErr struct{ msg string }

func (e *plainErr) Error() string { return e.msg }

const shortUsage = "rabbitmqadmin [options] subcommand"

// report prints err as v1 would and returns the exit code: the one place both are
// decided.
func report(err error, prog string, stderr io.Writer) int {
	var ue *usageErr
	var de *dieErr
	var oe *optionError
	var pe *plainErr
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &oe):
		fmt.Fprintf(stderr, "Usage\n=====\n  %s\n\n%s: error: %s\n", shortUsage, prog, oe.msg)
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "\nERROR: %s\n\n%s --help for help\n\n", ue.msg, prog)
	case errors.As(err, &de):
		fmt.Fprintf(stderr, "*** %s\n\n", de.msg)
	case errors.As(err, &pe):
		fmt.Fprintln(stderr, pe.msg)
	default:
		fmt.Fprintf(stderr, "*** %v\n\n", err)
	}
	return exitError
}

// httpError turns a failed request into v1's message; path is the request's path as
// v1 shows it (prefix, /api, path, query).
func httpError(err error, path string, timeout int) error {
	var ae *mgmtapi.APIError
	var te *mgmtapi.TransportError
	switch {
	case errors.As(err, &ae):
		switch ae.Status {
		case http.StatusBadRequest:
			return die("%s", reasonText(ae))
		case http.StatusUnauthorized, http.StatusForbidden:
			// v1 says "Access refused" for 401 and crashes on 403 (4.x refuses a
			// user without the management tag or vhost access with 403 too)
			return die("Access refused: %s", path)
		case http.StatusNotFound:
			return die("Not found: %s", path)
		case http.StatusMethodNotAllowed:
			return die("Method not allowed: %s", reasonText(ae))
		}
		msg := fmt.Sprintf("Received response %d %s for path %s", ae.Status, http.StatusText(ae.Status), path)
		if r := reasonText(ae); r != "" {
			msg += "\n" + r
		}
		return die("%s", msg)
	case errors.As(err, &te):
		switch {
		case te.AnswerTimedOut():
			return die("Timed out getting HTTP response (request timeout: %d seconds)", timeout)
		case errors.Is(te.Err, context.Canceled):
			return die("Interrupted")
		case te.Unreachable() || isTLSError(te.Err):
			return die("Could not connect: %s", connectCause(te.Err))
		}
		return die("Error getting HTTP response: %s", te.Cause())
	case errors.Is(err, mgmtapi.ErrEmptyName):
		return usageError("%v", err)
	}
	return err
}

// reasonText is what v1 prints of an error answer: its JSON "reason" as Python prints
// it (a non-string reason as a Python literal), or the body when it is not JSON.
func reasonText(ae *mgmtapi.APIError) string {
	if v, err := mgmtapi.ParseJSON(ae.Body); err == nil {
		if o, ok := v.(*mgmtapi.Object); ok && o.Value("reason") != nil {
			return pyStrOrRepr(o.Value("reason"))
		}
	}
	return strings.TrimSpace(string(ae.Body))
}

// pyStrOrRepr is "{0}".format(v): a string as it is, anything else as its repr.
func pyStrOrRepr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

// connectCause is Python's text for a socket error when connecting.
func connectCause(err error) string {
	var dnsErr *net.DNSError
	var errno syscall.Errno
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "[Errno -2] Name or service not known"
		}
		return "[Errno -3] Temporary failure in name resolution"
	case errors.As(err, &errno):
		return fmt.Sprintf("[Errno %d] %s", int(errno), capitalize(errno.Error()))
	case isTLSError(err):
		return tlsCause(err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	return err.Error()
}

// osError is Python's OSError text for a file: "[Errno 2] No such file or directory: 'x'".
func osError(err error, path string) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return die("[Errno %d] %s: %s", int(errno), capitalize(errno.Error()), pyRepr(path))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return die("[Errno 2] No such file or directory: %s", pyRepr(path))
	}
	return die("%v", err)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
