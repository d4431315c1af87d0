package admin

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// publish runs `publish routing_key=… [payload=… properties=… exchange=…
// payload_encoding=…]`; without payload the whole of stdin is sent, base64-encoded.
func (a *app) publish(ctx context.Context, args []string) error {
	upload, segments, err := a.parseArgs(args, publishVerb)
	if err != nil {
		return err
	}
	if upload.Value("payload") == nil {
		data, err := io.ReadAll(a.io.In)
		if err != nil {
			return die("Could not read standard input: %v", err)
		}
		upload.Set("payload", base64.StdEncoding.EncodeToString(data))
		upload.Set("payload_encoding", "base64")
	}
	resp, err := a.upload(ctx, publishVerb.method, segments, upload)
	if err != nil {
		return err
	}
	var answer struct {
		Routed bool `json:"routed"`
	}
	if err := json.Unmarshal(resp, &answer); err != nil {
		return die("Could not parse the answer as JSON: %v", err)
	}
	if answer.Routed {
		a.status("Message published")
	} else {
		a.status("Message published but NOT routed")
	}
	return nil
}

// payloadFileColumns are what get prints when the payload went to payload_file.
var payloadFileColumns = []string{"routing_key", "exchange", "message_count", "payload_bytes", "redelivered"}

// get runs `get queue=… [count=… ackmode=… payload_file=… encoding=…]`.
func (a *app) get(ctx context.Context, args []string) error {
	upload, segments, err := a.parseArgs(args, getVerb)
	if err != nil {
		return err
	}
	payloadFile, _ := upload.Value("payload_file").(string)
	if count, _ := upload.Value("count").(string); payloadFile != "" && count != "1" {
		return usageError("Cannot get multiple messages using payload_file")
	}
	result, err := a.upload(ctx, getVerb.method, segments, upload)
	if err != nil {
		return err
	}
	if payloadFile == "" {
		return a.printer().display(result, nil, nil)
	}
	if err := writePayloadFile(payloadFile, result); err != nil {
		return err
	}
	return a.printer().display(result, payloadFileColumns, nil)
}

// writePayloadFile writes the first message's payload to path, decoded when the
// server sent it base64-encoded (v1 crashed on that case). With no message there is
// no payload and no file (v1 crashed on that too).
func writePayloadFile(path string, result []byte) error {
	v, err := mgmtapi.ParseJSON(result)
	if err != nil {
		return die("Could not parse the answer as JSON: %v", err)
	}
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil
	}
	msg, _ := list[0].(*mgmtapi.Object)
	if msg == nil {
		return nil
	}
	payload, _ := msg.Value("payload").(string)
	data := []byte(payload)
	if msg.Value("payload_encoding") == "base64" {
		if data, err = base64.StdEncoding.DecodeString(payload); err != nil {
			return die("Could not decode the payload: %v", err)
		}
	}
	if err := os.WriteFile(path, data, 0o666); err != nil {
		return osError(err, path)
	}
	return nil
}
