package mgmtapi

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustObject(t *testing.T, s string) *Object {
	t.Helper()
	var o *Object
	require.NoError(t, json.Unmarshal([]byte(s), &o))
	require.NotNil(t, o)
	return o
}

func TestObjectUnmarshalKeepsKeyOrderAtEveryDepth(t *testing.T) {
	const in = `{"z":1,"a":{"y":true,"b":[1,{"k":"v","c":null}],"x":"s"},"m":"text","e":{},"l":[]}`
	o := mustObject(t, in)
	assert.Equal(t, []string{"z", "a", "m", "e", "l"}, o.Keys())
	assert.Equal(t, 5, o.Len())
	a, ok := o.Get("a").(*Object)
	require.True(t, ok, "nested objects are *Object")
	assert.Equal(t, []string{"y", "b", "x"}, a.Keys())
	arr, ok := a.Get("b").([]any)
	require.True(t, ok)
	require.Len(t, arr, 2)
	assert.Equal(t, json.Number("1"), arr[0], "numbers stay json.Number")
	inner, ok := arr[1].(*Object)
	require.True(t, ok, "objects inside arrays are *Object too")
	assert.Equal(t, []string{"k", "c"}, inner.Keys())
	assert.Equal(t, []any{}, o.Get("l"), "an empty array is an empty slice, not nil")
	assert.Equal(t, 0, o.Get("e").(*Object).Len())

	out, err := json.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, in, string(out), "MarshalJSON writes the keys back in the order read")
}

func TestObjectRoundTripOfARecordedAMQPTable(t *testing.T) {
	// client_properties as a 3.10.8 broker sent it (GET_connections.json)
	const in = `{"capabilities":{"basic.nack":true,"connection.blocked":true,"consumer_cancel_notify":true,"publisher_confirms":true},"connection_name":"traffic-1","platform":"golang","product":"AMQP 0.9.1 Client","version":"1.16.0"}`
	o := mustObject(t, in)
	assert.Equal(t, []string{"capabilities", "connection_name", "platform", "product", "version"}, o.Keys())
	out, err := json.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, in, string(out))

	// a hand-written table in non-alphabetical order keeps it too
	const custom = `{"product":"p","version":"2","capabilities":{"z":true,"a":false}}`
	out, err = json.Marshal(mustObject(t, custom))
	require.NoError(t, err)
	assert.Equal(t, custom, string(out))
}

func TestObjectNumbersAreKeptVerbatim(t *testing.T) {
	o := mustObject(t, `{"big":12345678901234567890,"f":1.50,"neg":-3,"exp":1e3}`)
	assert.Equal(t, json.Number("12345678901234567890"), o.Get("big"), "no float64 rounding")
	assert.Equal(t, json.Number("1.50"), o.Get("f"))
	out, err := json.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, `{"big":12345678901234567890,"f":1.50,"neg":-3,"exp":1e3}`, string(out))
}

func TestObjectGetDottedPaths(t *testing.T) {
	o := mustObject(t, `{"queue":{"name":"q1","vhost":"/"},"channel_details":{"name":"c (1)","peer":{"port":5672}},"n":7,"nil":null,"list":[{"a":1}]}`)
	assert.Equal(t, "q1", o.Get("queue.name"))
	assert.Equal(t, "/", o.Get("queue.vhost"))
	assert.Equal(t, json.Number("5672"), o.Get("channel_details.peer.port"))
	assert.Equal(t, json.Number("7"), o.Get("n"))
	assert.IsType(t, &Object{}, o.Get("queue"))

	for _, p := range []string{"missing", "queue.missing", "missing.name", "n.x", "queue.name.x", "list.a", "nil", "nil.x", "queue."} {
		assert.Nil(t, o.Get(p), p)
	}

	var none *Object
	assert.Nil(t, none.Get("a"), "a nil object has nothing")
	assert.Nil(t, none.Get("a.b"))
}

func TestObjectSetNewObjectAndMarshal(t *testing.T) {
	o := NewObject("b", 1, "a", "x")
	assert.Equal(t, []string{"b", "a"}, o.Keys())
	o.Set("b", 2)
	o.Set("c", NewObject("k", true))
	assert.Equal(t, []string{"b", "a", "c"}, o.Keys(), "replacing keeps the first position")
	assert.Equal(t, 2, o.Get("b"))
	assert.Equal(t, true, o.Get("c.k"))
	out, err := json.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, `{"b":2,"a":"x","c":{"k":true}}`, string(out))

	out, err = json.Marshal(NewObject())
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(out))

	odd := NewObject("a", 1, "dangling")
	assert.Equal(t, []string{"a"}, odd.Keys(), "a key without a value is ignored")

	// inside other values
	out, err = json.Marshal(map[string]any{"args": NewObject("x-b", 1, "x-a", "s"), "list": []any{NewObject("z", nil, "y", 0)}})
	require.NoError(t, err)
	assert.Equal(t, `{"args":{"x-b":1,"x-a":"s"},"list":[{"z":null,"y":0}]}`, string(out))
}

func TestObjectMarshalEscapesKeysAndValues(t *testing.T) {
	o := NewObject(`a"b`, "line\nbreak", "é", "✓")
	out, err := json.Marshal(o)
	require.NoError(t, err)
	var back map[string]string
	require.NoError(t, json.Unmarshal(out, &back))
	assert.Equal(t, map[string]string{`a"b`: "line\nbreak", "é": "✓"}, back)
}

func TestObjectDuplicateKeysLastValueFirstPosition(t *testing.T) {
	o := mustObject(t, `{"a":1,"b":2,"a":3}`)
	assert.Equal(t, []string{"a", "b"}, o.Keys())
	assert.Equal(t, json.Number("3"), o.Get("a"), "as encoding/json: the last value wins")
}

func TestObjectUnmarshalRejectsNonObjects(t *testing.T) {
	for _, in := range []string{`[1,2]`, `"s"`, `42`, `true`, `null`, ``, `{"a":`, `{"a" 1}`} {
		var o Object
		assert.Error(t, o.UnmarshalJSON([]byte(in)), in)
	}
	var o *Object
	assert.Error(t, json.Unmarshal([]byte(`[{"a":1}]`), &o))
	require.NoError(t, json.Unmarshal([]byte(`null`), &o))
	assert.Nil(t, o, "JSON null leaves a nil object")
}

func TestObjectUnmarshalIntoStructFieldsAndSlices(t *testing.T) {
	var v struct {
		Props *Object   `json:"properties"`
		Items []*Object `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"properties":{"y":1,"x":{"b":2,"a":1}},"items":[{"q":1,"p":2}]}`), &v))
	assert.Equal(t, []string{"y", "x"}, v.Props.Keys())
	assert.Equal(t, []string{"b", "a"}, v.Props.Get("x").(*Object).Keys())
	require.Len(t, v.Items, 1)
	assert.Equal(t, []string{"q", "p"}, v.Items[0].Keys())
}

func TestNodeStatesTakeAListAsNone(t *testing.T) {
	var v VhostInfo
	require.NoError(t, json.Unmarshal([]byte(`{"name":"a","cluster_state":{"rabbit@x":"running"}}`), &v))
	assert.Equal(t, NodeStates{"rabbit@x": "running"}, v.ClusterState)
	require.NoError(t, json.Unmarshal([]byte(`{"name":"b","cluster_state":[]}`), &v), "a booting 4.0 node sends a list")
	assert.Empty(t, v.ClusterState)
}
