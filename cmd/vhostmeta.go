package cmd

import (
	"context"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/spf13/cobra"
)

// UpdateVhostMetadataOptions are update_vhost_metadata's inputs (3.11.14+); nil fields
// are kept as they are.
type UpdateVhostMetadataOptions struct {
	F                *Factory
	Name             string
	Description      *string
	Tags             *string
	DefaultQueueType *string
	Protected        *bool
}

func newCmdUpdateVhostMetadata(f *Factory) *cobra.Command {
	o := &UpdateVhostMetadataOptions{F: f}
	var desc, tags, dqt string
	var protected bool
	c := &cobra.Command{
		Use:   `update_vhost_metadata <vhost> [--description=<description>] [--tags="<tag1>,<tag2>,<...>"] [--default-queue-type=<quorum|classic|stream>] [--protected-from-deletion=<true|false>]`,
		Short: "Updates metadata (tags, description, default queue type, protection from deletion) a virtual host",
		Long: `Updates a vhost's description, tags, default queue type or deletion protection, and
keeps what is not given (RabbitMQ 3.11.14+; --protected-from-deletion needs 4.0.6+).`,
		Example: `  rmqctl update_vhost_metadata qa1 --description "QA env 1" --tags qa,blue
  rmqctl update_vhost_metadata qa1 --default-queue-type quorum --protected-from-deletion=true`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			fl := c.Flags()
			if fl.Changed("description") {
				o.Description = &desc
			}
			if fl.Changed("tags") {
				o.Tags = &tags
			}
			if fl.Changed("default-queue-type") {
				o.DefaultQueueType = &dqt
				if err := validateQueueType(dqt); err != nil {
					return err
				}
			}
			if fl.Changed("protected-from-deletion") {
				o.Protected = &protected
			}
			if o.Description == nil && o.Tags == nil && o.DefaultQueueType == nil && o.Protected == nil {
				return usageError("not enough arguments.")
			}
			return runUpdateVhostMetadata(c.Context(), o)
		},
	}
	c.Flags().StringVarP(&desc, "description", "d", "", "virtual host description")
	c.Flags().StringVar(&tags, "tags", "", "comma-separated list of tags")
	c.Flags().StringVar(&dqt, "default-queue-type", "", "queue type of queues declared without one: quorum, classic or stream")
	c.Flags().BoolVar(&protected, "protected-from-deletion", false, "true makes the vhost impossible to delete until the protection is removed")
	return c
}

func runUpdateVhostMetadata(ctx context.Context, o *UpdateVhostMetadataOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	if o.Protected != nil {
		if err := f.checkCommandRelease(ctx, "enable_vhost_deletion_protection"); err != nil {
			return err
		}
	}
	f.Banner(`Updating metadata of vhost "%s" ...`, o.Name)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	v, err := client.GetVhost(ctx, o.Name)
	if err != nil {
		if mgmtapi.IsNotFound(err) {
			return errVhostNotFoundBare(o.Name)
		}
		return err
	}
	if o.Description != nil || o.Tags != nil || o.DefaultQueueType != nil {
		// The vhost PUT replaces description, tags and (4.1.1+) the default queue type:
		// send back what is kept.
		s := mgmtapi.VhostSettings{Description: v.Description, Tags: tagsList(v.Tags), DefaultQueueType: v.DefaultQueueType}
		if o.Description != nil {
			s.Description = *o.Description
		}
		if o.Tags != nil {
			s.Tags = mgmtapi.SplitTags(*o.Tags)
		}
		if o.DefaultQueueType != nil {
			s.DefaultQueueType = *o.DefaultQueueType
		}
		if err := client.PutVhost(ctx, o.Name, s); err != nil {
			return err
		}
	}
	if o.Protected != nil {
		if err := client.SetVhostDeletionProtection(ctx, o.Name, *o.Protected); err != nil {
			return err
		}
	}
	return f.printDone()
}

// newCmdVhostDeletionProtection is enable_vhost_deletion_protection or
// disable_vhost_deletion_protection (4.0.6+).
func newCmdVhostDeletionProtection(f *Factory, protect bool) *cobra.Command {
	name, short, banner := "disable_vhost_deletion_protection",
		"Removes deletion protection from a virtual host (so that it can be deleted)",
		`Removing deletion protection from virtual host "%s" by updating its metadata...`
	if protect {
		name, short, banner = "enable_vhost_deletion_protection",
			"Protects a virtual host from deletion (until the protection is removed)",
			`Protecting virtual host "%s" from removal by updating its metadata...`
	}
	return &cobra.Command{
		Use:     name + " <vhost>",
		Short:   short,
		Long:    short + ". Needs RabbitMQ 4.0.6 or later.",
		Example: "  rmqctl " + name + " prod",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			f.Banner(banner, args[0])
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			if err := client.SetVhostDeletionProtection(ctx, args[0], protect); err != nil {
				if mgmtapi.IsNotFound(err) {
					return errVhostNotFoundBare(args[0])
				}
				return err
			}
			return f.printDone()
		},
	}
}
