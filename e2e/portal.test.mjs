// The customer portal on a phone: a customer with three open invoices opens
// their portal link at 390 x 844, sees the three invoices with their amounts
// due, pays one by card on the built-in Infini sandbox through its payment
// page, comes back to the portal and sees it paid. No element of the portal
// is wider than the phone. Screenshots land in e2e/artifacts/portal-*.png
// (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start } from './harness.mjs';

describe('portal', { timeout: 240_000 }, () => {
  let env;
  let merchantPage;
  const merchant = { name: 'Larkspur Studio', email: `owner+${Date.now()}@larkspur.test`, password: 'correct horse battery' };

  before(async () => {
    env = await start({ logName: 'server-portal' });
    merchantPage = await env.newPage();
  });

  after(async () => {
    await env?.stop();
  });

  const gql = (query, variables) => graphql(merchantPage, query, variables);

  /** Fails when anything on the page is wider than the viewport. */
  async function assertFitsPhone(page) {
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [];
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5)) wide.push(`${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
      return { width, scroll: document.documentElement.scrollWidth, wide };
    });
    assert.deepEqual(overflow.wide, [], `elements wider than the ${overflow.width} px viewport`);
    assert.ok(overflow.scroll <= overflow.width, `the page scrolls sideways (${overflow.scroll} > ${overflow.width})`);
  }

  it('shows three invoices on a phone, pays one, and shows it paid', async () => {
    await signUp(merchantPage, merchant);
    const { createCustomer } = await gql(
      `mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id portalURL } }`,
      { in: { name: 'Marigold Bakery and Café Cooperative', email: 'accounts@marigold.test' } },
    );
    const numbers = [];
    for (const price of ['120.00', '1250.50', '89.99']) {
      const { createInvoiceDraft } = await gql(`mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }`, { c: createCustomer.id });
      const id = createInvoiceDraft.id;
      await gql(`mutation($id: ID!, $p: Decimal!) { setInvoiceItems(id: $id, items: [{name: "Pastry photography, a full day on location", quantity: "1", unitPrice: $p}]) { id } }`, { id, p: price });
      await gql(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, { id });
      const { issueInvoice } = await gql(`mutation($id: ID!) { issueInvoice(id: $id, send: false) { number } }`, { id });
      numbers.push(issueInvoice.number);
    }
    const portalURL = createCustomer.portalURL;
    assert.match(portalURL, /\/portal\/[A-Z0-9]{40,}$/);

    const phone = await env.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(portalURL);
      const cards = phone.locator('article[data-invoice]');
      await cards.first().waitFor();
      assert.equal(await cards.count(), 3, 'three invoices');
      // Newest first.
      assert.deepEqual(await cards.evaluateAll((els) => els.map((e) => e.dataset.invoice)), [...numbers].reverse());
      await phone.getByText('$1,460.49').waitFor(); // the total due
      await assertFitsPhone(phone);
      await shot(phone, 'portal-01-phone');

      // Pay the $89.99 invoice: its button leads to its payment page.
      const card = phone.locator(`article[data-invoice="${numbers[2]}"]`);
      await card.getByText('Open', { exact: true }).waitFor();
      await card.getByRole('link', { name: 'Pay $89.99' }).click();
      await phone.waitForURL(/\/pay\/[^/?]+$/);
      await phone.getByRole('button', { name: /^Card/ }).click();
      await phone.waitForURL(/\/sandbox\/infini\/checkout\//);
      await phone.getByLabel('Card number').fill('4242 4242 4242 4242');
      await phone.getByLabel('Name on card').fill('Rosa Marigold');
      await phone.getByLabel('Expiry').fill('12/34');
      await phone.getByLabel('CVC').fill('123');
      await phone.getByRole('button', { name: /^Pay USD/ }).click();
      await phone.waitForURL(/\/pay\/[^/]+\?session=/);
      await phone.getByRole('status').getByText('PAID').waitFor();

      // Back to the portal: paid, with its receipt, and nothing more to pay on it.
      await phone.goto(portalURL);
      const paid = phone.locator(`article[data-invoice="${numbers[2]}"]`);
      assert.equal(await paid.getAttribute('data-status'), 'paid');
      await paid.getByText('Paid', { exact: true }).waitFor();
      assert.equal(await paid.getByRole('link', { name: /^Pay/ }).count(), 0, 'a paid invoice offers no payment');
      await paid.getByRole('link', { name: /\$89\.99 received/ }).waitFor();
      await phone.getByText('$1,370.50').waitFor(); // what is still due
      await assertFitsPhone(phone);
      await shot(phone, 'portal-02-paid');
    } catch (err) {
      await shot(phone, 'portal-failure').catch(() => {});
      throw err;
    }
  });
});
