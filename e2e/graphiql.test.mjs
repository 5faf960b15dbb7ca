// The GraphQL playground (/graphiql) in a real browser against a development
// server, under the dashboard's Content-Security-Policy: after signing up,
// a query typed into the editor and run with the run button answers with the
// merchant's name (the session cookie is the credential), a subscription
// runs over the WebSocket and shows an invoice issued meanwhile, and nothing
// is refused by the server's CSP (script-src 'self', no eval) or logged as
// an error. A server that refuses
// introspection (production) gets a clear message instead of an editor.
// Screenshots land in e2e/artifacts/graphiql-*.png (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start, watchConsole } from './harness.mjs';

describe('GraphQL playground', { timeout: 180_000 }, () => {
  let env;
  let page;
  let watch;
  const merchant = { name: 'Lighthouse Ceramics', email: `owner+${Date.now()}@lighthouse.test`, password: 'correct horse battery' };

  before(async () => {
    env = await start({ logName: 'server-graphiql' });
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
    watch = await watchConsole(page);
  });

  after(async () => {
    await env?.stop();
  });

  const queryEditor = () => page.locator('.graphiql-query-editor .CodeMirror');
  const response = () => page.locator('.graphiql-response');

  /** Replaces the query editor's text as a person would: select all, then type (inserted at once, so CodeMirror doesn't auto-close brackets). */
  const setQuery = async (text) => {
    await queryEditor().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  };

  const run = () => page.getByRole('button', { name: /^Execute query/ }).click();

  it('runs a query as the signed-in user', async () => {
    try {
      await signUp(page, merchant);
      // A fresh load of /graphiql, as a developer would open it.
      await page.goto('/graphiql');
      await page.getByText('GraphQL playground', { exact: true }).waitFor();
      await queryEditor().waitFor();
      // The starting query explains itself.
      await queryEditor().getByText('as you: requests carry your session cookie').waitFor();
      // The schema arrived: the docs know the Query type.
      await page.getByRole('button', { name: /Show Documentation Explorer/i }).click();
      await page.locator('.graphiql-doc-explorer').getByText('query', { exact: true }).first().waitFor();
      await page.getByRole('button', { name: /Hide Documentation Explorer/i }).click();

      await setQuery('{ viewer { merchant { name } } }');
      await run();
      await response().getByText(`"${merchant.name}"`).waitFor();
      const text = await response().locator('.CodeMirror-code').innerText();
      assert.match(text, /"viewer"/);
      assert.doesNotMatch(text, /"errors"/);
      await shot(page, 'graphiql-01-query', { fullPage: false });
    } catch (err) {
      await shot(page, 'failure-graphiql-query').catch(() => {});
      throw err;
    }
  });

  it('runs a subscription over the WebSocket', async () => {
    try {
      const sockets = [];
      page.on('websocket', (ws) => sockets.push(ws.url()));
      await setQuery('subscription {\n  invoiceStatusChanged {\n    to\n    invoice { number }\n  }\n}');
      await run();
      // The server says nothing until an invoice changes: issue one.
      await waitUntil(() => sockets.length > 0, 'a WebSocket was opened');
      assert.match(sockets[0], /^ws:\/\/127\.0\.0\.1:\d+\/query$/);
      // Give the subscription a moment to be registered on the server.
      await page.waitForTimeout(500);
      const gql = (query, variables) => graphql(page, query, variables);
      const { createCustomer } = await gql('mutation { createCustomer(input: {name: "Quayside Cafe", email: "ap@quayside.test"}) { id } }');
      const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }', { c: createCustomer.id });
      const id = createInvoiceDraft.id;
      await gql('mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Glazed bowls", quantity: "6", unitPrice: "18.00"}]) { id } }', { id });
      await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }', { id });
      await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }', { id });
      await response().getByText('"INV-000001"').waitFor();
      await response().getByText('"OPEN"').waitFor();
      await shot(page, 'graphiql-02-subscription', { fullPage: false });
      // Stop it (the run button turns into a stop button while it runs).
      await page.getByRole('button', { name: /^Stop query/ }).click();
    } catch (err) {
      await shot(page, 'failure-graphiql-subscription').catch(() => {});
      throw err;
    }
  });

  it('explains itself where introspection is off', async () => {
    try {
      // A production server refuses introspection; stand one in by answering
      // the playground's schema operations as it would.
      await page.route('**/query', async (route) => {
        const body = route.request().postData() ?? '';
        if (!body.includes('__schema')) return route.fallback();
        await route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ errors: [{ message: 'introspection disabled', path: ['__schema'] }], data: null }),
        });
      });
      await page.reload();
      const notice = page.getByTestId('playground-unavailable');
      await notice.getByRole('heading', { name: 'The GraphQL playground is available on development servers only' }).waitFor();
      await notice.getByText('introspection disabled').waitFor();
      assert.equal(await queryEditor().count(), 0, 'no editor without a schema');
      await shot(page, 'graphiql-03-production', { fullPage: false });
      await page.unroute('**/query');
    } catch (err) {
      await shot(page, 'failure-graphiql-production').catch(() => {});
      throw err;
    }
  });

  it('broke no CSP rule and logged no error', (t) => {
    assert.deepEqual(watch.problems, []);
    assert.ok(watch.policies.size > 0, 'the pages came with a Content-Security-Policy');
    for (const policy of watch.policies) t.diagnostic(`Content-Security-Policy: ${policy}`);
  });

  /** Polls cond (sync) every 100 ms for up to 10 s. */
  async function waitUntil(cond, message) {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) assert.fail(`timed out: ${message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
