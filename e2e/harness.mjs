// Test harness for the browser tests: builds and starts the Go server on a
// free port with a fresh data directory, and launches Debian's Chromium
// through playwright-core (no browser downloads). Everything started here is
// stopped by stop(), which the tests call in after() even when they fail.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const artifacts = join(repo, 'e2e', 'artifacts');

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealthy(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before it was healthy`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy at ${url} after ${timeoutMs} ms`);
}

/**
 * Starts server + browser. Returns { baseURL, browser, newPage, stop, log }.
 * E2E_DATABASE_URL, if set, runs the server on PostgreSQL instead of SQLite.
 * The server's output goes to e2e/artifacts/<logName>.log: test files run in
 * parallel, so each names its own.
 */
export async function start({ logName = 'server' } = {}) {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} not found: install Debian's chromium (apt-get install -y chromium)`);
  }
  if (!existsSync(join(repo, 'frontend', 'dist', 'index.html'))) {
    throw new Error('frontend/dist/index.html not found: run `npm run build` first (the server embeds the built dashboard)');
  }
  mkdirSync(artifacts, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'tally-e2e-'));
  const bin = join(work, 'tally');
  execFileSync('go', ['build', '-o', bin, './server'], { cwd: repo, stdio: 'inherit' });

  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const args = ['--addr', `127.0.0.1:${port}`, '--data-dir', join(work, 'data')];
  if (process.env.E2E_DATABASE_URL) args.push('--database-url', process.env.E2E_DATABASE_URL);
  const log = join(artifacts, `${logName}.log`);
  const logStream = createWriteStream(log);
  const server = spawn(bin, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.pipe(logStream);
  server.stderr.pipe(logStream);
  const killServer = () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
  };
  process.once('exit', killServer);

  let browser;
  const stop = async () => {
    if (browser) await browser.close().catch(() => {});
    killServer();
    if (server.exitCode === null && server.signalCode === null) {
      await Promise.race([
        new Promise((r) => server.once('exit', r)),
        new Promise((r) => setTimeout(r, 5000)),
      ]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
    rmSync(work, { recursive: true, force: true });
  };

  try {
    await waitForHealthy(`${baseURL}/healthz`, server);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    await stop();
    throw err;
  }

  const newPage = async ({ viewport = { width: 1280, height: 860 } } = {}) => {
    const context = await browser.newContext({ baseURL, viewport, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };

  return { baseURL, browser, newPage, stop, log };
}

/**
 * Saves e2e/artifacts/<name>.png, of the whole page unless fullPage is false
 * (the visible part only: a full-page picture resizes the viewport, which
 * makes an embedded PDF viewer redraw mid-picture).
 */
export async function shot(page, name, { fullPage = true } = {}) {
  // Let transitions (modals, notifications) settle before the picture.
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage });
}

/**
 * Runs a GraphQL operation as the signed-in user of page (its session
 * cookie) and returns data; any error fails the test.
 */
export async function graphql(page, query, variables = {}) {
  const res = await page.evaluate(
    async ({ query, variables }) => {
      const r = await fetch('/query', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return r.json();
    },
    { query, variables },
  );
  if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** Creates a merchant account through the sign-up page; lands on the invoices list. */
export async function signUp(page, { name, email, password }) {
  await page.goto('/sign-up');
  await page.getByLabel('Business name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/invoices');
}

/**
 * Watches page for what a person's console would show: CSP violations
 * (securitypolicyviolation events and Chromium's "Refused to ..." reports),
 * other console errors and warnings, uncaught exceptions, and a page of the
 * dashboard served without a Content-Security-Policy or with one that allows
 * eval. Returns { problems, policies }, filled as they happen: a test
 * asserts problems stays empty; policies are those the pages came with.
 */
export async function watchConsole(page) {
  const problems = [];
  const policies = new Set();
  // Added by the browser itself, not the page, so the CSP doesn't block it.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`securitypolicyviolation: ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('response', (res) => {
    if (res.request().resourceType() !== 'document' || !res.ok()) return;
    const policy = res.headers()['content-security-policy'];
    if (!policy) problems.push(`no Content-Security-Policy on ${res.url()}`);
    else if (/unsafe-eval/.test(policy)) problems.push(`the policy on ${res.url()} allows eval: ${policy}`);
    else policies.add(policy);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { problems, policies };
}

/**
 * Waits (up to timeoutMs) until locator's text matches pattern and returns
 * the text; fails with the last text seen. For figures the page fills in
 * after a round trip, e.g. totals the server prices while the user types.
 */
export async function waitForText(locator, pattern, { timeoutMs = 10_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = (await locator.textContent({ timeout: timeoutMs }).catch(() => '')) ?? '';
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`expected text matching ${pattern}, last saw ${JSON.stringify(text)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
