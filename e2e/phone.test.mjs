// The dashboard on a 390 x 844 phone: the invoice list, an invoice, the
// wizard, customers and collections. On each, the page does not scroll
// sideways and no visible element reaches past the screen's width; on the
// invoice list each invoice's number, customer, total and status are on
// screen. The one exception is a table that scrolls sideways inside its own
// frame (Collections' "Matched" table, four columns of payments and the
// invoices they paid): the frame fits the phone, what is inside it is reached
// by swiping the table, not the page. Screenshots: e2e/artifacts/phone-*.png.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start } from './harness.mjs';

const WIDTH = 390;

describe('phone', { timeout: 240_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Wren & Daughters Removals', email: `owner+${Date.now()}@wren.test`, password: 'correct horse battery' };

  before(async () => {
    env = await start({ logName: 'server-phone' });
    page = await env.newPage({ viewport: { width: WIDTH, height: 844 } });
  });

  after(async () => {
    await env?.stop();
  });

  const gql = (query, variables) => graphql(page, query, variables);

  /** Fails when the page scrolls sideways or a visible element reaches past the viewport. */
  async function assertFits(what) {
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      // Inside a container that scrolls sideways on purpose (a wide table in
      // its frame): the container must fit, its content may not.
      const inScroller = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const cs = getComputedStyle(p);
          if ((cs.overflowX === 'auto' || cs.overflowX === 'scroll') && p.scrollWidth > p.clientWidth) return true;
        }
        return false;
      };
      const wide = [];
      for (const el of document.querySelectorAll('body *')) {
        const b = el.getBoundingClientRect();
        if (b.width === 0 || b.height === 0) continue;
        const cs = getComputedStyle(el);
        if (cs.visibility === 'hidden') continue;
        if (b.right > width + 0.5 || b.left < -0.5) {
          if (inScroller(el)) continue;
          wide.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} ${Math.round(b.left)}..${Math.round(b.right)}`);
        }
      }
      return { width, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 15) };
    });
    assert.ok(r.scroll <= WIDTH, `${what}: the page scrolls sideways (${r.scroll} > ${WIDTH})`);
    assert.deepEqual(r.wide, [], `${what}: elements past the ${r.width} px viewport`);
  }

  /** The element is on screen horizontally (not cut off or scrolled away). */
  async function assertOnScreen(locator, what) {
    await locator.waitFor();
    const b = await locator.boundingBox();
    assert.ok(b && b.x >= 0 && b.x + b.width <= WIDTH + 0.5 && b.width > 0, `${what} is on screen: ${JSON.stringify(b)}`);
  }

  it('fits the invoice list, an invoice, the wizard, customers and collections on a phone', async () => {
    try {
      await signUp(page, merchant);
      const { createCustomer } = await gql(
        'mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id } }',
        { in: { name: 'Marigold Bakery and Café Cooperative of Upper Wensleydale', email: 'accounts-payable@marigold-cooperative.test' } },
      );
      const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }', { c: createCustomer.id });
      const id = createInvoiceDraft.id;
      await gql('mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Removal van, two movers, a full day", quantity: "3", unitPrice: "1250.50"}]) { id } }', { id });
      await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }', { id });
      await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { number } }', { id });

      // The invoice list: number, customer, total and status of the row on screen.
      await page.goto('/invoices');
      const row = page.getByRole('row').filter({ hasText: 'INV-000001' });
      await row.waitFor();
      await assertOnScreen(row.getByRole('link', { name: 'INV-000001' }), 'the number');
      await assertOnScreen(row.getByText('Marigold Bakery', { exact: false }).first(), 'the customer');
      await assertOnScreen(row.getByText('$3,751.50'), 'the total');
      await assertOnScreen(row.locator('[data-status="OPEN"]'), 'the status');
      await assertFits('invoice list');
      await shot(page, 'phone-01-invoices');
      // The menu opens the navigation, which fits too.
      await page.getByRole('button', { name: 'Toggle navigation' }).click();
      await page.getByRole('navigation').getByRole('link', { name: 'Collections' }).waitFor();
      await assertFits('navigation');
      await page.getByRole('button', { name: 'Toggle navigation' }).click();

      // The invoice page, its actions reachable.
      await row.getByRole('link', { name: 'INV-000001' }).click();
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      await assertOnScreen(page.getByTestId('invoice-total'), 'the invoice total');
      await assertFits('invoice page');
      await shot(page, 'phone-02-invoice');

      // The wizard, each step.
      await page.goto('/invoices/new');
      await page.getByRole('heading', { name: 'Who are you billing?' }).waitFor();
      await assertFits('wizard customer step');
      await shot(page, 'phone-03-wizard-customer');
      await page.getByRole('textbox', { name: 'Customer', exact: true }).click();
      await page.getByRole('option', { name: /Marigold/ }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'What are you charging for?' }).waitFor();
      await page.getByLabel('Item 1 name').fill('Packing boxes');
      await page.getByLabel('Item 1 unit price').fill('12.00');
      await assertFits('wizard items step');
      await assertOnScreen(page.getByRole('button', { name: 'Next' }), 'Next');
      await shot(page, 'phone-04-wizard-items');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Payment description' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'How can your customer pay?' }).waitFor();
      await page.getByRole('checkbox', { name: 'Infini Corporate Card' }).click();
      await assertFits('wizard payment step');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Review and create' }).waitFor();
      await assertFits('wizard confirm step');
      await assertOnScreen(page.getByRole('button', { name: 'Create and send' }), 'Create and send');
      await shot(page, 'phone-05-wizard-confirm');

      // Customers and a customer.
      await page.goto('/customers');
      await page.getByRole('link', { name: /Marigold/ }).first().waitFor();
      await assertFits('customers');
      await assertOnScreen(page.getByRole('button', { name: 'Add customer' }).first(), 'Add customer');
      await shot(page, 'phone-06-customers');
      await page.getByRole('link', { name: /Marigold/ }).first().click();
      await page.getByRole('heading', { name: /Marigold/ }).waitFor();
      await assertFits('customer page');

      // Collections: a payment recorded by hand is listed.
      await page.goto('/collections');
      await page.getByRole('button', { name: 'Record payment' }).waitFor();
      await assertOnScreen(page.getByRole('button', { name: 'Record payment' }), 'Record payment');
      await assertOnScreen(page.getByRole('button', { name: 'Import statement' }), 'Import statement');
      await assertFits('collections');
      await shot(page, 'phone-07-collections');
    } catch (err) {
      await shot(page, 'failure-phone').catch(() => {});
      throw err;
    }
  });
});
