package cmd

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/completions"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

var featureFlagItems = infoItems{
	all: []infoItem{
		item("name", false), item("state", false), item("stability", false),
		item("provided_by", false), item("desc", false), item("doc_url", false),
	},
	defaults: []string{"name", "state"},
}

func newCmdListFeatureFlags(f *Factory) *cobra.Command {
	return &cobra.Command{
		ValidArgsFunction: completions.Columns(featureFlagItems.names()),
		Use:               "list_feature_flags [--no-table-headers] [<column> ...] [--timeout <timeout>]",
		Short:             "Lists feature flags",
		Long:              "Lists feature flags. Columns: " + strings.Join(featureFlagItems.names(), ", ") + " (default: name, state).",
		Example:           "  rmqctl list_feature_flags name state stability",
		RunE: func(c *cobra.Command, args []string) error {
			cols, err := featureFlagItems.parse(c.Context(), f, c.Name(), args)
			if err != nil {
				return err
			}
			return f.runList(c.Context(), listSpec{
				banner:  "Listing feature flags ...",
				columns: itemNames(cols),
				fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
					return c.ListFeatureFlags(ctx, func(it mgmtapi.Item) error { return rows.Row(rowOf(cols, it)...) })
				},
			})
		},
	}
}

func newCmdEnableFeatureFlag(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "enable_feature_flag <all | feature_flag>",
		Short:   "Enables a feature flag or all supported feature flags on the target node",
		Example: "  rmqctl enable_feature_flag all\n  rmqctl enable_feature_flag quorum_queue",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			name := args[0]
			if name == "" {
				if ok, err := f.has(c.Context(), compat.FeatureFlagGroupWording); err == nil && ok {
					return badArgument("feature flag (or group) name cannot be an empty string")
				}
				return badArgument("feature_flag cannot be an empty string.")
			}
			banner := fmt.Sprintf(`Enabling feature flag "%s" ...`, name)
			if name == "all" {
				banner = "Enabling all feature flags ..."
			}
			return f.runMutation(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				if name != "all" {
					err := client.EnableFeatureFlag(ctx, name)
					var ae *mgmtapi.APIError
					if errors.As(err, &ae) && ae.Status < 500 && ae.Status != 401 && ae.Status != 403 {
						return &cliError{code: exitUsage, msg: "This feature flag is not supported by node " + f.NodeName()}
					}
					return err
				}
				var todo []string
				if err := client.ListFeatureFlags(ctx, func(it mgmtapi.Item) error {
					if it.Get("state") == "disabled" && it.Get("stability") != "experimental" {
						todo = append(todo, termText(it.Get("name")))
					}
					return nil
				}); err != nil {
					return err
				}
				for _, n := range todo {
					if err := client.EnableFeatureFlag(ctx, n); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}

// hashPassword is RabbitMQ's rabbit_password_hashing_sha256: base64 of a 4-byte random
// salt followed by SHA-256(salt ++ password).
func hashPassword(password string) (string, error) {
	salt := make([]byte, 4)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	sum := sha256.Sum256(append(append([]byte{}, salt...), password...))
	return base64.StdEncoding.EncodeToString(append(salt, sum[:]...)), nil
}

func newCmdHashPassword(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "hash_password <cleartext_password>",
		Short: "Hashes a plaintext password",
		Long: `Prints the salted SHA-256 hash RabbitMQ stores for a password (computed locally; no
broker is contacted). add_user --pre-hashed-password accepts it. Without the argument,
the password is read from standard input.`,
		Example: "  rmqctl hash_password s3cret\n  rmqctl add_user junesu \"$(rmqctl -q hash_password < pw.txt)\" --pre-hashed-password",
		Args:    rangeArgs(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			// No banner: rabbitmqctl 4's repeats the password, which rmqctl never prints.
			var pw string
			if len(args) == 1 {
				pw = args[0]
			} else {
				var err error
				if pw, err = f.readPassword(exitDataErr); err != nil {
					return err
				}
			}
			h, err := hashPassword(pw)
			if err != nil {
				return err
			}
			return f.printMessage(h)
		},
	}
}

// newCmdPing checks that the broker answers with valid credentials.
func newCmdPing(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:     "ping [--timeout <timeout>]",
		Short:   "Checks that the node answers (over the management API)",
		Example: "  rmqctl ping -t 5",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			ms := f.timeout(c).Milliseconds()
			f.Banner("Will ping %s. This only checks if the OS process is running and registered with epmd. Timeout: %d ms.", f.NodeName(), ms)
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			if _, err := client.Overview(ctx); err != nil {
				var te *mgmtapi.TransportError
				if errors.As(err, &te) {
					f.flushBanner()
					return genericError(fmt.Sprintf("Failed to connect and authenticate to %s in %d ms (%s: %s)", f.NodeName(), ms, te.URL, te.Cause()))
				}
				return err
			}
			return f.printMessage("Ping succeeded")
		},
	}
	c.Annotations = map[string]string{annTimeoutMS: "60000"}
	return c
}

// newCmdAwaitStartup waits until the broker answers and is ready to serve.
func newCmdAwaitStartup(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "await_startup [--timeout <timeout>]",
		Short: "Waits for the RabbitMQ application to start on the target node",
		Long: `Waits until the management API answers and the node is ready to serve clients:
its virtual hosts are running (GET /api/health/checks/virtual-hosts; on RabbitMQ 4
also /api/health/checks/ready-to-serve-clients). It may be started before the broker
is even listening. Credentials the broker refuses end the wait at once (exit 77);
running out of time is exit 75. Default timeout: 300 s.`,
		Example: "  rmqctl await_startup -t 120 && rmqctl list_queues",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			return awaitReady(ctx, client)
		},
	}
	c.Annotations = map[string]string{annTimeoutMS: "300000"}
	return c
}

// awaitReady polls until the node is ready, or ctx ends.
func awaitReady(ctx context.Context, client *mgmtapi.Client) error {
	checks := [][]string{{"ready-to-serve-clients"}, {"virtual-hosts"}}
	for {
		ready, err := readyOnce(ctx, client, &checks)
		if ready {
			return nil
		}
		if mgmtapi.IsUnauthorized(err) || mgmtapi.IsForbidden(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err() // a timeout (75) or an interrupt
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// readyOnce asks each readiness check the server has; a check the server does not
// know (404, RabbitMQ 3.x) is dropped from the list.
func readyOnce(ctx context.Context, client *mgmtapi.Client, checks *[][]string) (bool, error) {
	if _, err := client.Overview(ctx); err != nil {
		return false, err
	}
	var kept [][]string
	defer func() { *checks = kept }()
	for i, chk := range *checks {
		ok, _, err := client.HealthCheck(ctx, chk...)
		if mgmtapi.IsNotFound(err) {
			continue
		}
		kept = append(kept, chk)
		if err != nil || !ok {
			kept = append(kept, (*checks)[i+1:]...)
			return false, err
		}
	}
	return true, nil
}
