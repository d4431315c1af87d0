package cmd

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

const hashingAlgorithm = "rabbit_password_hashing_sha256"

// passwordArg is a password given as an argument or, when absent, read from stdin.
type passwordArg struct {
	value     string
	fromStdin bool
}

func passwordFromArgs(args []string, i int) passwordArg {
	if len(args) > i {
		return passwordArg{value: args[i]}
	}
	return passwordArg{fromStdin: true}
}

// resolve returns the password, reading stdin when it was not an argument.
func (p passwordArg) resolve(f *Factory, noInputCode int) (string, error) {
	if !p.fromStdin {
		return p.value, nil
	}
	return f.readPassword(noInputCode)
}

// AddUserOptions are add_user's inputs.
type AddUserOptions struct {
	F         *Factory
	Username  string
	Password  passwordArg
	PreHashed bool
}

func newCmdAddUser(f *Factory) *cobra.Command {
	o := &AddUserOptions{F: f}
	c := &cobra.Command{
		Use:   "add_user <username> [<password>] [--pre-hashed-password]",
		Short: "Creates a new user in the internal database",
		Long: `Creates a new user in the internal database. Without <password>, one line is read
from standard input (typed without echo on a terminal), so the password need not appear
on the command line. With --pre-hashed-password, <password> is a base64 salted SHA-256
hash as RabbitMQ stores it. Fails with exit 70 when the user already exists.`,
		Example: `  rmqctl add_user junesu 123456
  printf '%s\n' "$PASSWORD" | rmqctl add_user junesu`,
		Args: rangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 2 && args[0] == "" {
				return badArgument("user cannot be an empty string")
			}
			o.Username, o.Password = args[0], passwordFromArgs(args, 1)
			return runAddUser(c.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.PreHashed, "pre-hashed-password", false, "the password argument is a base64 password hash")
	return c
}

func runAddUser(ctx context.Context, o *AddUserOptions) error {
	f := o.F
	if o.PreHashed && !o.Password.fromStdin {
		if _, err := base64.StdEncoding.DecodeString(o.Password.value); err != nil {
			return badArgument("Could not Base64 decode provided password hash value")
		}
	}
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Adding user "%s" ...`, o.Username)
	pw, err := o.Password.resolve(f, exitDataErr)
	if err != nil {
		return err
	}
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	// PUT is an upsert: look first, so an existing user (and password) is never touched.
	if _, err := client.GetUser(ctx, o.Username); err == nil {
		return errUserExists(o.Username)
	} else if !mgmtapi.IsNotFound(err) {
		return err
	}
	s := mgmtapi.UserSettings{Tags: []string{}}
	if o.PreHashed {
		if _, err := base64.StdEncoding.DecodeString(pw); err != nil {
			return badArgument("Could not Base64 decode provided password hash value")
		}
		s.PasswordHash, s.HashingAlgorithm = &pw, hashingAlgorithm
	} else {
		s.Password = &pw
	}
	if err := client.PutUser(ctx, o.Username, s); err != nil {
		return err
	}
	const hint = "Done. Don't forget to grant the user permissions to some virtual hosts! See 'rmqctl help set_permissions' to learn more."
	switch {
	case f.format() == output.JSON:
		return output.JSONLine(f.Out(), (&output.OrderedObject{}).Set("message", hint).Set("node", f.NodeName()).Set("status", "ok"))
	case f.informational():
		return f.printMessage(hint)
	}
	return nil
}

// DeleteUserOptions are delete_user's inputs.
type DeleteUserOptions struct {
	F        *Factory
	Username string
}

func newCmdDeleteUser(f *Factory) *cobra.Command {
	o := &DeleteUserOptions{F: f}
	return &cobra.Command{
		Use:     "delete_user <username>",
		Short:   "Removes a user from the internal database",
		Example: "  rmqctl delete_user junesu",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			return runDeleteUser(c.Context(), o)
		},
	}
}

func runDeleteUser(ctx context.Context, o *DeleteUserOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Deleting user "%s" ...`, o.Username)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.DeleteUser(ctx, o.Username); err != nil {
		if !mgmtapi.IsNotFound(err) {
			return err
		}
		// 3.12.0 made deleting a missing user a success.
		if ok, err := f.has(ctx, compat.DeleteMissingUserSucceeds); err != nil || !ok {
			return firstErr(err, errUserNotFound(o.Username))
		}
	}
	return f.printDone()
}

// ChangePasswordOptions are change_password's inputs.
type ChangePasswordOptions struct {
	F        *Factory
	Username string
	Password passwordArg
}

func newCmdChangePassword(f *Factory) *cobra.Command {
	o := &ChangePasswordOptions{F: f}
	return &cobra.Command{
		Use:   "change_password <username> [<password>]",
		Short: "Changes the user password",
		Long: `Changes the user's password and keeps its tags. Without <password>, one line is
read from standard input (without echo on a terminal).`,
		Example: `  rmqctl change_password junesu n3wpassw0rd
  rmqctl change_password junesu < password.txt`,
		Args: rangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username, o.Password = args[0], passwordFromArgs(args, 1)
			return runChangePassword(c.Context(), o)
		},
	}
}

