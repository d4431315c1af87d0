// Command rmqctl administers RabbitMQ through its management HTTP API in rabbitmqctl's language.
package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/cmd/admin"
	"github.com/rmqctl/rmqctl/cmd/tools"
	"github.com/rmqctl/rmqctl/output"
)

func main() {
	// The first Ctrl-C (or SIGTERM) asks the command to stop cleanly (apply lets the
	// changes in flight finish); after it the default action is back, so a second one
	// ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	tools.Register() // rabbitmq-diagnostics, -queues …: rmqctl <tool> …, or a symlink named after the tool
	var code int
	if filepath.Base(os.Args[0]) == "rabbitmqadmin" { // a symlink: the binary is rabbitmqadmin v1
		code = admin.Main(ctx, "rabbitmqadmin", os.Args[1:], output.System(), os.LookupEnv)
	} else {
		code = cmd.MainAs(ctx, os.Args[0], os.Args[1:], output.System(), os.LookupEnv)
	}
	stop()
	os.Exit(code)
}
