package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// Exit codes: rabbitmqctl's (sysexits), plus 77 for credentials the broker refuses,
// which rabbitmqctl (authenticated by the Erlang cookie) never meets.
const (
	exitOK          = 0
	exitPending     = 2  // diff, apply --dry-run: changes are pending
	exitConflict    = 3  // apply: conflicting objects were left as they are
	exitUsage       = 64 // EX_USAGE: wrong arguments or options
	exitDataErr     = 65 // EX_DATAERR: bad argument value, missing vhost, invalid desired-state file
	exitNoInput     = 66 // EX_NOINPUT: a file that cannot be read
	exitNoUser      = 67 // EX_NOUSER: no such user
	exitUnavailable = 69 // EX_UNAVAILABLE: broker unreachable; rabbitmqctl's generic error
	exitSoftware    = 70 // EX_SOFTWARE: e.g. user already exists
	exitTempFail    = 75 // EX_TEMPFAIL: timeout
	exitNoPerm      = 77 // EX_NOPERM: HTTP 401/403
	exitConfig      = 78 // EX_CONFIG: bad configuration file, environment or target
)

// layout is how an error is printed on stderr, following rabbitmqctl.
type layout int

const (
	layoutError       layout = iota // "Error:\n<msg>"
	layoutBare                      // "<msg>"
	layoutValidation                // "Error (argument validation): <msg>" + arguments + usage
	layoutLine                      // "Error: <msg>" on one line
	layoutSilent                    // nothing: the exit code says it all (diff's "changes pending")
	layoutEnvironment               // "Error: <msg>" + arguments + usage: a failed execution-environment check
)

// cliError is an error with its exit code and stderr layout. Every exit code the
// program returns is decided by exitCode below, from a cliError or from the error's type.
type cliError struct {
	code   int
	layout layout
	msg    string
	// jsonMsg, when set, is what rabbitmqctl prints for this error under
	// --formatter json: {"message":…,"node":…,"result":"error"} with exit 69.
	jsonMsg string
}

func (e *cliError) Error() string { return e.msg }

func usageError(detail string) error {
	return &cliError{code: exitUsage, layout: layoutValidation, msg: detail}
}

func badArgument(detail string) error {
	return &cliError{code: exitDataErr, layout: layoutValidation, msg: "Bad argument: " + detail}
}

func configError(format string, args ...any) error {
	return &cliError{code: exitConfig, layout: layoutLine, msg: fmt.Sprintf(format, args...)}
}

// Errors with rabbitmqctl's texts and codes.

func errUserExists(user string) error {
	return &cliError{code: exitSoftware, msg: `User "` + user + `" already exists`,
		jsonMsg: "User " + user + " already exists"}
}

func errUserNotFound(user string) error {
	return &cliError{code: exitNoUser, msg: `User "` + user + `" does not exist`,
		jsonMsg: "User " + user + " does not exists"}
}

// errUserNotFoundUnquoted is the set_permissions family's wording.
func errUserNotFoundUnquoted(user string) error {
	msg := "User " + user + " does not exist"
	return &cliError{code: exitNoUser, msg: msg, jsonMsg: msg}
}

// errNoSuchUserTerm is rabbitmqctl's raw {:no_such_user, "u"} for commands without a
// custom message (clear_password, list_user_permissions, …).
func errNoSuchUserTerm(user string) error {
	return &cliError{code: exitUnavailable, msg: `{:no_such_user, ` + elixirString(user) + `}`}
}

func errVhostNotFoundBare(vhost string) error {
	return &cliError{code: exitDataErr, layout: layoutBare, msg: "Virtual host '" + vhost + "' does not exist"}
}

func errVhostNotFoundQuoted(vhost string) error {
	return &cliError{code: exitDataErr, msg: `Virtual host "` + vhost + `" does not exist`,
		jsonMsg: `Virtual host "` + vhost + `" does not exists`}
}

// errVhostNotFoundUnquoted is the set_permissions family's wording and code (69).
func errVhostNotFoundUnquoted(vhost string) error {
	msg := "Virtual host " + vhost + " does not exist"
	return &cliError{code: exitUnavailable, msg: msg, jsonMsg: msg}
}

func errPasswordNotProvided(code int) error {
	return &cliError{code: code, msg: "Password is not provided via argument or stdin"}
}

// errRefused is the server's refusal of a request (an inequivalent declaration, a
// missing exchange, an unroutable mandatory message…): exit 65 with its reason.
func errRefused(ae *mgmtapi.APIError) error {
	return &cliError{code: exitDataErr, msg: firstNonEmpty(ae.Reason, ae.Kind)}
}

