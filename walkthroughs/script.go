package walkthroughs

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Lang is a narration language.
type Lang string

// The languages every tour is narrated in.
const (
	English  Lang = "en"
	Japanese Lang = "ja"
)

// Langs lists the narration languages, in the order they appear in a script.
func Langs() []Lang { return []Lang{English, Japanese} }

// ParseLang parses "en" or "ja".
func ParseLang(s string) (Lang, error) {
	switch Lang(s) {
	case English, Japanese:
		return Lang(s), nil
	}
	return "", fmt.Errorf("walkthroughs: language %q: want en or ja", s)
}

// ErrSyntax is wrapped by every error ParseScript returns.
var ErrSyntax = errors.New("syntax error")

// maxScriptBytes bounds a script; tours are a few tens of kilobytes.
const maxScriptBytes = 1 << 20

// Script is a parsed tour: a title and intro in each language, then steps.
//
// The file format is datadriven's (github.com/cockroachdb/datadriven, as etcd raft's
// testdata): a command line, "----", the expected output up to a blank line (or, for
// output with blank lines, between "----\n----" and "----\n----"). Lines starting with
// "#" are comments to datadriven; the tour keeps its narration in them:
//
//	#tour en: libprocess, the actor runtime          tour title (once per language)
//	#tour ja: libprocess ― アクターのランタイム
//	#step en: Spawning a process                     starts a step
//	#step ja: プロセスを spawn する
//	#en A paragraph line in English.                  narration; "#en" alone ends a paragraph
//	#ja 日本語の段落。
//	#view drf                                        the TUI view beside the step (--tui)
//	# anything else                                   a comment for maintainers
//
// English and Japanese lines of one passage stand next to each other, so that a change
// to one is seen beside the other; ParseScript refuses a passage that lacks either.
type Script struct {
	// Name is the tour's name (the file name without ".txt").
	Name string
	// Title is the tour title per language.
	Title map[Lang]string
	// Intro is the narration before the first step.
	Intro *Narration
	// Steps are the steps in order.
	Steps []Step
	// View is the TUI view `mesoscope walk --tui` shows beside the narration
	// ("#view NAME" before the first step); a step may name its own.
	View string

	lines []string // the file, for Rewrite
}

// Step is one stop of a tour: a title, and narration and commands in file order.
type Step struct {
	Title map[Lang]string
	Items []Item
	Line  int    // 1-based line of the first "#step"
	View  string // "#view NAME" inside the step; empty means the script's View
}

// ViewOf returns the TUI view of step i: the step's own, else the script's.
func (s *Script) ViewOf(i int) string {
	if i >= 0 && i < len(s.Steps) && s.Steps[i].View != "" {
		return s.Steps[i].View
	}
	return s.View
}

// Item is a narration passage or a command (exactly one is set).
type Item struct {
	Narration *Narration
	Command   *Command
}

// Narration is one passage in both languages: paragraphs of lines, as written.
type Narration struct {
	Paragraphs map[Lang][][]string
}

// Command is one command with its expected output.
type Command struct {
	// Pos is "name.txt:line".
	Pos string
	// Text is the command line as written.
	Text string
	// Name is its first word.
	Name string
	// Args are the words after it.
	Args []Arg
	// Expected is the recorded output (without a trailing newline).
	Expected string

	outStart, outEnd int // line range [outStart, outEnd) replaced by Rewrite
}

// Arg is "key=value" or a bare word (Value empty, HasValue false).
type Arg struct {
	Key      string
	Value    string
	HasValue bool
}

// Commands returns the step's commands in order.
func (s *Step) Commands() []*Command {
	var out []*Command
	for _, it := range s.Items {
		if it.Command != nil {
			out = append(out, it.Command)
		}
	}
	return out
}

