// How quickly the dashboard opens on a cold cache (a fresh browser context,
// nothing cached), in a real browser against the real server: the JavaScript
// sent over the wire for the first screen (sign in, then the invoice list)
// stays under 250 kB, every script and style sheet comes brotli-compressed,
// and the figures are printed, e.g.
//   cold load: JS 212.3 kB transferred (brotli), 1.23 s to invoice rows
// Bytes are Chromium's own count of what crossed the network for each
// response (CDP Network.loadingFinished encodedDataLength: headers and
// compressed body), so they are what a user on a slow line waits for.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start } from './harness.mjs';

const budget = 250_000; // bytes of JavaScript for the first screen (issue #17)
const invoiceCount = 3;

describe('cold load', { timeout: 180_000 }, () => {
  let env;
  let session; // the signed-in merchant's cookies
  const merchant = { name: 'Quickstart Bakery', email: `owner+${Date.now()}@quickstart.test`, password: 'correct horse battery' };

  before(async () => {
    env = await start({ logName: 'server-load' });
    const page = await env.newPage();
    await signUp(page, merchant);
    const gql = (query, variables) => graphql(page, query, variables);
    const { createCustomer } = await gql('mutation { createCustomer(input: {name: "Corner Deli", email: "ap@cornerdeli.test"}) { id } }');
    for (let i = 1; i <= invoiceCount; i++) {
      const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "USD"}) { id } }', { c: createCustomer.id });
      await gql('mutation($id: ID!, $p: Decimal!) { setInvoiceItems(id: $id, items: [{name: "Sourdough loaves", quantity: "12", unitPrice: $p}]) { id } }', {
        id: createInvoiceDraft.id,
        p: `${4 + i}.50`,
      });
      await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }', { id: createInvoiceDraft.id });
      await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }', { id: createInvoiceDraft.id });
    }
    session = await page.context().storageState();
    await page.context().close();
  });

  after(async () => {
    await env?.stop();
  });

  /**
   * A fresh context (empty cache), recording every response: its type, its
   * Content-Encoding and the bytes transferred.
   */
  async function coldPage(storageState) {
    const context = await env.browser.newContext({ baseURL: env.baseURL, viewport: { width: 1280, height: 860 }, storageState });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const cdp = await context.newCDPSession(page);
    const responses = new Map(); // requestId -> { url, type, encoding, status, bytes }
    cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
      const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      responses.set(requestId, { url: response.url, type, status: response.status, encoding: headers['content-encoding'] ?? '', bytes: 0 });
    });
    // The status on the wire: a revalidated response shows as 200 above
    // (the cached copy) and as 304 here.
    const wire = new Map();
    cdp.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode }) => wire.set(requestId, statusCode));
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      const r = responses.get(requestId);
      if (r) r.bytes = encodedDataLength;
    });
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    return { page, context, responses, wire };
  }

  const rows = (page) => page.getByRole('row').filter({ hasText: /INV-00000\d/ });

  /** Prints the figures and checks them against the budget and the encodings. */
  function report(label, responses, seconds) {
    const assets = [...responses.values()].filter((r) => new URL(r.url).pathname.startsWith('/assets/'));
    const scripts = assets.filter((r) => r.type === 'Script');
    const js = scripts.reduce((sum, r) => sum + r.bytes, 0);
    const encodings = [...new Set(scripts.map((r) => r.encoding || 'identity'))].join(', ');
    console.log(`${label}: JS ${(js / 1000).toFixed(1)} kB transferred (${encodings}) in ${scripts.length} files, ${seconds.toFixed(2)} s to invoice rows`);
    for (const r of scripts.sort((a, b) => b.bytes - a.bytes)) console.log(`  ${(r.bytes / 1000).toFixed(1).padStart(6)} kB  ${new URL(r.url).pathname}`);
    assert.ok(scripts.length > 0, 'no scripts were loaded');
    for (const r of assets) {
      assert.equal(r.status, 200, `${r.url} answered ${r.status}`);
      assert.equal(r.encoding, 'br', `${r.url} came with Content-Encoding "${r.encoding}", want br`);
    }
    assert.ok(js < budget, `${label}: ${js} bytes of JavaScript, over the ${budget}-byte budget`);
    // Pages the first screen does not show stay out of it.
    for (const lazy of ['Playground', 'GraphiQLPage', 'InvoiceWizardPage', 'CollectionsPage', 'SettingsPage']) {
      assert.ok(!scripts.some((r) => r.url.includes(`/${lazy}-`)), `the first screen loaded ${lazy}`);
    }
  }

  it('signs in and shows the invoice list on a cold cache within the JavaScript budget', async () => {
    const { page, context, responses } = await coldPage(undefined);
    try {
      const started = performance.now();
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill(merchant.email);
      await page.getByLabel('Password').fill(merchant.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/invoices');
      await rows(page).nth(invoiceCount - 1).waitFor();
      const seconds = (performance.now() - started) / 1000;
      assert.equal(await rows(page).count(), invoiceCount);
      report('cold load (sign in, then the invoice list)', responses, seconds);
    } finally {
      await context.close();
    }
  });

  it('opens the invoice list of a signed-in merchant on a cold cache', async () => {
    const { page, context, responses, wire } = await coldPage(session);
    try {
      const started = performance.now();
      await page.goto('/invoices');
      await rows(page).nth(invoiceCount - 1).waitFor();
      const seconds = (performance.now() - started) / 1000;
      report('cold load (signed in, /invoices)', responses, seconds);

      // Coming back: the hashed files are cached for good (immutable), so
      // no script crosses the network again; index.html is asked for again
      // (no-cache) and its ETag makes that a 304.
      responses.clear();
      await page.reload();
      await rows(page).nth(invoiceCount - 1).waitFor();
      const warmJS = [...responses.values()].filter((r) => r.type === 'Script').reduce((sum, r) => sum + r.bytes, 0);
      const [documentId] = [...responses].find(([, r]) => r.type === 'Document') ?? [];
      console.log(`warm reload: JS ${(warmJS / 1000).toFixed(1)} kB transferred, index.html answered ${wire.get(documentId)} (${responses.get(documentId)?.bytes} bytes)`);
      assert.ok(warmJS < 1000, `a reload transferred ${warmJS} bytes of JavaScript`);
      assert.equal(wire.get(documentId), 304, 'index.html revalidated with its ETag');

      // Another page's code comes when it is opened; on a slow line the
      // frame stays and says that the page is loading.
      await page.route('**/assets/*.js', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.continue();
      });
      await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
      await page.getByRole('status', { name: 'Loading page' }).waitFor();
      assert.ok(await page.getByRole('navigation').getByRole('link', { name: 'Invoices' }).isVisible(), 'the frame stays while a page loads');
      await shot(page, 'load-page-loading', { fullPage: false });
      await page.getByRole('heading', { name: 'Customers' }).waitFor();
      assert.equal(await page.getByRole('status', { name: 'Loading page' }).count(), 0);
    } finally {
      await context.close();
    }
  });
});