func runChangePassword(ctx context.Context, o *ChangePasswordOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Changing password for user "%s" ...`, o.Username)
	pw, err := o.Password.resolve(f, exitSoftware)
	if err != nil {
		return err
	}
	return updateUser(ctx, f, client, o.Username, errUserNotFound, func(u mgmtapi.UserInfo) mgmtapi.UserSettings {
		return mgmtapi.UserSettings{Password: &pw, Tags: u.Tags}
	})
}

// updateUser reads a user and writes back what change makes of it: the user PUT is a
// full replacement (without a password it clears the password), so every change is a
// read-modify-write.
func updateUser(ctx context.Context, f *Factory, client *mgmtapi.Client, name string,
	notFound func(string) error, change func(mgmtapi.UserInfo) mgmtapi.UserSettings) error {
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	u, err := client.GetUser(ctx, name)
	if err != nil {
		if mgmtapi.IsNotFound(err) {
			return notFound(name)
		}
		return err
	}
	if err := client.PutUser(ctx, name, change(u)); err != nil {
		return err
	}
	return f.printDone()
}

// keepPassword is the part of a user PUT that leaves the password as it is.
func keepPassword(u mgmtapi.UserInfo) mgmtapi.UserSettings {
	hash := u.PasswordHash
	return mgmtapi.UserSettings{PasswordHash: &hash, HashingAlgorithm: u.HashingAlgorithm, Tags: u.Tags}
}

// ClearPasswordOptions are clear_password's inputs.
type ClearPasswordOptions struct {
	F        *Factory
	Username string
}

func newCmdClearPassword(f *Factory) *cobra.Command {
	o := &ClearPasswordOptions{F: f}
	return &cobra.Command{
		Use:   "clear_password <username>",
		Short: "Clears (resets) password and disables password login for the user",
		Long: `Clears the user's password, so that it can no longer log in with a password
(certificate or other mechanisms still work). Tags are kept.`,
		Example: "  rmqctl clear_password junesu",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			return runClearPassword(c.Context(), o)
		},
	}
}

func runClearPassword(ctx context.Context, o *ClearPasswordOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Clearing password for user "%s" ...`, o.Username)
	return updateUser(ctx, f, client, o.Username, errNoSuchUserTerm, func(u mgmtapi.UserInfo) mgmtapi.UserSettings {
		empty := ""
		return mgmtapi.UserSettings{PasswordHash: &empty, HashingAlgorithm: u.HashingAlgorithm, Tags: u.Tags}
	})
}

// SetUserTagsOptions are set_user_tags's inputs.
type SetUserTagsOptions struct {
	F        *Factory
	Username string
	Tags     []string
}

func newCmdSetUserTags(f *Factory) *cobra.Command {
	o := &SetUserTagsOptions{F: f}
	return &cobra.Command{
		Use:   "set_user_tags <username> <tag> [...]",
		Short: "Sets user tags",
		Long: `Replaces the user's tags (administrator, monitoring, policymaker, management, or
any other). No tag clears them. The password is kept.`,
		Example: `  rmqctl set_user_tags junesu administrator
  rmqctl set_user_tags junesu   # clears all tags`,
		Args: minArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username, o.Tags = args[0], args[1:]
			return runSetUserTags(c.Context(), o)
		},
	}
}

func runSetUserTags(ctx context.Context, o *SetUserTagsOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Setting tags for user "%s" to [%s] ...`, o.Username, strings.Join(o.Tags, ", "))
	return updateUser(ctx, f, client, o.Username, errUserNotFound, func(u mgmtapi.UserInfo) mgmtapi.UserSettings {
		s := keepPassword(u)
		s.Tags = append([]string{}, o.Tags...)
		return s
	})
}

// ListUsersOptions are list_users's inputs.
type ListUsersOptions struct{ F *Factory }

func newCmdListUsers(f *Factory) *cobra.Command {
	o := &ListUsersOptions{F: f}
	return &cobra.Command{
		Use:   "list_users [--no-table-headers] [--timeout <timeout>]",
		Short: "List user names and tags",
		Example: `  rmqctl list_users
  rmqctl list_users --formatter json`,
		Args: noArgs(),
		RunE: func(c *cobra.Command, _ []string) error { return runListUsers(c.Context(), o) },
	}
}

func runListUsers(ctx context.Context, o *ListUsersOptions) error {
	return o.F.runList(ctx, listSpec{
		banner:  "Listing users ...",
		columns: []string{"user", "tags"},
		fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
			return c.ListUsers(ctx, func(u mgmtapi.UserInfo) error {
				return rows.Row(output.Str(u.Name), output.List(u.Tags))
			})
		},
	})
}

// AuthenticateUserOptions are authenticate_user's inputs.
type AuthenticateUserOptions struct {
	F        *Factory
	Username string
	Password passwordArg
}

func newCmdAuthenticateUser(f *Factory) *cobra.Command {
	o := &AuthenticateUserOptions{F: f}
	return &cobra.Command{
		Use:   "authenticate_user <username> [<password>]",
		Short: "Attempts to authenticate a user. Exits with a non-zero code if authentication fails.",
		Long: `Checks a user's credentials against the broker (GET /api/whoami as that user).
Credentials that are valid but lack the management tag still count as authenticated.
Without <password>, one line is read from standard input.`,
		Example: "  rmqctl authenticate_user junesu 123456",
		Args:    rangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username, o.Password = args[0], passwordFromArgs(args, 1)
			return runAuthenticateUser(c.Context(), o)
		},
	}
}

func runAuthenticateUser(ctx context.Context, o *AuthenticateUserOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Authenticating user "%s" ...`, o.Username)
	pw, err := o.Password.resolve(f, exitSoftware)
	if err != nil {
		return err
	}
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	_, err = client.WithCredentials(o.Username, pw).Whoami(ctx)
	switch {
	case err == nil, mgmtapi.IsForbidden(err):
		// 401 "not_authorised" means the password was right but the user may not use
		// the management API: authenticated all the same.
		return f.printMessage("Success")
	case mgmtapi.IsUnauthorized(err):
		return errAuthenticationFailed(o.Username)
	}
	return err
}
