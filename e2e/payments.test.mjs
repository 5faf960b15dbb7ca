// Getting paid, in a real browser against the real server: Settings →
// Payments saves stablecoin wallets with the server's address errors under
// the right row, and shows the built-in Infini sandbox; "Mark as paid"
// records a partial bank transfer (a Payments row, "Payment received" on the
// timeline, the amount still due); and while a second tab has the invoices
// list open, paying the rest in the first tab turns that row PAID and shows
// "INV-000001 was paid" there, over the graphql-transport-ws subscription and
// without a reload. Screenshots land in e2e/artifacts/payments-*.png
// (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start } from './harness.mjs';

describe('payments', { timeout: 240_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Tidewater Roasters', email: `owner+${Date.now()}@tidewater.test`, password: 'correct horse battery' };
  // Checksummed (EIP-55) and base58check-valid addresses that are nobody's token contract.
  const ethereum = '0x742d35Cc6634C0532925a3b844Bc454e4438f44e';
  const tron = 'TW7E7jTcadaTuQNNRSawNzPqebLg2uT3dh';
  let invoiceID = '';

  before(async () => {
    env = await start({ logName: 'server-payments' });
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
  });

  after(async () => {
    await env?.stop();
  });

  /** A GraphQL request with the page's session cookie. */
  const gql = (query, variables) => graphql(page, query, variables);

  /** The inline error under an input, via its aria-describedby. */
  const errorUnder = async (input) => {
    await input.and(page.locator('[aria-invalid="true"]')).waitFor();
    const id = (await input.getAttribute('aria-describedby'))?.split(' ').find((x) => x.endsWith('-error'));
    assert.ok(id, 'the input references its error message');
    return (await page.locator(`[id="${id}"]`).textContent()) ?? '';
  };

  it('saves stablecoin wallets, with the server’s errors under their row', async () => {
    try {
      await signUp(page, merchant);

      await page.getByRole('navigation').getByRole('link', { name: 'Payments' }).click();
      await page.waitForURL('**/settings/payments');
      // A development server stands in for Infini with its own sandbox.
      await page.getByText('Sandbox: no real money moves', { exact: true }).waitFor();
      assert.equal(await page.getByTestId('infini-mode').getAttribute('data-mode'), 'builtin-sandbox');
      await page.getByTestId('wallets-empty').waitFor();

      const form = page.getByRole('form', { name: 'Stablecoin wallets' });
      await form.getByRole('button', { name: 'Add wallet' }).click();
      await form.getByRole('textbox', { name: 'Wallet 1 address' }).fill(ethereum);
      await form.getByRole('button', { name: 'Add wallet' }).click();
      await form.getByRole('textbox', { name: 'Wallet 2 network' }).click();
      await page.getByRole('option', { name: 'Tron' }).click();
      // USDC is not offered on Tron.
      await form.getByRole('textbox', { name: 'Wallet 2 coin' }).click();
      assert.notEqual(await page.getByRole('option', { name: 'USDC' }).getAttribute('data-combobox-disabled'), null);
      await page.keyboard.press('Escape');
      await form.getByRole('textbox', { name: 'Wallet 2 address' }).fill('T123notanaddress');
      await form.getByRole('button', { name: 'Save wallets' }).click();
      assert.match(await errorUnder(form.getByRole('textbox', { name: 'Wallet 2 address' })), /34 characters/);
      await shot(page, 'payments-01-wallet-error');

      await form.getByRole('textbox', { name: 'Wallet 2 address' }).fill(tron);
      await form.getByRole('button', { name: 'Save wallets' }).click();
      await page.getByText('Wallets saved').waitFor();
      const { viewer } = await gql('{ viewer { merchant { cryptoWallets { network asset address } } } }');
      assert.deepEqual(
        viewer.merchant.cryptoWallets.map((w) => `${w.asset}@${w.network}:${w.address}`).sort(),
        [`USDT@ETHEREUM:${ethereum}`, `USDT@TRON:${tron}`],
      );
      await page.getByRole('region', { name: 'On new invoices' }).getByText('USDT on Tron').waitFor();
      await shot(page, 'payments-02-wallets-saved');
    } catch (err) {
      await shot(page, 'payments-fail-wallets').catch(() => {});
      throw err;
    }
  });

  it('marks an invoice partly paid, then sees the rest arrive live in another tab', async () => {
    let list;
    try {
      const { createCustomer } = await gql('mutation { createCustomer(input: {name: "Harbour Cafe", email: "ap@harbourcafe.test"}) { id } }');
      const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "USD"}) { id } }', { c: createCustomer.id });
      invoiceID = createInvoiceDraft.id;
      await gql('mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Espresso beans, 1 kg", quantity: "10", unitPrice: "40.00"}]) { id } }', { id: invoiceID });
      await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }', { id: invoiceID });
      await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }', { id: invoiceID });

      await page.goto(`/invoices/${invoiceID}`);
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      await page.getByRole('button', { name: 'Mark as paid' }).click();
      const modal = page.getByRole('dialog', { name: 'Record a payment for INV-000001' });
      const amount = modal.getByRole('textbox', { name: 'Amount received' });
      assert.equal(await amount.inputValue(), '400.00', 'starts at the amount due');
      // Checked in the browser: cents only.
      await amount.fill('150.005');
      await modal.getByRole('button', { name: 'Record partial payment' }).click();
      assert.match(await errorUnder(amount), /at most 2 decimals/);
      await amount.fill('150');
      await modal.getByText('$250.00 stays due').waitFor();
      await modal.getByRole('textbox', { name: 'Reference' }).fill('TRF-2291');
      await shot(page, 'payments-03-mark-paid', { fullPage: false });
      await modal.getByRole('button', { name: 'Record partial payment' }).click();
      await modal.waitFor({ state: 'hidden' });

      await page.locator('[data-status="PARTIALLY_PAID"]').first().waitFor();
      const payments = page.getByTestId('invoice-payments');
      await payments.getByText('TRF-2291').waitFor();
      assert.match(await payments.textContent(), /\$150\.00.*Bank transfer/);
      assert.match(await page.getByTestId('invoice-amount-due').textContent(), /\$250\.00 due/);
      await page.locator('[data-event="PAYMENT_RECEIVED"]').getByText('Payment received').waitFor();
      await shot(page, 'payments-04-partly-paid');

      // A second tab on the invoices list follows the invoice live.
      list = await page.context().newPage();
      let reloads = 0;
      list.on('framenavigated', (f) => {
        if (f === list.mainFrame()) reloads += 1;
      });
      await list.goto('/invoices');
      const row = list.locator(`[data-invoice-id="${invoiceID}"]`);
      await row.locator('[data-status="PARTIALLY_PAID"]').waitFor();
      const loaded = reloads;
      // Give the list's subscription a moment to be in place on the server.
      await list.waitForTimeout(1000);

      await page.getByRole('button', { name: 'Mark as paid' }).click();
      await modal.getByText('Cash', { exact: true }).click();
      assert.ok(await modal.getByRole('radio', { name: 'Cash' }).isChecked());
      await modal.getByRole('button', { name: 'Mark as paid' }).click();
      await modal.waitFor({ state: 'hidden' });

      await row.locator('[data-status="PAID"]').waitFor({ timeout: 10_000 });
      await list.getByText('INV-000001 was paid').waitFor();
      assert.match(await list.getByTestId('paid-notification').first().textContent(), /\$400\.00 by Harbour Cafe · Cash/);
      assert.equal(reloads, loaded, 'the row changed without a reload');
      await shot(list, 'payments-05-list-live', { fullPage: false });

      // The invoice page: paid in full, both payments listed, no more "Mark as paid".
      await page.locator('[data-status="PAID"]').first().waitFor();
      assert.equal(await payments.locator('tbody tr').count(), 2);
      assert.equal(await page.getByRole('button', { name: 'Mark as paid' }).count(), 0);
    } catch (err) {
      await shot(page, 'payments-fail-mark-paid').catch(() => {});
      if (list) await shot(list, 'payments-fail-list').catch(() => {});
      throw err;
    }
  });
});
