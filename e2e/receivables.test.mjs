// Where the money stands, in a real browser against the real server: the
// summary above the invoice list shows outstanding, overdue and paid in the
// last 30 days with the aging buckets (the merchant's test clock moved 45
// days ahead); pressing a bucket filters the list to its invoices; the
// Total header sorts the list both ways (aria-sort follows); selecting two
// drafts and an issued invoice and pressing "Delete drafts" deletes the
// drafts and reports the issued one as refused; "Export CSV" downloads the
// filtered list. Screenshots land in e2e/artifacts/receivables-*.png.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { graphql, shot, signUp, start, waitForText } from './harness.mjs';

describe('receivables', { timeout: 240_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Ledger Lane', email: `owner+${Date.now()}@ledger.test`, password: 'correct horse battery' };
  const ids = {};

  before(async () => {
    env = await start({ logName: 'server-receivables' });
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
  });

  after(async () => {
    await env?.stop();
  });

  const gql = (query, variables) => graphql(page, query, variables);

  /** A draft of one line at price, due `terms` days after issue. */
  const draft = async (customerID, price, terms) => {
    const { createInvoiceDraft } = await gql(
      'mutation($c: ID!, $t: Int) { createInvoiceDraft(input: {customerID: $c, paymentTermsDays: $t}) { id } }',
      { c: customerID, t: terms },
    );
    const id = createInvoiceDraft.id;
    await gql('mutation($id: ID!, $p: Decimal!) { setInvoiceItems(id: $id, items: [{name: "Roasting", quantity: "1", unitPrice: $p}]) { id } }', { id, p: price });
    await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }', { id });
    return id;
  };
  const issue = async (id) => (await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { number } }', { id })).issueInvoice.number;

  const rowIDs = async () => page.locator('tbody tr[data-invoice-id]').evaluateAll((rows) => rows.map((r) => r.dataset.invoiceId));
  const waitForRows = async (want) => {
    const deadline = Date.now() + 10_000;
    let got = [];
    while (Date.now() < deadline) {
      got = await rowIDs();
      if (JSON.stringify(got) === JSON.stringify(want)) return;
      await page.waitForTimeout(100);
    }
    assert.deepEqual(got, want);
  };

  it('sets up a book 45 days on', async () => {
    await signUp(page, merchant);
    const { createCustomer } = await gql('mutation { createCustomer(input: {name: "Harbor Cafe", email: "ap@harbor.test"}) { id } }');
    const c = createCustomer.id;
    ids.a = await draft(c, '100.00', 0); // due today: 44 days late after the jump
    ids.b = await draft(c, '250.00', 30); // 14 days late
    ids.c = await draft(c, '400.00', 60); // not yet due
    for (const k of ['a', 'b', 'c']) ids[`${k}Number`] = await issue(ids[k]);
    ids.d1 = await draft(c, '5.00', 30);
    ids.d2 = await draft(c, '7.00', 30);
    await gql('mutation { advanceTestClock(input: {hours: 1080}) { offsetHours } }');
    await gql('mutation($id: ID!) { markInvoicePaid(id: $id, input: {amount: "50.00", channel: BANK_TRANSFER}) { id } }', { id: ids.c });
  });

  it('shows outstanding, overdue and paid in the last 30 days', async () => {
    await page.goto('/invoices');
    const summary = page.getByTestId('receivables');
    // 100 + 250 + (400 - 50); overdue 100 + 250.
    await waitForText(summary.getByTestId('outstanding'), /700\.00/);
    await waitForText(summary.getByTestId('overdue'), /350\.00/);
    await waitForText(summary.getByTestId('paid'), /50\.00/);
    const bucket = (b) => summary.locator(`[data-bucket="${b}"]`);
    await waitForText(bucket('CURRENT'), /350\.00[\s\S]*1 invoice/);
    await waitForText(bucket('DAYS_1_30'), /250\.00/);
    await waitForText(bucket('DAYS_31_60'), /100\.00/);
    await waitForText(bucket('OVER_90'), /0\.00[\s\S]*0 invoices/);
    await shot(page, 'receivables-summary');
  });

  it('filters the list by a bucket', async () => {
    const bucket = page.getByTestId('receivables').locator('[data-bucket="DAYS_31_60"]');
    await bucket.click();
    await waitForRows([ids.a]);
    assert.equal(await bucket.getAttribute('aria-pressed'), 'true');
    assert.match(page.url(), /aging=DAYS_31_60/);
    await bucket.click();
    await page.waitForFunction(() => !location.search.includes('aging'));
    await waitForRows([ids.d2, ids.d1, ids.c, ids.b, ids.a]); // newest first
  });

  it('sorts by total', async () => {
    const header = page.locator('th', { has: page.locator('[data-sort="TOTAL"]') });
    await header.locator('button, [data-sort]').first().click();
    await waitForRows([ids.d1, ids.d2, ids.a, ids.b, ids.c]);
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    await header.locator('[data-sort]').click();
    await waitForRows([ids.c, ids.b, ids.a, ids.d2, ids.d1]);
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    await shot(page, 'receivables-sorted');
  });

  it('deletes the selected drafts and reports the issued invoice it refused', async () => {
    for (const id of [ids.d1, ids.d2, ids.a]) await page.locator(`tr[data-invoice-id="${id}"] input[type=checkbox]`).check();
    const bar = page.getByTestId('bulk-actions');
    await waitForText(bar, /3 selected/);
    await bar.getByRole('button', { name: 'Delete drafts' }).click();
    const results = page.getByTestId('bulk-results');
    await waitForText(results, /Delete drafts: 2 of 3 done/);
    await waitForText(results, new RegExp(`${ids.aNumber}: .*only drafts`));
    await shot(page, 'receivables-bulk');
    await waitForRows([ids.c, ids.b, ids.a]);
  });

  it('exports the filtered list as CSV', async () => {
    await page.getByTestId('receivables').locator('[data-bucket="DAYS_1_30"]').click();
    await waitForRows([ids.b]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-invoices').click()]);
    assert.match(download.suggestedFilename(), /^invoices-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0], /^id,number,status,customer/);
    assert.ok(lines[1].startsWith(`${ids.b},${ids.bNumber},OPEN,Harbor Cafe,`), lines[1]);
    assert.match(lines[1], /,250\.00,0\.00,0\.00,250\.00,true,/);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'receivables-phone');
  });
});
