// A customer's own page in a real browser against the real server: added
// with an address, tax ID and language, the customer is linked from the
// list to /customers/:id, which shows those details, what they owe on
// issued invoices (per currency), their credit and their invoices (drafts
// included); editing there updates the page, and "Create Invoice" there
// starts the wizard with the customer chosen. Screenshots at 1280 and 390 px
// in e2e/artifacts/customers-*.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start, waitForText } from './harness.mjs';

describe('customer page', { timeout: 180_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Atelier Nord', email: `owner+${Date.now()}@nord.test`, password: 'correct horse battery' };
  const customer = { name: 'Boulangerie Dupont', email: 'compta@dupont.test' };

  before(async () => {
    env = await start({ logName: 'server-customers' });
    page = await env.newPage({ viewport: { width: 1280, height: 900 } });
    await signUp(page, merchant);
  });

  after(async () => {
    await env?.stop();
  });

  it('adds a customer with address, tax ID and language and opens their page', async () => {
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
      await page.getByRole('heading', { name: 'Customers' }).waitFor();
      await page.getByRole('button', { name: 'Add customer' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Add customer' });
      await dialog.getByLabel('Name').fill(customer.name);
      await dialog.getByLabel('Email').fill(customer.email);
      await dialog.getByRole('button', { name: 'Address, tax ID and language' }).click();
      await dialog.getByLabel('Address line 1').fill('8 rue de la Paix');
      await dialog.getByLabel('Postal code').fill('75002');
      await dialog.getByLabel('City').fill('Paris');
      await dialog.getByRole('textbox', { name: 'Country' }).fill('Fran');
      await page.getByRole('option', { name: 'France', exact: true }).click();
      await dialog.getByLabel('Tax ID').fill('FR40303265045');
      await dialog.getByRole('textbox', { name: 'Language' }).click();
      await page.getByRole('option', { name: /\(fr\)$/ }).click();
      await shot(page, 'customers-01-add', { fullPage: false });
      await dialog.getByRole('button', { name: 'Add customer' }).click();
      await dialog.waitFor({ state: 'hidden' });

      // The list links to the page.
      await page.getByRole('link', { name: customer.name }).click();
      await page.waitForURL(/\/customers\/[^/]+$/);
      await page.getByRole('heading', { name: customer.name }).waitFor();
      const address = await waitForText(page.getByTestId('customer-address'), /Paris/);
      assert.match(address, /8 rue de la Paix/);
      assert.match(address, /75002 Paris/);
      assert.match(address, /France/);
      assert.equal(await page.getByTestId('customer-tax-id').textContent(), 'FR40303265045');
      assert.match(await page.getByTestId('customer-language').textContent(), /Fran/i);
      assert.equal(await page.getByTestId('customer-amount-due').textContent(), 'Nothing');
      assert.equal(await page.getByTestId('customer-credit').textContent(), 'None');
      await page.getByText('No invoices yet').waitFor();
    } catch (err) {
      await shot(page, 'failure-customers-add').catch(() => {});
      throw err;
    }
  });

  it('shows what they owe and their invoices, and edits in place', async () => {
    try {
      const customerID = new URL(page.url()).pathname.split('/').pop();
      // One issued invoice (EUR 2 x 50.00, no tax) and one draft.
      const { createInvoiceDraft: issued } = await graphql(
        page,
        'mutation($c: ID!) { createInvoiceDraft(input: { customerID: $c, currency: "EUR" }) { id } }',
        { c: customerID },
      );
      await graphql(page, 'mutation($id: ID!) { setInvoiceItems(id: $id, items: [{ name: "Croissants", quantity: "2", unitPrice: "50.00", taxRateIDs: [] }]) { id } }', { id: issued.id });
      await graphql(page, 'mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }', { id: issued.id });
      await graphql(page, 'mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }', { id: issued.id });
      await graphql(page, 'mutation($c: ID!) { createInvoiceDraft(input: { customerID: $c, currency: "EUR" }) { id } }', { c: customerID });

      await page.reload();
      await page.getByRole('heading', { name: customer.name }).waitFor();
      await waitForText(page.getByTestId('customer-amount-due'), /€100\.00/);
      const invoices = page.getByRole('table', { name: 'Invoices' });
      const issuedRow = invoices.getByRole('row').filter({ hasText: 'INV-000001' });
      await issuedRow.waitFor();
      assert.equal(await issuedRow.locator('[data-status]').getAttribute('data-status'), 'OPEN');
      assert.match(await issuedRow.textContent(), /€100\.00/);
      await invoices.getByRole('row').filter({ has: page.locator('[data-status="DRAFT"]') }).waitFor();
      await shot(page, 'customers-02-page-1280');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling at 390 px');
      await shot(page, 'customers-03-page-390');
      await page.setViewportSize({ width: 1280, height: 900 });

      // Edit from the page: every field is there, filled in.
      await page.getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit customer' });
      assert.equal(await dialog.getByLabel('City').inputValue(), 'Paris');
      await dialog.getByLabel('Tax ID').fill('FR83404833048');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await waitForText(page.getByTestId('customer-tax-id'), /^FR83404833048$/);

      // "Create Invoice" here starts the wizard with this customer.
      await page.getByRole('link', { name: 'Create Invoice' }).click();
      await page.getByRole('heading', { name: 'Who are you billing?' }).waitFor();
      const picked = page.getByRole('textbox', { name: 'Customer', exact: true });
      const deadline = Date.now() + 10_000;
      while ((await picked.inputValue()) !== customer.name && Date.now() < deadline) await page.waitForTimeout(100);
      assert.equal(await picked.inputValue(), customer.name);
      await page.goBack();
      await page.getByRole('heading', { name: customer.name }).waitFor();

      // The invoice links back to the customer.
      await issuedRow.getByRole('link', { name: 'INV-000001' }).click();
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      await page.getByRole('link', { name: customer.name }).click();
      await page.waitForURL(`**/customers/${customerID}`);
    } catch (err) {
      await shot(page, 'failure-customers-page').catch(() => {});
      throw err;
    }
  });
});
