package cmd

// rabbitmqctl's commands that the sibling tools share (their `scopes`: list_queues,
// status, check_* … under rabbitmq-diagnostics): the tools take the very constructors
// that build rmqctl's own, and health checks of their own run on the same machinery.

import (
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

var sharedConstructors = map[string]func(f *Factory) *cobra.Command{
	"cluster_status": newCmdClusterStatus, "status": newCmdStatus, "ping": newCmdPing,
	"list_users": newCmdListUsers, "list_user_limits": newCmdListUserLimits,
	"list_permissions": newCmdListPermissions, "list_topic_permissions": newCmdListTopicPermissions,
	"list_user_permissions": newCmdListUserPermissions, "list_user_topic_permissions": newCmdListUserTopicPermissions,
	"list_vhosts": newCmdListVhosts, "list_vhost_limits": newCmdListVhostLimits,
	"list_bindings": newCmdListBindings, "list_channels": newCmdListChannels, "list_connections": newCmdListConnections,
	"list_consumers": newCmdListConsumers, "list_exchanges": newCmdListExchanges, "list_queues": newCmdListQueues,
	"list_global_parameters": newCmdListGlobalParameters, "list_parameters": newCmdListParameters,
	"list_policies":            func(f *Factory) *cobra.Command { return newCmdListPolicies(f, userPolicies) },
	"list_operator_policies":   func(f *Factory) *cobra.Command { return newCmdListPolicies(f, operatorPolicies) },
	"list_deprecated_features": newCmdListDeprecatedFeatures, "list_feature_flags": newCmdListFeatureFlags,
	"node_health_check": newCmdNodeHealthCheck, "version": newCmdVersion,
	"check_running": newCmdCheckRunning, "check_certificate_expiration": newCmdCheckCertificateExpiration,
	"check_if_any_deprecated_features_are_used": newCmdCheckDeprecatedFeaturesUsed,
}

// SharedCommands builds rabbitmqctl's commands of these names, as rmqctl's own tree
// has them (health checks included). An unknown name is a programming error.
func SharedCommands(f *Factory, names ...string) []*cobra.Command {
	out := make([]*cobra.Command, 0, len(names))
next:
	for _, n := range names {
		if build, ok := sharedConstructors[n]; ok {
			out = append(out, build(f))
			continue
		}
		for _, h := range healthChecks {
			if h.name == n {
				out = append(out, newCmdHealthCheck(f, h))
				continue next
			}
		}
		panic("cmd: no shared command " + n)
	}
	return out
}

// Release answers questions about the broker's release while a command runs.
type Release interface {
	Has(k compat.Key) bool
}

// HealthCheck is a health check over GET /api/health/checks/…, as rabbitmq-diagnostics
// prints its outcome (see health.go's table, which rmqctl's own checks use).
type HealthCheck struct {
	Name, Use, Short, Example string
	Args                      int
	Banner                    func(r Release, node string, args []string) string
	// NoOp, when it says so, is a release where the check always passes without
	// asking the broker.
	NoOp    func(r Release) bool
	Path    func(args []string) []string
	OK      func(r Release, node string, args []string, body mgmtapi.Item) string
	Failure func(r Release, node string, args []string, body mgmtapi.Item) string
	// OKJSON, when set, is the JSON on success (default {"result":"ok"}), from the
	// server's answer.
	OKJSON func(r Release, node string, args []string, body mgmtapi.Item) *output.OrderedObject
	// FailureJSON, when set, is the JSON on failure (default: the server's answer
	// with "result":"error").
	FailureJSON func(r Release, node string, args []string, body mgmtapi.Item) *output.OrderedObject
	// Bare prints the failure without "Error:".
	Bare bool
}

func (h HealthCheck) internal() healthCheck {
	rel := func(r *release) Release { return r }
	hc := healthCheck{
		name: h.Name, use: h.Use, short: h.Short, example: h.Example, args: h.Args, bare: h.Bare,
		banner: func(r *release, n string, a []string) string { return h.Banner(rel(r), n, a) },
		path:   h.Path,
		ok:     func(r *release, n string, a []string, b mgmtapi.Item) string { return h.OK(rel(r), n, a, b) },
		failure: func(r *release, n string, a []string, b mgmtapi.Item) string {
			return h.Failure(rel(r), n, a, b)
		},
	}
	if h.OKJSON != nil {
		hc.okJSONFrom = func(r *release, n string, a []string, b mgmtapi.Item) *output.OrderedObject {
			return h.OKJSON(rel(r), n, a, b)
		}
	}
	if h.NoOp != nil {
		hc.noop = func(r *release) bool { return h.NoOp(rel(r)) }
	}
	if h.FailureJSON != nil {
		hc.failureJSON = func(r *release, n string, a []string, b mgmtapi.Item) *output.OrderedObject {
			return h.FailureJSON(rel(r), n, a, b)
		}
	}
	return hc
}

// NewHealthCheck builds a health-check command.
func NewHealthCheck(f *Factory, h HealthCheck) *cobra.Command {
	return newCmdHealthCheck(f, h.internal())
}

// RunHealthCheck runs a health check with arguments the caller has parsed (for
// checks with options of their own).
func (f *Factory) RunHealthCheck(c *cobra.Command, h HealthCheck, args []string) error {
	return f.runHealthCheck(c.Context(), h.internal(), args)
}
