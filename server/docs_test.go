package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// partnerDoc is the partner developer's guide whose examples this file runs.
const partnerDoc = "../docs/partner-api.md"

// docSnippet is one fenced code block of the guide, with the output the
// guide says it prints: the ```text block that follows it, if any.
type docSnippet struct {
	lang   string // "sh" or "ts"
	line   int    // where the block starts in the guide, for messages
	code   string
	expect []string
}

// TestPartnerDocSnippets runs every example of docs/partner-api.md against
// a real Tally on SQLite: the ```sh blocks concatenated, in order, as one
// `bash -euo pipefail` script with TALLY_URL set (they chain through shell
// variables), and each ```ts block as its own program, type-checked and
// transpiled with the typescript package from node_modules and run by node
// with TALLY_URL and TALLY_KEY (a fresh merchant's API key). Each must exit
// 0 and print what the guide shows after it, where "…" matches anything.
func TestPartnerDocSnippets(t *testing.T) {
	for _, tool := range []string{"node", "curl", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the examples of %s need %s on PATH: %v", partnerDoc, tool, err)
		}
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "typescript")); err != nil {
		t.Fatalf("node_modules/typescript is missing (run npm ci at the repository root): %v", err)
	}
	doc, err := os.ReadFile(partnerDoc)
	if err != nil {
		t.Fatal(err)
	}
	snippets, err := parseDocSnippets(string(doc))
	if err != nil {
		t.Fatalf("%s: %v", partnerDoc, err)
	}
	var sh, ts []docSnippet
	for _, s := range snippets {
		switch s.lang {
		case "sh":
			sh = append(sh, s)
		case "ts":
			ts = append(ts, s)
		}
	}
	if len(sh) == 0 || len(ts) == 0 {
		t.Fatalf("%s has %d sh and %d ts examples; expected some of each", partnerDoc, len(sh), len(ts))
	}

	ta := startAppAt(t, dbtest.SQLite(t))

	t.Run("sh", func(t *testing.T) {
		runShellSnippets(t, ta.srv.URL, sh)
	})
	t.Run("ts", func(t *testing.T) {
		// Inside the repository, so that node and TypeScript find node_modules.
		if err := os.MkdirAll(filepath.Join(root, ".tmp"), 0o750); err != nil {
			t.Fatal(err)
		}
		dir, err := os.MkdirTemp(filepath.Join(root, ".tmp"), "docs-snippets-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		files := make([]string, len(ts))
		for i, s := range ts {
			files[i] = filepath.Join(dir, tsSnippetName(s, i))
			if err := os.WriteFile(files[i], []byte(s.code), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		compileTS(t, root, files)
		for i, s := range ts {
			t.Run(filepath.Base(files[i]), func(t *testing.T) {
				c := ta.signUp(t, fmt.Sprintf("Docs %d", i))
				var out struct{ CreateAPIKey struct{ Secret string } }
				c.do(`mutation { createAPIKey(input: {name: "docs", scopes: [READ, WRITE]}) { secret } }`, nil, &out)
				runTSSnippet(t, files[i], s, ta.srv.URL, out.CreateAPIKey.Secret)
			})
		}
	})
}

// parseDocSnippets returns the guide's sh and ts blocks in order, each with
// the lines of the ```text block that follows it (before any other code).
func parseDocSnippets(doc string) ([]docSnippet, error) {
	var (
		out   []docSnippet
		lang  string
		start int
		body  []string
		inBlk bool
	)
	sc := bufio.NewScanner(strings.NewReader(doc))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if !inBlk {
			if rest, ok := strings.CutPrefix(line, "```"); ok {
				inBlk, lang, start, body = true, strings.TrimSpace(rest), n, nil
			}
			continue
		}
		if strings.TrimSpace(line) != "```" {
			body = append(body, line)
			continue
		}
		inBlk = false
		switch lang {
		case "sh", "ts":
			out = append(out, docSnippet{lang: lang, line: start, code: strings.Join(body, "\n") + "\n"})
		case "text":
			if len(out) == 0 || out[len(out)-1].expect != nil {
				return nil, fmt.Errorf("line %d: a text block that follows no example", start)
			}
			expect := []string{}
			for _, l := range body {
				if strings.TrimSpace(l) != "" {
					expect = append(expect, l)
				}
			}
			out[len(out)-1].expect = expect
		}
	}
	if inBlk {
		return nil, fmt.Errorf("line %d: the code block is not closed", start)
	}
	return out, sc.Err()
}

// blockMarker separates the sh blocks' output; the script prints it
// before each block.
const blockMarker = "@@ tally docs block "

func runShellSnippets(t *testing.T, baseURL string, blocks []docSnippet) {
	var script strings.Builder
	for i, b := range blocks {
		fmt.Fprintf(&script, "printf '\\n%s%d\\n'\n%s", blockMarker, i, b.code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script.String()) //nolint:gosec // runs the shell snippets of the repository's own docs
	cmd.Dir = t.TempDir()
	cmd.Env = append(cleanEnv(), "TALLY_URL="+baseURL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	outputs := map[int]string{}
	last := -1
	for _, chunk := range strings.Split(stdout.String(), "\n"+blockMarker)[1:] {
		num, rest, _ := strings.Cut(chunk, "\n")
		i, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("cannot read the block marker %q", num)
		}
		outputs[i], last = rest, i
	}
	if runErr != nil {
		if last < 0 {
			t.Fatalf("the sh examples did not start: %v\nstderr:\n%s", runErr, stderr.String())
		}
		b := blocks[last]
		t.Fatalf("the sh example at %s:%d failed (%v); it printed:\n%s\nstderr:\n%s\nthe example:\n%s",
			partnerDoc, b.line, runErr, outputs[last], stderr.String(), b.code)
	}
	for i, b := range blocks {
		if missing := missingOutput(outputs[i], b.expect); len(missing) > 0 {
			t.Errorf("the sh example at %s:%d did not print\n%s\nit printed:\n%s",
				partnerDoc, b.line, strings.Join(missing, "\n"), outputs[i])
		}
	}
}

// tsCheckAndTranspile type-checks TypeScript files strictly for Node (as
// modules, so that examples need not avoid each other's names) and writes
// each one's CommonJS JavaScript next to it.
const tsCheckAndTranspile = `
const ts = require("typescript");
const fs = require("fs");
const files = process.argv.slice(1);
const program = ts.createProgram(files, {
  strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true,
  target: ts.ScriptTarget.ES2022, lib: ["lib.es2022.d.ts"], types: ["node"],
  module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
  moduleDetection: ts.ModuleDetectionKind.Force,
});
const diags = ts.getPreEmitDiagnostics(program);
if (diags.length > 0) {
  console.error(ts.formatDiagnostics(diags, {
    getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n",
  }));
  process.exit(1);
}
for (const file of files) {
  const js = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: file,
  });
  fs.writeFileSync(file.replace(/\.ts$/, ".js"), js.outputText);
}
`

// compileTS type-checks the examples and transpiles each to a .js file.
func compileTS(t *testing.T, root string, files []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{"-e", tsCheckAndTranspile}, files...)...) //nolint:gosec // node on the test's own files
	cmd.Dir = root                                                                                    // where require("typescript") is found
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the ts examples of %s do not compile (%v):\n%s", partnerDoc, err, out)
	}
}

