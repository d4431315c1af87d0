// Package output holds the IO streams and the formatters (table, pretty_table, json,
// csv). It renders columns and cells; it knows nothing about RabbitMQ.
package output

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams are the standard streams of a command, with what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inFd     int
	inTTY    bool
	outTTY   bool
	errTTY   bool
	inReader *bufio.Reader
}

// System returns the process's real streams.
func System() *IOStreams {
	isTTY := func(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		inFd:  int(os.Stdin.Fd()),
		inTTY: isTTY(os.Stdin), outTTY: isTTY(os.Stdout), errTTY: isTTY(os.Stderr),
	}
}

// Test returns streams over buffers, none of them a terminal, and the buffers.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, inFd: -1}, in, out, errOut
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.inTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// SetStdinTTY pretends stdin is (or is not) a terminal; for tests.
func (s *IOStreams) SetStdinTTY(v bool) { s.inTTY = v }

// SetStdoutTTY pretends stdout is (or is not) a terminal; for tests.
func (s *IOStreams) SetStdoutTTY(v bool) { s.outTTY = v }

// SetStderrTTY pretends stderr is (or is not) a terminal; for tests.
func (s *IOStreams) SetStderrTTY(v bool) { s.errTTY = v }

// ErrNoInput means standard input ended before a line was read.
var ErrNoInput = errors.New("no input")

// ReadSecret reads one line from standard input, without its line ending. On a
// terminal the prompt (when not empty) goes to Out and typing is not echoed; from a
// pipe the line is read as it is. Input that ends before any character (not even a
// line ending) is ErrNoInput; an empty line is "".
func (s *IOStreams) ReadSecret(prompt string) (string, error) {
	if prompt != "" {
		fmt.Fprint(s.Out, prompt)
	}
	if s.inTTY && s.inFd >= 0 {
		b, err := term.ReadPassword(s.inFd)
		if prompt != "" {
			fmt.Fprintln(s.Out) // end the prompt's line: the typed Enter was not echoed
		}
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	if s.inReader == nil {
		s.inReader = bufio.NewReader(s.In)
	}
	line, err := s.inReader.ReadString('\n')
	if errors.Is(err, io.EOF) && line == "" {
		return "", ErrNoInput
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// TerminalWidth is the width of the terminal on stdout, or 0 when it is not one.
func (s *IOStreams) TerminalWidth() int {
	f, ok := s.Out.(*os.File)
	if !ok || !s.outTTY {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}