// errNotFound is a missing object of an HTTP-only command: exit 65, as rabbitmqctl 4.x
// reports not_found.
func errNotFound(what string) error {
	return &cliError{code: exitDataErr, msg: what + " was not found"}
}

func errNotRouted() error {
	return &cliError{code: exitDataErr, layout: layoutLine, msg: "the message was not routed to any queue (--mandatory)"}
}

// delete_queue's errors: rabbitmqctl exits 64 for them.
func errQueueNotFound() error { return &cliError{code: exitUsage, msg: "Queue not found"} }
func errQueueNotEmpty() error { return &cliError{code: exitUsage, msg: "Queue is not empty"} }
func errQueueInUse() error    { return &cliError{code: exitUsage, msg: "Queue is in use"} }

func errAuthenticationFailed(user string) error {
	return &cliError{code: exitDataErr,
		msg: "Error: failed to authenticate user \"" + user + "\"\nuser '" + user + "' - invalid credentials"}
}

// errUnknownCommand and errNoCommand print rabbitmqctl's text as it is (usage, 64).
func errUsageText(text string) error {
	return &cliError{code: exitUsage, layout: layoutBare, msg: text}
}

func errParameterNotFound() error { return genericError("Parameter does not exist") }

// notFoundError is a server's {:error, :not_found} as the release's rabbitmqctl prints
// it: "Error:\nnot_found" (69) before 3.11.16, a sentence and 65 since.
func (f *Factory) notFoundError(ctx context.Context) error {
	ok, err := f.has(ctx, compat.NotFoundIsDataError)
	switch {
	case err != nil:
		return err
	case ok:
		return &cliError{code: exitDataErr, layout: layoutBare, msg: "Object (queue, stream, exchange, etc) was not found"}
	}
	return genericError("not_found")
}

// errVhostProtected is delete_vhost's refusal of a vhost protected from deletion (4.0.6+):
// exit 65, or under --formatter json the CLI's {"node","reason","result"} and 69.
func (f *Factory) errVhostProtected() error {
	const msg = "Cannot delete this virtual host: it is protected from deletion. To lift the protection, inspect and update its metadata"
	if f.format() == output.JSON {
		b, _ := (&output.OrderedObject{}).Set("node", f.NodeName()).Set("reason", msg).Set("result", "error").MarshalJSON()
		return &cliError{code: exitUnavailable, layout: layoutBare, msg: string(b)}
	}
	return &cliError{code: exitDataErr, msg: msg}
}

// firstErr is the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// genericError is rabbitmqctl's default for a failed operation: "Error:\n<msg>", 69.
func genericError(msg string) error {
	return &cliError{code: exitUnavailable, msg: msg}
}

// elixirString renders s as Elixir's inspect would: double-quoted, escaped.
func elixirString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`, "\r", `\r`, "#{", `\#{`)
	return `"` + r.Replace(s) + `"`
}

// exitCode prints err on stderr in rabbitmqctl's layout and returns the exit code.
// It is the one place where errors become exit codes.
func (f *Factory) exitCode(c *cobra.Command, args []string, err error) int {
	var te *mgmtapi.TransportError
	if err == nil || !(errors.As(err, &te) || errors.Is(err, context.DeadlineExceeded) ||
		mgmtapi.IsUnauthorized(err) || mgmtapi.IsForbidden(err)) {
		// The operation was attempted (or needed no broker): the banner is owed. Like
		// rabbitmqctl, which prints it only once it has reached the node, rmqctl drops it
		// when the broker could not be reached or refused the credentials.
		f.flushBanner()
	}
	if err == nil {
		return exitOK
	}
	w := f.IO.ErrOut
	var ce *cliError
	if !errors.As(err, &ce) {
		ce = f.classify(c, err)
	}
	if ce.jsonMsg != "" && f.format() == output.JSON {
		obj := (&output.OrderedObject{}).Set("message", ce.jsonMsg).Set("node", f.NodeName()).Set("result", "error")
		_ = output.JSONLine(w, obj)
		return exitUnavailable
	}
	switch ce.layout {
	case layoutBare:
		fmt.Fprintln(w, ce.msg)
	case layoutLine:
		fmt.Fprintln(w, "Error: "+ce.msg)
	case layoutSilent:
	case layoutValidation:
		printValidationError(w, c, args, ce.msg)
	case layoutEnvironment:
		printUsageError(w, "Error: ", c, args, ce.msg)
	default:
		fmt.Fprintln(w, "Error:")
		fmt.Fprintln(w, ce.msg)
	}
	return ce.code
}