// runTSSnippet runs one compiled example as the merchant apiKey belongs to.
func runTSSnippet(t *testing.T, file string, s docSnippet, baseURL, apiKey string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, "node", strings.TrimSuffix(file, ".ts")+".js") //nolint:gosec // node on the test's own files
	run.Dir = filepath.Dir(file)
	run.Env = append(cleanEnv(), "TALLY_URL="+baseURL, "TALLY_KEY="+apiKey)
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("the ts example at %s:%d failed (%v); it printed:\n%s\nstderr:\n%s", partnerDoc, s.line, err, stdout.String(), stderr.String())
	}
	if missing := missingOutput(stdout.String(), s.expect); len(missing) > 0 {
		t.Errorf("the ts example at %s:%d did not print\n%s\nit printed:\n%s\nstderr:\n%s",
			partnerDoc, s.line, strings.Join(missing, "\n"), stdout.String(), stderr.String())
	}
}

var tsFileName = regexp.MustCompile(`^// ([\w.-]+\.ts)\b`)

// tsSnippetName is the file name an example's first comment gives it
// ("// live.ts: ..."), or a numbered one.
func tsSnippetName(s docSnippet, i int) string {
	if m := tsFileName.FindStringSubmatch(s.code); m != nil {
		return m[1]
	}
	return fmt.Sprintf("example%d.ts", i+1)
}

// cleanEnv is the test's environment without the variables the examples
// set themselves.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "TALLY_URL", "TALLY_KEY", "TALLY_TOKEN", "NODE_OPTIONS":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// missingOutput returns the expected lines that output lacks. Each
// expected line must equal a whole output line, in order, where "…" in the
// expected line matches any text.
func missingOutput(output string, expect []string) []string {
	lines := strings.Split(strings.ReplaceAll(output, "\r", ""), "\n")
	var missing []string
	next := 0
	for _, want := range expect {
		parts := strings.Split(strings.TrimRight(want, " "), "…")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re := regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
		found := false
		for j := next; j < len(lines); j++ {
			if re.MatchString(strings.TrimRight(lines[j], " ")) {
				found, next = true, j+1
				break
			}
		}
		if !found {
			missing = append(missing, want)
		}
	}
	return missing
}

func TestMissingOutput(t *testing.T) {
	out := "ok\n{\"id\":\"cus_123\",\"n\":1}\nlast\n"
	for _, c := range []struct {
		expect  []string
		missing int
	}{
		{[]string{"ok", `{"id":"cus_…","n":1}`, "last"}, 0},
		{[]string{`{"id":"…"…}`}, 0},
		{[]string{"last", "ok"}, 1},           // out of order
		{[]string{"o"}, 1},                    // whole lines only
		{[]string{`{"id":"cus_…","n":2}`}, 1}, // the rest must match
	} {
		if got := missingOutput(out, c.expect); len(got) != c.missing {
			t.Errorf("missingOutput(%q) = %q, want %d missing", c.expect, got, c.missing)
		}
	}
}
