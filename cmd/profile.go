package cmd

import (
	"context"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
)

// Profile is the release whose rabbitmqctl rmqctl speaks: --rabbitmqctl-version (or
// RMQCTL_RABBITMQCTL_VERSION, or the target's rabbitmqctl_version), else the version
// of the broker, asked once per run and only by answers that depend on it.
func (f *Factory) Profile(ctx context.Context) (compat.Profile, error) {
	if f.profile != nil {
		return *f.profile, nil
	}
	conn, err := f.connection()
	if err != nil {
		return compat.Profile{}, err
	}
	v := conn.ctlVersion
	if v.IsZero() {
		client, err := f.Client()
		if err != nil {
			return compat.Profile{}, err
		}
		ctx, cancel := f.withTimeout(ctx)
		defer cancel()
		if v, err = brokerVersion(ctx, client, "; pin one with --rabbitmqctl-version"); err != nil {
			return compat.Profile{}, err
		}
	}
	p := compat.For(v)
	f.profile = &p
	return p, nil
}

// brokerVersion asks the broker its version (GET /api/version, or the overview on
// 3.x); hint follows the error of a version rmqctl cannot read.
func brokerVersion(ctx context.Context, client *mgmtapi.Client, hint string) (compat.Version, error) {
	raw, err := client.ServerVersion(ctx)
	if err != nil {
		return compat.Version{}, err
	}
	v, err := compat.Parse(raw)
	if err != nil {
		return v, configError("the broker reports version %q, which rmqctl cannot read"+hint, raw)
	}
	return v, nil
}

// knowVersion takes the broker's version from an answer a command already has (GET
// /api/overview), so that no request is spent on learning it.
func (f *Factory) knowVersion(raw string) {
	if f.profile != nil {
		return
	}
	if conn, err := f.connection(); err != nil || !conn.ctlVersion.IsZero() {
		return
	}
	if v, err := compat.Parse(raw); err == nil {
		p := compat.For(v)
		f.profile = &p
	}
}

// has reports whether the release rmqctl speaks carries change k.
func (f *Factory) has(ctx context.Context, k compat.Key) (bool, error) {
	p, err := f.Profile(ctx)
	if err != nil {
		return false, err
	}
	return p.Has(k), nil
}

// checkCommandRelease refuses a command the broker's release does not have, naming the
// release that brought it (only commands that some supported release lacks ask).
func (f *Factory) checkCommandRelease(ctx context.Context, name string) error {
	if !compat.Versioned(name) {
		return nil
	}
	p, err := f.Profile(ctx)
	if err != nil {
		return err
	}
	if msg := p.CommandError(name); msg != "" {
		return &cliError{code: exitUsage, layout: layoutLine, msg: msg}
	}
	return nil
}

// release answers questions about the broker's release, learning its version at the
// first question; an error in learning it is kept for the caller to check.
type release struct {
	f   *Factory
	ctx context.Context
	err error
}

// Has reports whether the release carries change k (false when it cannot be learned).
func (r *release) Has(k compat.Key) bool {
	ok, err := r.f.has(r.ctx, k)
	if err != nil && r.err == nil {
		r.err = err
	}
	return ok
}