// ParseScript parses a tour script. Errors name the file and line.
func ParseScript(name string, data []byte) (*Script, error) {
	if len(data) > maxScriptBytes {
		return nil, fmt.Errorf("walkthroughs: parse %s: %w: %d bytes, more than %d", name, ErrSyntax, len(data), maxScriptBytes)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("walkthroughs: parse %s: %w: not UTF-8", name, ErrSyntax)
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	p := &scriptParser{name: name, lines: strings.Split(text, "\n")}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.s, nil
}

type scriptParser struct {
	name  string
	lines []string
	i     int // current line index
	s     *Script
	cur   *Step      // current step, nil before the first
	narr  *Narration // current passage, nil when the last item is not narration
	para  map[Lang]bool
}

func (p *scriptParser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("walkthroughs: parse %s:%d: %w: %s", p.name, line+1, ErrSyntax, fmt.Sprintf(format, args...))
}

func (p *scriptParser) parse() error {
	p.s = &Script{Name: p.name, Title: map[Lang]string{}, lines: p.lines}
	for p.i < len(p.lines) {
		line := strings.TrimRight(p.lines[p.i], " \t")
		switch {
		case line == "":
			p.i++
		case strings.HasPrefix(line, "#"):
			if err := p.comment(line); err != nil {
				return err
			}
			p.i++
		default:
			if err := p.command(line); err != nil {
				return err
			}
		}
	}
	return p.check()
}

// comment handles a "#" line: a directive, narration, or a plain comment.
func (p *scriptParser) comment(line string) error {
	if lang, text, ok := narrationLine(line); ok {
		return p.narrate(lang, text)
	}
	keyword, rest, _ := strings.Cut(line[1:], " ")
	switch keyword {
	case "tour", "step":
	case "view":
		return p.view(strings.TrimSpace(rest))
	default:
		return nil // a plain comment
	}
	langText, title, ok := strings.Cut(rest, ":")
	lang, err := ParseLang(strings.TrimSpace(langText))
	if !ok || err != nil {
		return p.errorf(p.i, "want \"#%s <en|ja>: <title>\", got %q", keyword, line)
	}
	title = strings.TrimSpace(title)
	if title == "" {
		return p.errorf(p.i, "#%s %s: empty title", keyword, lang)
	}
	p.narr = nil
	if keyword == "tour" {
		if p.cur != nil || len(p.s.Steps) > 0 {
			return p.errorf(p.i, "#tour after the first step")
		}
		if _, dup := p.s.Title[lang]; dup {
			return p.errorf(p.i, "#tour %s given twice", lang)
		}
		p.s.Title[lang] = title
		return nil
	}
	// A "#step" line starts a step unless it continues the title lines of one that has
	// no items yet.
	if p.cur == nil || len(p.cur.Items) > 0 || p.cur.Title[lang] != "" {
		p.s.Steps = append(p.s.Steps, Step{Title: map[Lang]string{}, Line: p.i + 1})
		p.cur = &p.s.Steps[len(p.s.Steps)-1]
	}
	p.cur.Title[lang] = title
	return nil
}

// view handles "#view NAME [ARG]": the tour's view before the first step, the step's
// after it.
func (p *scriptParser) view(v string) error {
	if v == "" || len(v) > maxViewLength {
		return p.errorf(p.i, "want \"#view NAME\" (a TUI view, e.g. drf, offers, \"why /app\")")
	}
	if p.cur == nil {
		p.s.View = v
	} else {
		p.cur.View = v
	}
	return nil
}

// maxViewLength bounds a "#view" line's name.
const maxViewLength = 200

// narrationLine recognizes "#en text", "#en", "#ja text" and "#ja".
func narrationLine(line string) (Lang, string, bool) {
	for _, l := range Langs() {
		tag := "#" + string(l)
		if line == tag {
			return l, "", true
		}
		if strings.HasPrefix(line, tag+" ") {
			return l, strings.TrimSpace(line[len(tag)+1:]), true
		}
	}
	return "", "", false
}

func (p *scriptParser) narrate(lang Lang, text string) error {
	if p.narr == nil {
		p.narr = &Narration{Paragraphs: map[Lang][][]string{}}
		p.para = map[Lang]bool{}
		if p.cur == nil {
			if p.s.Intro != nil {
				return p.errorf(p.i, "the intro must be one passage before the first #step")
			}
			p.s.Intro = p.narr
		} else {
			p.cur.Items = append(p.cur.Items, Item{Narration: p.narr})
		}
	}
	paras := p.narr.Paragraphs[lang]
	if text == "" {
		p.para[lang] = false // the next line starts a new paragraph
		return nil
	}
	if !p.para[lang] || len(paras) == 0 {
		paras = append(paras, nil)
		p.para[lang] = true
	}
	paras[len(paras)-1] = append(paras[len(paras)-1], text)
	p.narr.Paragraphs[lang] = paras
	return nil
}

// command parses a command line, its "----" and its expected output.
func (p *scriptParser) command(line string) error {
	start := p.i
	if p.cur == nil {
		return p.errorf(start, "command %q before the first #step", line)
	}
	name, args, err := parseArgs(line)
	if err != nil {
		return p.errorf(start, "%v", err)
	}
	p.i++
	if p.i >= len(p.lines) || strings.TrimRight(p.lines[p.i], " \t") != "----" {
		return p.errorf(start, "command %q: want \"----\" on the next line (commands take no input)", line)
	}
	p.i++
	c := &Command{Pos: fmt.Sprintf("%s.txt:%d", p.name, start+1), Text: line, Name: name, Args: args, outStart: p.i}
	var out []string
	if p.i < len(p.lines) && p.lines[p.i] == "----" {
		// Output with blank lines: "----\n----\n<output>\n----\n----".
		p.i++
		for {
			if p.i >= len(p.lines) {
				return p.errorf(start, "command %q: output not closed by \"----\\n----\"", line)
			}
			if p.lines[p.i] == "----" && p.i+1 < len(p.lines) && p.lines[p.i+1] == "----" {
				p.i += 2
				break
			}
			out = append(out, p.lines[p.i])
			p.i++
		}
	} else {
		for p.i < len(p.lines) && p.lines[p.i] != "" {
			out = append(out, p.lines[p.i])
			p.i++
		}
	}
	c.outEnd = p.i
	c.Expected = strings.Join(out, "\n")
	p.cur.Items = append(p.cur.Items, Item{Command: c})
	p.narr = nil
	return nil
}

// parseArgs splits a command line into its name and arguments. Values may be
// double-quoted to hold spaces.
func parseArgs(line string) (string, []Arg, error) {
	words, err := splitWords(line)
	if err != nil {
		return "", nil, err
	}
	if len(words) == 0 {
		return "", nil, errors.New("empty command")
	}
	var args []Arg
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		if ok && k == "" {
			return "", nil, fmt.Errorf("argument %q: empty key", w)
		}
		args = append(args, Arg{Key: k, Value: v, HasValue: ok})
	}
	return words[0], args, nil
}

