// Collections, in a real browser against the real server: a bank transfer
// recorded with the invoice's RF reference (written in groups, as people
// type it) is matched to that invoice at once; one whose reference has a
// digit wrong waits in the review queue, flagged, with the right invoice
// suggested, and one click allocates it; a CSV bank statement is previewed,
// its columns mapped, refused with every broken line listed, then imported
// with the counts shown; and undoing a payment on the invoice page rolls the
// invoice back and puts the money back in the review queue, where "Allocate…"
// finds the invoice by its number and pays it again. With automatic matching
// set to references only, a known payer's exact amount waits as a proposal
// that the queue's search finds and one click accepts; money that pays no
// invoice is set aside in bulk with a reason and a note, listed under "Set
// aside", and put back. Screenshots land in e2e/artifacts/collections-*.png
// (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, shot, signUp, start } from './harness.mjs';

/** "RF8917221370000001" -> "RF89 1722 1370 0000 01", as printed on invoices and typed into banking apps. */
const grouped = (ref) => ref.match(/.{1,4}/g).join(' ');

/** The reference with one digit changed: its check digits no longer hold. */
const mistyped = (ref) => {
  const i = 9;
  return ref.slice(0, i) + ((Number(ref[i]) + 1) % 10) + ref.slice(i + 1);
};

