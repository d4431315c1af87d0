// Command rmqctl administers RabbitMQ through its management HTTP API in rabbitmqctl's language.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/output"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cmd.Main(ctx, os.Args[1:], output.System(), os.LookupEnv)
	stop()
	os.Exit(code)
}
