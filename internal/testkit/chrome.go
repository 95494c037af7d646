package testkit

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// ChromiumPath finds a Chromium or Chrome binary: $CHROMIUM when set, else the usual names on PATH and
// Debian's /usr/bin/chromium. It returns "" when there is none.
func ChromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if resolved, err := exec.LookPath(p); err == nil {
			return resolved
		}
		return ""
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// StartChromium starts headless Chromium with a fresh profile, no sandbox, no GPU and no background network
// use, and stops it when the test ends. It skips the test when no Chromium binary is installed. The returned
// context is the browser: open tabs in it with OpenTab.
func StartChromium(t testing.TB) context.Context {
	t.Helper()
	path := ChromiumPath()
	if path == "" {
		t.Skip("browser test: no chromium binary found (apt-get install chromium, or set $CHROMIUM)")
	}
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// A loaded machine can take a while to start a browser.
		chromedp.WSURLReadTimeout(90*time.Second),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	// The first action on a context starts the browser and ties it to that context: no timeout here
	// (WSURLReadTimeout bounds the start).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// ArtifactsDir is where tests put screenshots: $SUPPORTD_ARTIFACTS, or supportd-artifacts in the temporary
// directory. Never the repository.
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SUPPORTD_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "supportd-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts directory: %v", err)
	}
	return dir
}

// Tab is one browser window with helpers that wait on the page's DOM. Every helper fails the test, after
// saving a screenshot of the tab as FAILED-{name}.png in the artifacts directory, when the page does not
// get where it should within Timeout.
type Tab struct {
	t       testing.TB
	Name    string
	ctx     context.Context
	shots   string
	Timeout time.Duration

	mu       sync.Mutex
	problems []string
}

// OpenTab opens a window in its own browser context (its own cookies and local storage), so that two tabs
// act as two different people on two different devices. Script errors on its pages are recorded for
// AssertNoPageErrors.
func OpenTab(t testing.TB, browser context.Context, name, shots string, timeout time.Duration) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &Tab{t: t, Name: name, ctx: ctx, shots: shots, Timeout: timeout}
	// The first action on a context opens the window and ties it to that context: no timeout here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: open tab: %v", name, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// Failed responses (a 401 for a wrong token) are logged by the network layer and may be part of
			// a test; script errors and blocked content are not.
			if m.IsException() || (m.Type == chromedp.ConsoleError && m.Source != "network") {
				tb.mu.Lock()
				tb.problems = append(tb.problems, fmt.Sprintf("%s (%s:%d)", m.Text, m.URL, m.Line+1))
				tb.mu.Unlock()
			}
		}
	}()
	return tb
}

// Viewport sets the size of the page; opts (chromedp.EmulateScale, chromedp.EmulateMobile, ...) emulate
// more of a device.
func (tb *Tab) Viewport(width, height int64, opts ...chromedp.EmulateViewportOption) {
	tb.t.Helper()
	tb.Do(chromedp.EmulateViewport(width, height, opts...))
}

// Do runs steps in the tab, first bringing it to the front so that its page is visible and polls at full
// speed.
func (tb *Tab) Do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, tb.Timeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
		tb.Fail("bring to front: %v", err)
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.Fail("%v", err)
	}
}

// TryDo is Do that does not fail the test: it returns the error.
func (tb *Tab) TryDo(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(tb.ctx, tb.Timeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
		return err
	}
	return chromedp.Do(ctx, steps...)
}

// Navigate opens url in the tab.
func (tb *Tab) Navigate(url string) {
	tb.t.Helper()
	tb.Do(chromedp.Navigate(url))
}

// Click clicks the first element sel picks, once it is visible.
func (tb *Tab) Click(sel string) {
	tb.t.Helper()
	tb.Do(chromedp.Click(chromedp.CSS(sel)))
}

// Type focuses the field sel picks, replaces what it holds with text by typing (select all, delete, then
// the keys of text), and checks that the field then holds text.
func (tb *Tab) Type(sel, text string) {
	tb.t.Helper()
	tb.Do(
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.Backspace),
		chromedp.SendKeys(chromedp.CSS(sel), text),
	)
	if got := tb.Value(sel); got != text {
		tb.Fail("typed %q into %s, which holds %q", text, sel, got)
	}
}

