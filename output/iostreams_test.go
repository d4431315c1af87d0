package output

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pipeStreams returns streams whose In is the read end of a real OS pipe holding input.
func pipeStreams(t *testing.T, input string) (*IOStreams, *strings.Builder) {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close() })
	go func() {
		_, _ = io.WriteString(w, input)
		_ = w.Close()
	}()
	out := &strings.Builder{}
	return &IOStreams{In: r, Out: out, ErrOut: io.Discard}, out
}

func TestReadSecretFromPipe(t *testing.T) {
	cases := []struct {
		name, in, want string
		err            error
	}{
		{"line with newline", "pw\n", "pw", nil},
		{"no newline at EOF", "pw", "pw", nil},
		{"empty line is a blank password", "\n", "", nil},
		{"no input at all", "", "", ErrNoInput},
		{"CRLF", "a\r\n", "a", nil},
		{"spaces are kept", " p w \n", " p w ", nil},
		{"only the first line", "first\nsecond\n", "first", nil},
		{"unicode", "pässwörd-вход\n", "pässwörd-вход", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, out := pipeStreams(t, tc.in)
			got, err := s.ReadSecret("")
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tc.want, got)
			assert.Empty(t, out.String(), "no prompt, nothing written")
		})
	}
}

func TestReadSecretTwoLinesConsecutively(t *testing.T) {
	s, _ := pipeStreams(t, "first\r\nsecond\nthird")
	for _, want := range []string{"first", "second", "third"} {
		got, err := s.ReadSecret("")
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := s.ReadSecret("")
	assert.ErrorIs(t, err, ErrNoInput, "after the last line the input is exhausted")
}

func TestReadSecretTwoLinesFromTestStreams(t *testing.T) {
	s, in, out, errOut := Test()
	in.WriteString("old-pw\nnew-pw\n")
	a, err := s.ReadSecret("Old: ")
	require.NoError(t, err)
	b, err := s.ReadSecret("New: ")
	require.NoError(t, err)
	assert.Equal(t, "old-pw", a)
	assert.Equal(t, "new-pw", b)
	assert.Equal(t, "Old: New: ", out.String(), "prompts go to Out, in order")
	assert.Empty(t, errOut.String())
}

func TestReadSecretPromptGoesToOut(t *testing.T) {
	s, in, out, errOut := Test()
	in.WriteString("s3cret\n")
	got, err := s.ReadSecret("Password: ")
	require.NoError(t, err)
	assert.Equal(t, "s3cret", got)
	assert.Equal(t, "Password: ", out.String())
	assert.NotContains(t, out.String(), "s3cret", "the secret is never echoed")
	assert.Empty(t, errOut.String())
}

func TestReadSecretPromptWrittenEvenWithoutInput(t *testing.T) {
	s, _, out, _ := Test()
	_, err := s.ReadSecret("Password: ")
	assert.ErrorIs(t, err, ErrNoInput)
	assert.Equal(t, "Password: ", out.String())
}

func TestReadSecretSlowReader(t *testing.T) {
	s := &IOStreams{In: iotest.OneByteReader(strings.NewReader("abc\ndef\n")), Out: io.Discard, inFd: -1}
	a, err := s.ReadSecret("")
	require.NoError(t, err)
	b, err := s.ReadSecret("")
	require.NoError(t, err)
	assert.Equal(t, []string{"abc", "def"}, []string{a, b})
}

func TestReadSecretReadError(t *testing.T) {
	boom := errors.New("read failed")
	s := &IOStreams{In: iotest.ErrReader(boom), Out: io.Discard, inFd: -1}
	_, err := s.ReadSecret("")
	assert.ErrorIs(t, err, boom)
	assert.NotErrorIs(t, err, ErrNoInput)
}

func TestReadSecretNotATerminalFallsBackToReading(t *testing.T) {
	// Test streams have no file descriptor: even when told stdin is a terminal, the
	// line is read from In rather than through the terminal.
	s, in, _, _ := Test()
	s.SetStdinTTY(true)
	in.WriteString("pw\n")
	got, err := s.ReadSecret("")
	require.NoError(t, err)
	assert.Equal(t, "pw", got)
}

func TestTestStreamsAreNotTerminals(t *testing.T) {
	s, in, out, errOut := Test()
	assert.Same(t, in, s.In)
	assert.Same(t, out, s.Out)
	assert.Same(t, errOut, s.ErrOut)
	assert.False(t, s.IsStdinTTY())
	assert.False(t, s.IsStdoutTTY())
	assert.False(t, s.IsStderrTTY())
	assert.Equal(t, 0, s.TerminalWidth())

	s.SetStdinTTY(true)
	s.SetStdoutTTY(true)
	assert.True(t, s.IsStdinTTY())
	assert.True(t, s.IsStdoutTTY())
	assert.Equal(t, 0, s.TerminalWidth(), "a buffer has no width even when called a terminal")
}

func TestTerminalWidthOfAFileThatIsNoTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	require.NoError(t, err)
	defer f.Close()
	s := &IOStreams{Out: f}
	s.SetStdoutTTY(true)
	assert.Equal(t, 0, s.TerminalWidth(), "GetSize fails on a regular file")
}