/** Yesterday as YYYY-MM-DD: a statement books money in the past. */
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('collections', { timeout: 300_000 }, () => {
  let env;
  let page;
  let files;
  const merchant = { name: 'Tidewater Roasters', email: `owner+${Date.now()}@tidewater.test`, password: 'correct horse battery' };
  /** INV-000001 … INV-000003 as issued: { id, number, reference }. */
  const invoices = [];

  before(async () => {
    env = await start({ logName: 'server-collections' });
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
    files = mkdtempSync(join(tmpdir(), 'tally-statements-'));
  });

  after(async () => {
    await env?.stop();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  /** A GraphQL request with the page's session cookie. */
  const gql = (query, variables) => graphql(page, query, variables);

  const invoiceStatus = async (id) => {
    const { node } = await gql('query($id: ID!) { node(id: $id) { ... on Invoice { status amountDue } } }', { id });
    return node;
  };

  /** The review queue's card for money received, by its amount. */
  const queueItem = (amount) => page.getByTestId('review-queue').getByRole('article', { name: new RegExp(`^\\${amount} received`) });

  it('matches a payment by its reference, and queues a mistyped one to allocate in one click', async () => {
    try {
      await signUp(page, merchant);
      const { createCustomer } = await gql('mutation { createCustomer(input: {name: "Harbour Cafe", email: "ap@harbourcafe.test"}) { id } }');
      for (const price of ['41.00', '42.00', '30.00']) {
        const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "USD"}) { id } }', { c: createCustomer.id });
        const id = createInvoiceDraft.id;
        await gql('mutation($id: ID!, $p: Decimal!) { setInvoiceItems(id: $id, items: [{name: "Espresso beans, 1 kg", quantity: "10", unitPrice: $p}]) { id } }', { id, p: price });
        await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }', { id });
        const { issueInvoice } = await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { id number reference } }', { id });
        invoices.push(issueInvoice);
      }
      assert.deepEqual(invoices.map((i) => i.number), ['INV-000001', 'INV-000002', 'INV-000003']);

      await page.getByRole('navigation').getByRole('link', { name: 'Collections' }).click();
      await page.waitForURL('**/collections');
      await page.getByTestId('review-queue-empty').waitFor();
      await page.getByText('No matched payments yet').waitFor();
      await shot(page, 'collections-01-empty');

      // The customer's bank transfer, its reference typed in groups of four.
      await page.getByRole('button', { name: 'Record payment' }).click();
      const record = page.getByRole('dialog', { name: 'Record a payment' });
      await record.getByRole('textbox', { name: 'Amount received' }).fill('410.005');
      await record.getByRole('button', { name: 'Record payment' }).click();
      await record.getByText('USD amounts have at most 2 decimals').waitFor();
      await record.getByRole('textbox', { name: 'Amount received' }).fill('410.00');
      await record.getByRole('textbox', { name: 'Memo' }).fill(`Coffee beans ${grouped(invoices[0].reference)} thank you`);
      await shot(page, 'collections-02-record', { fullPage: false });
      await record.getByRole('button', { name: 'Record payment' }).click();
      const outcome = record.getByTestId('record-outcome');
      await outcome.waitFor();
      assert.match(await outcome.textContent(), /Matched to INV-000001/);
      assert.match(await outcome.textContent(), /Reference · 100%.*Paid in full/);
      await shot(page, 'collections-03-matched', { fullPage: false });
      await record.getByRole('button', { name: 'Done' }).click();
      await record.waitFor({ state: 'hidden' });

      const matched = page.getByTestId('matched-collections');
      await matched.getByRole('link', { name: 'INV-000001' }).waitFor();
      assert.equal((await invoiceStatus(invoices[0].id)).status, 'PAID');

      // A transfer whose reference has one digit wrong: not used, but noticed.
      await page.getByRole('button', { name: 'Record payment' }).click();
      await record.getByRole('textbox', { name: 'Amount received' }).fill('420.00');
      await record.getByRole('textbox', { name: 'Memo' }).fill(`Invoice ${mistyped(invoices[1].reference)}`);
      await record.getByRole('button', { name: 'Record payment' }).click();
      await outcome.getByText('Waiting for review').waitFor();
      assert.match(await outcome.textContent(), /Reference looks mistyped/);
      await shot(page, 'collections-04-waiting', { fullPage: false });
      await record.getByRole('button', { name: 'Done' }).click();
      await record.waitFor({ state: 'hidden' });

      const item = queueItem('$420.00');
      await item.waitFor();
      await item.getByText('Reference looks mistyped').waitFor();
      const suggestion = item.getByTestId('suggestions').getByRole('row', { name: /INV-000002/ });
      await suggestion.waitFor();
      assert.match(await item.getByTestId('review-reason').textContent(), /check digits/);
      // The mistyped reference is marked in the memo.
      assert.equal(await item.getByTestId('collection-memo').locator('mark').textContent(), mistyped(invoices[1].reference));
      await shot(page, 'collections-05-review-queue');

      await suggestion.getByRole('button', { name: 'Allocate $420.00 to INV-000002' }).click();
      await page.getByTestId('review-queue-empty').waitFor();
      await page.getByText('INV-000002 was paid').first().waitFor();
      await matched.getByRole('link', { name: 'INV-000002' }).waitFor();
      assert.match(await matched.textContent(), /INV-000002\$420\.00Manual/);
      assert.equal((await invoiceStatus(invoices[1].id)).status, 'PAID');
      await shot(page, 'collections-06-allocated');
    } catch (err) {
      await shot(page, 'collections-fail-record').catch(() => {});
      throw err;
    }
  });

  it('imports a CSV statement: preview, mapping, every broken line listed, then the counts', async () => {
    try {
      const day = yesterday();
      const header = 'Date;Amount;Currency;Description;Name';
      const broken = join(files, 'broken.csv');
      writeFileSync(broken, [header, `${day};3O0,00;USD;Payment;Harbour Cafe`, `${day};;USD;Coffee;Jane Doe`, ''].join('\n'));
      const good = join(files, 'statement-november.csv');
      writeFileSync(
        good,
        [header, `${day};300,00;USD;Payment ${invoices[2].reference};Harbour Cafe`, `${day};75,00;USD;Thanks for the coffee;Jane Doe`, ''].join('\n'),
      );

      await page.getByRole('button', { name: 'Import statement' }).click();
      const modal = page.getByRole('dialog', { name: 'Import a bank statement' });
      const fileInput = modal.locator('input[type="file"]');

      // The preview reads the file with the mapping: its problems show before
      // anything is imported, and Import waits until they are fixed.
      await fileInput.setInputFiles(broken);
      await modal.getByTestId('statement-preview').waitFor();
      const problems = modal.getByTestId('import-problems');
      await problems.waitFor();
      assert.ok(await modal.getByRole('button', { name: 'Import', exact: true }).isDisabled(), 'Import waits while the file has problems');
      const listed = await problems.getByRole('listitem').allTextContents();
      assert.equal(listed.length, 2, `one line per problem: ${JSON.stringify(listed)}`);
      assert.match(listed[0], /^Line 2, amount: /);
      assert.match(listed[1], /^Line 3, amount: /);
      await shot(page, 'collections-07-import-problems', { fullPage: false });

      await fileInput.setInputFiles(good);
      const preview = modal.getByTestId('statement-preview');
      await preview.getByText('Thanks for the coffee').waitFor();
      assert.equal(await problems.count(), 0, 'choosing another file clears the problems');
      // The mapping Tally guessed from the header, shown above each column.
      assert.equal(await modal.getByRole('textbox', { name: 'Date', exact: true }).inputValue(), 'Date');
      assert.equal(await modal.getByRole('textbox', { name: 'Amount column' }).inputValue(), 'Amount');
      assert.equal(await modal.getByRole('textbox', { name: 'Currency column' }).inputValue(), 'Currency');
      assert.equal(await modal.getByRole('textbox', { name: 'Payer name' }).inputValue(), 'Name');
      assert.match(await preview.locator('thead').textContent(), /DateDate.*AmountAmount.*MemoDescription.*PayerName/);
      await shot(page, 'collections-08-import-preview', { fullPage: false });

      await modal.getByRole('button', { name: 'Import', exact: true }).click();
      const result = modal.getByTestId('import-result');
      await result.waitFor();
      assert.match(await result.textContent(), /2 payments: 1 matched, 0 partly, 1 to review; 0 already imported\./);
      await shot(page, 'collections-09-imported', { fullPage: false });
      await modal.getByRole('button', { name: 'Done' }).click();
      await modal.waitFor({ state: 'hidden' });

      await queueItem('$75.00').getByText('Thanks for the coffee').waitFor();
      assert.equal((await invoiceStatus(invoices[2].id)).status, 'PAID');
    } catch (err) {
      await shot(page, 'collections-fail-import').catch(() => {});
      throw err;
    }
  });

  it('undoes a payment on the invoice page: the invoice rolls back, the money returns to the queue to allocate again', async () => {
    try {
      await page.goto(`/invoices/${invoices[0].id}`);
      await page.locator('[data-status="PAID"]').first().waitFor();
      const payments = page.getByTestId('invoice-payments');
      await payments.locator('[data-rule="REFERENCE"]').waitFor();
      await payments.getByRole('button', { name: /^Undo/ }).click();
      const confirm = page.getByRole('dialog', { name: 'Undo this payment?' });
      assert.match(await confirm.textContent(), /INV-000001 goes back to Open with \$410\.00 due, and the \$410\.00 returns to the review queue/);
      await shot(page, 'collections-10-undo-confirm', { fullPage: false });
      await confirm.getByRole('button', { name: 'Undo payment' }).click();

      await page.locator('[data-status="OPEN"]').first().waitFor();
      await payments.getByTestId('payment-undone').waitFor();
      assert.match(await page.getByTestId('invoice-amount-due').textContent(), /\$410\.00 due/);
      assert.match(await page.getByTestId('invoice-paid-summary').textContent(), /\$0\.00 of \$410\.00 paid/);
      await page.locator('[data-event="PAYMENT_UNDONE"]').getByText('Payment undone').waitFor();
      assert.equal(await payments.getByRole('button', { name: /^Undo/ }).count(), 0);
      await shot(page, 'collections-11-undone');

      await page.getByRole('navigation').getByRole('link', { name: /Collections/ }).click();
      await page.waitForURL('**/collections');
      const back = queueItem('$410.00');
      await back.waitFor();
      // It says why it is back, and shows the undone allocation.
      assert.match(await back.getByTestId('review-reason').textContent(), /An allocation of \$410\.00 was undone/);
      await back.getByText(/· undone/).waitFor();
      await shot(page, 'collections-12-back-in-queue');

      // Given again by hand, found by its number.
      await back.getByRole('button', { name: 'Allocate…' }).click();
      const allocate = page.getByRole('dialog', { name: /^Allocate \$410\.00 received/ });
      await allocate.getByRole('textbox', { name: 'Invoice', exact: true }).fill('INV-000001');
      await page.getByRole('option', { name: /INV-000001/ }).click();
      assert.equal(await allocate.getByRole('textbox', { name: 'Amount', exact: true }).inputValue(), '410.00');
      await allocate.getByText('Pays INV-000001 in full.').waitFor();
      await shot(page, 'collections-13-allocate', { fullPage: false });
      await allocate.getByRole('button', { name: 'Allocate', exact: true }).click();
      await allocate.waitFor({ state: 'hidden' });
      await back.waitFor({ state: 'detached' });
      assert.equal((await invoiceStatus(invoices[0].id)).status, 'PAID');
    } catch (err) {
      await shot(page, 'collections-fail-undo').catch(() => {});
      throw err;
    }
  });

  it('finds a proposal by search and accepts it; sets money aside in bulk and puts it back', async () => {
    try {
      // Only references pay invoices by themselves: a known payer's exact amount waits as a proposal.
      await page.goto('/settings/payments');
      const matching = page.getByRole('region', { name: 'Automatic matching' });
      await matching.getByRole('textbox', { name: 'Pay invoices by themselves' }).click();
      await page.getByRole('option', { name: 'Only payment references and checkout (100)' }).click();
      assert.match(await matching.getByTestId('matching-explained').textContent(), /waits in the review queue/);
      await matching.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Automatic matching saved').waitFor();
      const { viewer } = await gql('{ viewer { merchant { autoMatchConfidence } } }');
      assert.equal(viewer.merchant.autoMatchConfidence, 100);
      await shot(page, 'collections-14-matching-setting', { fullPage: false });

      const { createCustomer: bakery } = await gql('mutation { createCustomer(input: {name: "Lighthouse Bakery", email: "books@lighthouse.test"}) { id } }');
      const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "USD"}) { id } }', { c: bakery.id });
      const invoiceID = createInvoiceDraft.id;
      await gql('mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Sourdough, weekly", quantity: "4", unitPrice: "30.00"}]) { id } }', { id: invoiceID });
      await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }', { id: invoiceID });
      const { issueInvoice } = await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { id number } }', { id: invoiceID });
      const record = (input) =>
        gql('mutation($in: RecordCollectionInput!) { recordCollection(input: $in) { collection { id status } } }', {
          in: { currency: 'USD', channel: 'BANK_TRANSFER', ...input },
        });
      const proposed = await record({ amount: '120.00', customerID: bakery.id, payerName: 'Lighthouse Bakery', text: 'November bread' });
      assert.equal(proposed.recordCollection.collection.status, 'UNMATCHED', 'a 90 % match waits when only 100 % applies by itself');
      await record({ amount: '12.34', payerName: 'Jan Peeters', text: 'Loan repayment' });
      await record({ amount: '5.00', payerName: 'Mia Costa', text: 'Double payment, please refund' });

      await page.getByRole('navigation').getByRole('link', { name: /Collections/ }).click();
      await page.waitForURL('**/collections');
      const queue = page.getByTestId('review-queue');
      await queueItem('$12.34').waitFor();

      // Search: every word must be found, in the payer, the text or the amount.
      const search = page.getByRole('searchbox', { name: 'Search payments' });
      await search.fill('lighthouse bread');
      await queue.getByRole('article').first().waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="review-queue"] article').length === 1);
      const card = queueItem('$120.00');
      const proposal = card.getByTestId('proposal');
      assert.match(await proposal.textContent(), new RegExp(`Proposed: ${issueInvoice.number}, \\$120\\.00 — .*, 90\\s%`));
      await shot(page, 'collections-15-proposal');
      await search.fill('nothing like this');
      await page.getByText('Nothing found').waitFor();
      await search.fill('lighthouse');
      await card.waitFor();
      await proposal.getByRole('button', { name: /^Accept the proposed match/ }).click();
      await card.waitFor({ state: 'detached' });
      assert.equal((await invoiceStatus(issueInvoice.id)).status, 'PAID');
      await search.fill('');

      // Two payments that pay no invoice, chosen by their checkboxes, set aside together.
      for (const amount of ['$12.34', '$5.00']) await queueItem(amount).getByRole('checkbox').check();
      await page.getByTestId('bulk-actions').getByText('2 selected').waitFor();
      await page.getByRole('button', { name: 'Set aside…' }).click();
      const aside = page.getByRole('dialog', { name: /^Set aside 2 payments/ });
      await aside.waitFor();
      await page.keyboard.press('Escape');
      await aside.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Set aside…' }).click();
      await aside.getByRole('button', { name: 'Set aside', exact: true }).click();
      await aside.getByText('Choose why this money pays no invoice').waitFor();
      await aside.getByRole('radio', { name: /^Refunded/ }).check();
      await aside.getByRole('textbox', { name: 'Note' }).fill('Sent back by bank transfer on 7 December');
      await shot(page, 'collections-16-set-aside', { fullPage: false });
      await aside.getByRole('button', { name: 'Set aside', exact: true }).click();
      await aside.waitFor({ state: 'hidden' });
      await queueItem('$12.34').waitFor({ state: 'detached' });
      await queueItem('$5.00').waitFor({ state: 'detached' });

      await page.getByText(/^Set aside \(2\)$/).click();
      const list = page.getByTestId('set-aside-list');
      const mia = list.getByRole('article', { name: /^\$5\.00 received/ });
      await mia.waitFor();
      assert.equal(await mia.getByTestId('set-aside-badge').textContent(), 'Set aside: Refunded');
      assert.match(await mia.getByTestId('set-aside-note').textContent(), /Sent back by bank transfer on 7 December/);
      await list.getByRole('article', { name: /^\$12\.34 received/ }).waitFor();
      await shot(page, 'collections-17-set-aside-list');

      await mia.getByRole('button', { name: /^Back to review/ }).click();
      await mia.waitFor({ state: 'detached' });
      await page.getByText(/^To review/).click();
      await queueItem('$5.00').waitFor();
      const { node } = await gql('query($id: ID!) { node(id: $id) { ... on Invoice { status } } }', { id: issueInvoice.id });
      assert.equal(node.status, 'PAID');
    } catch (err) {
      await shot(page, 'collections-fail-queue').catch(() => {});
      throw err;
    }
  });
});