func splitWords(line string) ([]string, error) {
	var words []string
	var b strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
			inWord = true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				words = append(words, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote in %q", line)
	}
	if inWord {
		words = append(words, b.String())
	}
	return words, nil
}

// check validates what a tour needs: titles, both languages everywhere, and a
// "where" in every step.
func (p *scriptParser) check() error {
	s := p.s
	for _, l := range Langs() {
		if s.Title[l] == "" {
			return p.errorf(0, "no \"#tour %s:\" title", l)
		}
	}
	if err := checkNarration(s.Intro); err != nil {
		return p.errorf(0, "intro: %v", err)
	}
	if len(s.Steps) == 0 {
		return p.errorf(0, "no steps")
	}
	for i := range s.Steps {
		st := &s.Steps[i]
		for _, l := range Langs() {
			if st.Title[l] == "" {
				return p.errorf(st.Line-1, "step %d has no %s title", i+1, l)
			}
		}
		hasWhere, hasNarration := false, false
		for _, it := range st.Items {
			if it.Command != nil && it.Command.Name == "where" {
				hasWhere = true
			}
			if it.Narration != nil {
				hasNarration = true
				if err := checkNarration(it.Narration); err != nil {
					return p.errorf(st.Line-1, "step %d: %v", i+1, err)
				}
			}
		}
		if !hasNarration {
			return p.errorf(st.Line-1, "step %d has no narration", i+1)
		}
		if !hasWhere {
			return p.errorf(st.Line-1, "step %d has no \"where\" command naming the code it shows", i+1)
		}
	}
	return nil
}

// checkNarration requires both languages in a passage.
func checkNarration(n *Narration) error {
	if n == nil {
		return nil
	}
	for _, l := range Langs() {
		if len(n.Paragraphs[l]) == 0 {
			var other []string
			for _, o := range Langs() {
				if len(n.Paragraphs[o]) > 0 {
					other = append(other, string(o))
				}
			}
			return fmt.Errorf("a passage in %s has no %s lines beside it", strings.Join(other, ","), l)
		}
	}
	return nil
}

// Rewrite returns the script's file with each command's expected output replaced by
// outputs[cmd] (commands missing from outputs keep theirs), in datadriven's layout.
func (s *Script) Rewrite(outputs map[*Command]string) []byte {
	var b strings.Builder
	var cmds []*Command
	for i := range s.Steps {
		cmds = append(cmds, s.Steps[i].Commands()...)
	}
	next := 0
	for _, c := range cmds {
		for ; next < c.outStart; next++ {
			b.WriteString(s.lines[next])
			b.WriteByte('\n')
		}
		out, ok := outputs[c]
		if !ok {
			out = c.Expected
		}
		fenced := writeOutput(&b, out)
		next = c.outEnd
		if !fenced && next < len(s.lines) && s.lines[next] != "" {
			b.WriteByte('\n') // an unfenced output ends at a blank line
		}
	}
	for ; next < len(s.lines); next++ {
		b.WriteString(s.lines[next])
		if next < len(s.lines)-1 {
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}

// writeOutput writes an expected output block after its "----" line, fenced by
// "----\n----" when it has blank lines or starts with a "----" line, and reports
// whether it fenced it.
func writeOutput(b *strings.Builder, out string) bool {
	out = strings.TrimRight(out, "\n")
	lines := strings.Split(out, "\n")
	fence := lines[0] == "----" || strings.HasPrefix(out, "\n")
	for _, l := range lines {
		if strings.TrimSpace(l) == "" && l != "" || strings.Contains(out, "\n\n") {
			fence = true
		}
	}
	if fence {
		b.WriteString("----\n")
		b.WriteString(out)
		b.WriteString("\n----\n----\n")
		return true
	}
	if out != "" {
		b.WriteString(out)
		b.WriteByte('\n')
	}
	return false
}
