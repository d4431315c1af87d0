package compat

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]string{
		"4.3.6": "4.3.6", "3.13.7+3.g2f5a9": "3.13.7", "4.3.0-beta.1": "4.3.0", "v4.1.1": "4.1.1", " 3.10.8 ": "3.10.8", "4.1": "4.1",
	} {
		v, err := Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, v.String(), in)
	}
	for _, bad := range []string{"", "4", "four.three", "4.3.6.1", "4.-1.0"} {
		_, err := Parse(bad)
		assert.Error(t, err, bad)
	}
}

func TestReleasesContains(t *testing.T) {
	backport := since("4.2.7", "4.3.1")
	cases := map[string]bool{
		"4.1.9": false, "4.2.6": false, "4.2.7": true, "4.2.9": true,
		"4.3.0": false, "4.3.1": true, "4.3.6": true, "4.4.0": true, "5.0.0": true, "3.13.7": false,
		"4.3": true, "4.2": true, "4.1": false,
	}
	for v, want := range cases {
		assert.Equal(t, want, backport.Contains(MustParse(v)), v)
	}
	assert.True(t, since("3.12.0").Contains(MustParse("3.12.0")))
	assert.False(t, since("3.12.0").Contains(MustParse("3.11.28")))
	assert.True(t, since("3.12.0").Contains(MustParse("4.0.5")))
}

func TestProfiles(t *testing.T) {
	v310, v405, v436 := For(MustParse("3.10.8")), For(MustParse("4.0.5")), For(MustParse("4.3.6"))
	assert.False(t, v310.Has(DeleteMissingUserSucceeds))
	assert.True(t, v405.Has(DeleteMissingUserSucceeds))
	assert.False(t, v405.Has(JSONAtomKeyOrder))
	assert.True(t, v436.Has(JSONAtomKeyOrder))

	assert.True(t, v310.HasInfoKey("list_queues", "slave_pids"))
	assert.False(t, v405.HasInfoKey("list_queues", "slave_pids"))
	assert.False(t, v405.HasInfoKey("list_vhosts", "metadata"))
	assert.True(t, v436.HasInfoKey("list_vhosts", "metadata"))
	assert.True(t, v310.HasInfoKey("list_vhosts", "name"), "keys the tables do not name are everywhere")

	assert.Equal(t, "", v436.CommandError("enable_vhost_deletion_protection"))
	assert.Equal(t, "enable_vhost_deletion_protection is not supported by RabbitMQ 4.0.5: it was added in RabbitMQ 4.0.6",
		v405.CommandError("enable_vhost_deletion_protection"))
	assert.Equal(t, "", v310.CommandError("list_users"))
	assert.Panics(t, func() { v310.Has(Key("no.such.change")) })
}

// Every fact names its source, and every versioned info key belongs to a known list
// command name.
func TestTablesAreComplete(t *testing.T) {
	for _, c := range changes {
		assert.NotEmpty(t, c.Source, c.Key)
		assert.NotEmpty(t, c.Summary, c.Key)
		assert.NotEmpty(t, c.Since, c.Key)
	}
	for _, k := range infoKeys {
		assert.NotEmpty(t, k.Source, k.Command+" "+k.Key)
		assert.True(t, len(k.Since) > 0 || len(k.Until) > 0, k.Command+" "+k.Key)
	}
	for _, c := range commands {
		assert.NotEmpty(t, c.Source, c.Name)
	}
}