// WaitVisible waits until the element sel picks is visible.
func (tb *Tab) WaitVisible(sel string) {
	tb.t.Helper()
	tb.Do(chromedp.WaitVisible(chromedp.CSS(sel)))
}

// WaitText waits until the first element sel picks exists and its text contains want.
func (tb *Tab) WaitText(sel, want string) {
	tb.t.Helper()
	tb.WaitFunc(`(sel, want) => { const e = document.querySelector(sel); return !!e && e.textContent.includes(want); }`,
		fmt.Sprintf("%q in %s", want, sel), sel, want)
}

// WaitAnyText waits until one of the elements sel picks contains want.
func (tb *Tab) WaitAnyText(sel, want string) {
	tb.t.Helper()
	tb.WaitFunc(`(sel, want) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes(want))`,
		fmt.Sprintf("%q in any of %s", want, sel), sel, want)
}

// WaitFunc waits until the JavaScript function fn, called with args, returns a truthy value. what names
// the wait in the failure message.
func (tb *Tab) WaitFunc(fn, what string, args ...any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, tb.Timeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](fn,
		chromedp.WithPollingArgs(args...),
		chromedp.WithPollingInterval(150*time.Millisecond),
		chromedp.WithPollingTimeout(tb.Timeout-time.Second),
	))
	if err != nil {
		detail := ""
		if len(args) > 0 {
			if sel, ok := args[0].(string); ok {
				detail = fmt.Sprintf("; %s reads %q", sel, tb.Text(sel))
			}
		}
		tb.Fail("wait for %s: %v%s", what, err, detail)
	}
}

// Try is WaitFunc that does not fail: it says whether fn returned a truthy value within timeout.
func (tb *Tab) Try(fn string, timeout time.Duration, args ...any) bool {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](fn,
		chromedp.WithPollingArgs(args...),
		chromedp.WithPollingInterval(150*time.Millisecond),
		chromedp.WithPollingTimeout(timeout),
	))
	return err == nil
}

// Text is the text of the first element sel picks, or "".
func (tb *Tab) Text(sel string) string {
	return tb.EvalString(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
}

// Value is the value of the first field sel picks, or "".
func (tb *Tab) Value(sel string) string {
	return tb.EvalString(fmt.Sprintf(`(document.querySelector(%q) || {}).value || ""`, sel))
}

// Eval evaluates a JavaScript expression that yields a boolean.
func (tb *Tab) Eval(expr string) bool { return evalAs[bool](tb, expr) }

// EvalString evaluates a JavaScript expression that yields a string.
func (tb *Tab) EvalString(expr string) string { return evalAs[string](tb, expr) }

// EvalStrings evaluates a JavaScript expression that yields an array of strings.
func (tb *Tab) EvalStrings(expr string) []string { return evalAs[[]string](tb, expr) }

func evalAs[T any](tb *Tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, tb.Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.Fail("evaluate %s: %v", expr, err)
	}
	return v
}

// Screenshot saves what the tab shows as file in the artifacts directory and returns its path.
func (tb *Tab) Screenshot(file string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, tb.Timeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
		tb.t.Fatalf("%s: bring to front: %v", tb.Name, err)
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("%s: screenshot %s: %v", tb.Name, file, err)
	}
	path := filepath.Join(tb.shots, file)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tb.t.Fatalf("%s: save screenshot: %v", tb.Name, err)
	}
	tb.t.Logf("screenshot %s", path)
	return path
}

// Fail ends the test with a message, after saving a screenshot of the tab.
func (tb *Tab) Fail(format string, args ...any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	if buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		path := filepath.Join(tb.shots, "FAILED-"+safeFileName(tb.t.Name())+"-"+tb.Name+".png")
		if os.WriteFile(path, buf, 0o644) == nil {
			tb.t.Logf("%s: screenshot of the failure: %s", tb.Name, path)
		}
	}
	tb.t.Fatalf("%s: "+format, append([]any{tb.Name}, args...)...)
}

// AssertNoPageErrors reports every script error and console error the tab's pages logged.
func (tb *Tab) AssertNoPageErrors() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("%s: page error: %s", tb.Name, p)
	}
}

func safeFileName(s string) string {
	return strings.NewReplacer("/", "-", " ", "-", ":", "-").Replace(s)
}