// classify turns an error without a rabbitmqctl text of its own into one.
func (f *Factory) classify(c *cobra.Command, err error) *cliError {
	var te *mgmtapi.TransportError
	var ae *mgmtapi.APIError
	var de *mgmtapi.DecodeError
	name := "rmqctl"
	if c != nil {
		name = c.Name()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &cliError{code: exitTempFail, layout: layoutLine,
			msg: fmt.Sprintf("operation %s on node %s timed out. Timeout value used: %s", name, f.NodeName(), f.timeoutText(c))}
	case errors.Is(err, context.Canceled):
		return &cliError{code: exitTempFail, layout: layoutLine, msg: fmt.Sprintf("operation %s interrupted", name)}
	case errors.As(err, &te):
		return &cliError{code: exitUnavailable, layout: layoutLine,
			msg: fmt.Sprintf("unable to perform an operation on node '%s': %s %s: %s", f.NodeName(), te.Method, te.URL, te.Cause())}
	case mgmtapi.IsUnauthorized(err) && f.client != nil:
		return &cliError{code: exitNoPerm, layout: layoutLine,
			msg: fmt.Sprintf("authentication failed for user %q at %s (check --username and the password)", f.client.Username(), f.client.BaseURL())}
	case mgmtapi.IsForbidden(err) && f.client != nil:
		errors.As(err, &ae)
		return &cliError{code: exitNoPerm, layout: layoutLine,
			msg: fmt.Sprintf("user %q is not allowed to do this: %s%s", f.client.Username(), ae.Reason, tagHint(ae.Reason))}
	case errors.As(err, &ae):
		if ae.Status >= 500 {
			return &cliError{code: exitUnavailable, layout: layoutLine,
				msg: fmt.Sprintf("the broker failed to %s %s: HTTP %d: %s", ae.Method, ae.Path, ae.Status, firstNonEmpty(ae.Reason, ae.Kind))}
		}
		return genericError(firstNonEmpty(ae.Reason, ae.Kind, ae.Error())).(*cliError)
	case errors.Is(err, mgmtapi.ErrEmptyName):
		return &cliError{code: exitDataErr, layout: layoutValidation, msg: "Bad argument: " + err.Error()}
	case errors.As(err, &de):
		return &cliError{code: exitUnavailable, layout: layoutLine, msg: de.Error()}
	}
	return genericError(err.Error()).(*cliError)
}

// tagHint explains which user tag the management API wanted.
func tagHint(reason string) string {
	switch reason {
	case "Not administrator user":
		return " (the user needs the administrator tag)"
	case "Not management user":
		return " (the user needs the management tag)"
	case "Not monitor user":
		return " (the user needs the monitoring tag)"
	case "Not policymaker user":
		return " (the user needs the policymaker tag)"
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// printValidationError prints rabbitmqctl's argument-validation layout.
func printValidationError(w io.Writer, c *cobra.Command, args []string, msg string) {
	printUsageError(w, "Error (argument validation): ", c, args, msg)
}

// printUsageError prints msg after prefix, the arguments given and the usage.
func printUsageError(w io.Writer, prefix string, c *cobra.Command, args []string, msg string) {
	fmt.Fprintf(w, "%s%s\n", prefix, msg)
	fmt.Fprintf(w, "Arguments given:\n\t%s\n\n", strings.Join(redactArgs(c, args), " "))
	fmt.Fprintf(w, "Usage\n\n")
	if c != nil && c.HasParent() {
		fmt.Fprintf(w, "%s [--node <node>] [--longnames] [--quiet] %s\n", toolName(c), c.Use)
	} else {
		fmt.Fprintf(w, "%s [--node <node>] [--longnames] [--quiet] <command> [<command options>]\n", toolName(c))
	}
}

// passwordArgs are the commands whose positional arguments after the first (from the
// first for hash_password) are passwords or hashes.
var passwordArgs = map[string]int{"add_user": 1, "change_password": 1, "authenticate_user": 1, "hash_password": 0}

// redactArgs is the command line with passwords hidden, for "Arguments given".
func redactArgs(c *cobra.Command, args []string) []string {
	out := append([]string(nil), args...)
	secret := map[string]bool{}
	if c != nil {
		if from, ok := passwordArgs[c.Name()]; ok {
			for i, a := range c.Flags().Args() {
				if i >= from {
					secret[a] = true
				}
			}
		}
	}
	for i, a := range out {
		switch {
		case a == "--password" && i+1 < len(out):
			out[i+1] = "[redacted]"
		case strings.HasPrefix(a, "--password="):
			out[i] = "--password=[redacted]"
		case secret[a] && i > 0 && out[i-1] != "--password":
			out[i] = "[redacted]"
		}
	}
	return out
}
