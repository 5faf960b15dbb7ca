// The seed flow, end to end in a real browser against the real server: the
// merchant creates and sends an invoice; the customer opens the email in the
// development mailbox, follows Pay now, chooses Card and pays on the built-in
// Infini sandbox's hosted checkout with the test card; the payment page shows
// PAID, and the merchant's invoices list, open in another tab all along,
// shows PAID without a reload. A second test pays a direct-wallet session
// (USDT on Tron) by a sandbox chain transfer while the payment page is open:
// it turns PAID by itself. Screenshots land in e2e/artifacts/checkout-*.png
// (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start } from './harness.mjs';

describe('checkout', { timeout: 240_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Juniper Print Co', email: `owner+${Date.now()}@juniper.test`, password: 'correct horse battery' };
  const customer = { name: 'Fernhill Books', email: 'accounts@fernhill.test' };
  const subject = `Invoice INV-000001 from ${merchant.name}`;
  const tron = 'TW7E7jTcadaTuQNNRSawNzPqebLg2uT3dh';

  before(async () => {
    env = await start({ logName: 'server-checkout' });
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
  });

  after(async () => {
    await env?.stop();
  });

  /** A GraphQL request with the page's session cookie. */
  const gql = (query, variables) => graphql(page, query, variables);

  it('create and send, Pay now from the email, card on the Infini sandbox: PAID everywhere without a reload', async () => {
    let list;
    let pay;
    try {
      await signUp(page, merchant);

      // The wizard: customer -> items -> description -> methods -> confirm.
      await page.getByRole('link', { name: 'Create Invoice' }).first().click();
      await page.getByRole('heading', { name: 'Who are you billing?' }).waitFor();
      await page.getByRole('textbox', { name: 'Customer', exact: true }).click();
      await page.getByRole('option', { name: 'Add customer information' }).click();
      const add = page.getByRole('dialog', { name: 'Add customer information' });
      await add.getByLabel('Customer name').fill(customer.name);
      await add.getByLabel('Customer email').fill(customer.email);
      await add.getByRole('button', { name: 'Submit' }).click();
      await add.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'What are you charging for?' }).waitFor();
      await page.getByLabel('Item 1 name').fill('Letterpress business cards');
      await page.getByLabel('Item 1 quantity').fill('4');
      await page.getByLabel('Item 1 unit price').fill('87.50');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Payment description' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'How can your customer pay?' }).waitFor();
      await page.getByRole('checkbox', { name: 'Infini Corporate Card' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Review and create' }).waitFor();
      await page.getByRole('button', { name: 'Create and send' }).click();
      const confirm = page.getByRole('dialog', { name: 'Create and send this invoice?' });
      await confirm.getByRole('button', { name: 'Create and send' }).click();
      await page.waitForURL(/\/invoices\/[^/]+$/);
      const invoiceID = new URL(page.url()).pathname.split('/').pop();
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();

      // The merchant keeps the invoices list open in another tab.
      list = await page.context().newPage();
      let reloads = 0;
      list.on('framenavigated', (f) => {
        if (f === list.mainFrame()) reloads += 1;
      });
      await list.goto('/invoices');
      const row = list.locator(`[data-invoice-id="${invoiceID}"]`);
      await row.locator('[data-status="OPEN"]').waitFor();
      const loaded = reloads;

      // The customer's email, in the development mailbox, once it is sent.
      await page.getByRole('navigation').getByRole('link', { name: 'Sent emails' }).click();
      const mail = page.getByRole('row').filter({ hasText: subject });
      await mail.locator('[data-email-status="SENT"]').waitFor({ timeout: 20_000 });
      await mail.click();
      const message = page.frameLocator('iframe[title="Email message"]');
      const payNow = message.getByRole('link', { name: 'Pay now' }).first();
      await payNow.waitFor();
      [pay] = await Promise.all([page.context().waitForEvent('page'), payNow.click()]);
      await pay.waitForLoadState();
      assert.match(pay.url(), /\/pay\/[^/?]+$/);
      await pay.getByText('$350.00').first().waitFor();
      await shot(pay, 'checkout-01-payment-page', { fullPage: false });

      // Card -> Infini's hosted checkout (the built-in sandbox).
      await pay.getByRole('button', { name: /^Card/ }).click();
      await pay.waitForURL(/\/sandbox\/infini\/checkout\//);
      await pay.getByText('USD 350.00').first().waitFor();
      await pay.getByLabel('Card number').fill('4000 0000 0000 0002');
      await pay.getByLabel('Name on card').fill('Ada Fernhill');
      await pay.getByLabel('Expiry').fill('12/34');
      await pay.getByLabel('CVC').fill('123');
      await pay.getByRole('button', { name: /^Pay USD/ }).click();
      await pay.getByText('Your card was declined').waitFor();
      await shot(pay, 'checkout-02-sandbox-declined', { fullPage: false });
      await pay.getByLabel('Card number').fill('4242 4242 4242 4242');
      await pay.getByLabel('Name on card').fill('Ada Fernhill');
      await pay.getByLabel('Expiry').fill('12/34');
      await pay.getByLabel('CVC').fill('123');
      await pay.getByRole('button', { name: /^Pay USD/ }).click();

      // Back on Tally's payment page: PAID.
      await pay.waitForURL(/\/pay\/[^/]+\?session=/);
      await pay.getByRole('status').getByText('PAID').waitFor();
      assert.equal(await pay.getByRole('button', { name: /^Card/ }).count(), 0, 'nothing left to pay');
      await shot(pay, 'checkout-03-paid', { fullPage: false });

      // The merchant's list turned PAID live, with a toast.
      await row.locator('[data-status="PAID"]').waitFor({ timeout: 10_000 });
      await list.getByRole('alert').getByText('INV-000001 was paid').waitFor();
      // Screen readers hear it too: the list's live region says what changed.
      await list.getByTestId('invoices-live').getByText('Invoice list updated: INV-000001 is now Paid').waitFor({ state: 'attached' });
      assert.equal(reloads, loaded, 'the list changed without a reload');
      await shot(list, 'checkout-04-list-paid', { fullPage: false });

      // And the invoice says why it is paid.
      const { node } = await gql(
        'query($id: ID!) { node(id: $id) { ... on Invoice { status amountPaid payments { amount channel provider } } } }',
        { id: invoiceID },
      );
      assert.equal(node.status, 'PAID');
      assert.deepEqual(node.payments, [{ amount: '350.00', channel: 'CHECKOUT_CARD', provider: 'infini' }]);
    } catch (err) {
      await shot(page, 'checkout-fail-card').catch(() => {});
      if (pay) await shot(pay, 'checkout-fail-card-pay').catch(() => {});
      if (list) await shot(list, 'checkout-fail-card-list').catch(() => {});
      throw err;
    }
  });

  it('pays a direct-wallet session by a sandbox transfer, and the open payment page turns PAID by itself', async () => {
    let pay;
    try {
      await gql(`mutation { setCryptoWallets(wallets: [{network: "TRON", asset: "USDT", address: "${tron}"}]) { id } }`);
      const { createCustomer } = await gql('mutation { createCustomer(input: {name: "Quayside Tea", email: "pay@quayside.test"}) { id } }');
      const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }', { c: createCustomer.id });
      const id = createInvoiceDraft.id;
      await gql('mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Tea tins", quantity: "12", unitPrice: "4.75"}]) { id } }', { id });
      await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }', { id });
      const { issueInvoice } = await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { checkoutURL } }', { id });

      pay = await page.context().newPage();
      let reloads = 0;
      pay.on('framenavigated', (f) => {
        if (f === pay.mainFrame()) reloads += 1;
      });
      await pay.goto(issueInvoice.checkoutURL);
      await pay.getByRole('button', { name: /^USDT on Tron/ }).click();
      await pay.getByText('Send exactly').waitFor();
      const amount = (await pay.locator('#wallet-amount').textContent()).trim();
      assert.match(amount, /^57\.00\d{4}$/, 'the amount due plus a few millionths that identify the session');
      assert.equal((await pay.locator('#wallet-address').textContent()).trim(), tron);
      await pay.getByRole('img', { name: 'QR code of the payment request' }).waitFor();
      await shot(pay, 'checkout-05-wallet', { fullPage: false });
      const before = reloads;

      // The chain watcher (here the sandbox) sees the transfer, confirmed.
      const res = await fetch(`${env.baseURL}/sandbox/crypto/transfers`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ network: 'TRON', asset: 'USDT', to: tron, amount, txHash: 'a1'.repeat(32), confirmations: 20 }),
      });
      assert.equal(res.status, 200, await res.text());

      // The page was told, and shows PAID within a couple of seconds.
      await pay.getByRole('status').getByText('PAID').waitFor({ timeout: 5_000 });
      assert.ok(reloads > before, 'the page refreshed itself on the status event');
      await shot(pay, 'checkout-06-wallet-paid', { fullPage: false });
      const { node } = await gql('query($id: ID!) { node(id: $id) { ... on Invoice { status payments { channel provider externalID } } } }', { id });
      assert.equal(node.status, 'PAID');
      assert.deepEqual(node.payments, [{ channel: 'CHECKOUT_CRYPTO', provider: 'wallet', externalID: 'a1'.repeat(32) }]);
    } catch (err) {
      if (pay) await shot(pay, 'checkout-fail-wallet').catch(() => {});
      throw err;
    }
  });
});
