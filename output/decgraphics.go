package output

import "strings"

// decLetters are the DEC Special Graphics letters of the box-drawing characters
// tablewriter's light style draws with.
var decLetters = map[rune]byte{
	'─': 'q', '│': 'x', '┌': 'l', '┬': 'w', '┐': 'k', '├': 't', '┼': 'n', '┤': 'u', '└': 'm', '┴': 'v', '┘': 'j',
}

// decGraphics turns a table drawn with Unicode box characters into the bytes
// rabbitmqctl's pretty_table formatter (stdout_formatter) writes: each run of border
// characters in the DEC Special Graphics set (ESC ( 0 … ESC ( B), which terminals draw
// as lines, and the header row's names in bold, whether or not stdout is a terminal.
func decGraphics(table string, header bool) string {
	lines := strings.SplitAfter(table, "\n")
	var b strings.Builder
	for i, line := range lines {
		isHeader := header && i == 1
		inBorder := false
		var cell strings.Builder
		flushCell := func() {
			c := cell.String()
			cell.Reset()
			if !isHeader || strings.TrimSpace(c) == "" {
				b.WriteString(c)
				return
			}
			// " name    " → " ESC[1mname ESC[0m    "
			lead := len(c) - len(strings.TrimLeft(c, " "))
			text := strings.TrimRight(c[lead:], " ")
			b.WriteString(c[:lead] + "\x1b[1m" + text + "\x1b[0m" + c[lead+len(text):])
		}
		for _, r := range line {
			letter, border := decLetters[r]
			switch {
			case border && !inBorder:
				flushCell()
				b.WriteString("\x1b(0")
				inBorder = true
			case !border && inBorder:
				b.WriteString("\x1b(B")
				inBorder = false
			}
			switch {
			case border:
				b.WriteByte(letter)
			case r == '\n':
				flushCell()
				b.WriteRune(r)
			default:
				cell.WriteRune(r)
			}
		}
		if inBorder {
			b.WriteString("\x1b(B")
		}
		flushCell()
	}
	return b.String()
}
