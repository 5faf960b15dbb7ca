// The seed's flow end to end in a real browser against the real server:
// sign up, Invoices -> Create Invoice, add a customer from the drop-down,
// two items, a description, both payment methods, Confirm -> Create only,
// and the invoice is OPEN as INV-000001 on the Invoices list.
// Screenshots of each step land in e2e/artifacts/ (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shot, start } from './harness.mjs';

describe('invoice wizard', { timeout: 240_000 }, () => {
  let env;
  let page;
  // A fresh address per run: user emails are unique across Tally, and with
  // E2E_DATABASE_URL the database may outlive one run.
  const merchant = { name: 'Northwind Studio', email: `owner+${Date.now()}@northwind.test`, password: 'correct horse battery' };
  const customer = { name: 'Acme Ltd', email: 'billing@acme.test' };

  before(async () => {
    env = await start();
    page = await env.newPage();
  });

  after(async () => {
    await env?.stop();
  });

  const step = async (title) => {
    await page.getByRole('heading', { name: title }).waitFor();
  };

  it('creates and issues an invoice through the five steps', async () => {
    try {
      await page.goto('/sign-up');
      await page.getByLabel('Business name').fill(merchant.name);
      await page.getByLabel('Email').fill(merchant.email);
      await page.getByLabel('Password').fill(merchant.password);
      await shot(page, '01-sign-up');
      await page.getByRole('button', { name: 'Create account' }).click();

      await page.waitForURL('**/invoices');
      await page.getByRole('heading', { name: 'Invoices' }).waitFor();
      await page.getByText('No invoices yet').waitFor();
      assert.equal(await page.getByTestId('merchant-name').textContent(), merchant.name);
      await shot(page, '02-invoices-empty');

      // Billing -> Invoices -> [Create Invoice]
      await page.getByRole('link', { name: 'Create Invoice' }).first().click();
      await page.waitForURL('**/invoices/new');
      await step('Who are you billing?');
      await shot(page, '03-step-customer');

      // Customer drop-down -> "Add customer information"
      await page.getByRole('textbox', { name: 'Customer', exact: true }).click();
      const addOption = page.getByRole('option', { name: 'Add customer information' });
      await addOption.waitFor();
      await shot(page, '04-customer-dropdown');
      await addOption.click();
      const modal = page.getByRole('dialog', { name: 'Add customer information' });
      await modal.getByLabel('Customer name').fill(customer.name);
      await modal.getByLabel('Customer email').fill(customer.email);
      await shot(page, '05-add-customer');
      await modal.getByRole('button', { name: 'Submit' }).click();
      await modal.waitFor({ state: 'hidden' });
      assert.equal(await page.getByRole('textbox', { name: 'Customer', exact: true }).inputValue(), customer.name);
      await shot(page, '06-customer-selected');
      await page.getByRole('button', { name: 'Next' }).click();

      // Items
      await step('What are you charging for?');
      await page.waitForURL(/\/invoices\/[^/]+\/edit$/);
      await page.getByLabel('Item 1 name').fill('Website design');
      await page.getByLabel('Item 1 quantity').fill('1');
      await page.getByLabel('Item 1 unit price').fill('1200.00');
      await page.getByRole('button', { name: 'Add item' }).click();
      await page.getByLabel('Item 2 name').fill('Hosting (months)');
      await page.getByLabel('Item 2 quantity').fill('12');
      await page.getByLabel('Item 2 unit price').fill('25.50');
      assert.match(await page.getByTestId('item-1-amount').textContent(), /306\.00/);
      assert.match(await page.getByTestId('items-total').textContent(), /1,506\.00/);
      await shot(page, '07-step-items');
      await page.getByRole('button', { name: 'Next' }).click();

      // Description (optional)
      await step('Payment description');
      await page.getByLabel('Description').fill('Website redesign, phase 1. Hosting billed for a year.');
      await shot(page, '08-step-description');
      await page.getByRole('button', { name: 'Next' }).click();

      // Payment methods: both
      await step('How can your customer pay?');
      await page.getByRole('checkbox', { name: 'Cryptocurrency (stablecoins)' }).click();
      await page.getByRole('checkbox', { name: 'Infini Corporate Card' }).click();
      await shot(page, '09-step-payment-methods');
      await page.getByRole('button', { name: 'Next' }).click();

      // Confirm -> Create only
      await step('Review and create');
      assert.match(await page.getByTestId('confirm-total').textContent(), /1,506\.00/);
      await page.getByText('Cryptocurrency (stablecoins)').waitFor();
      await page.getByText('Infini Corporate Card').waitFor();
      await page.getByText(customer.email).waitFor();
      await shot(page, '10-step-confirm');
      await page.getByRole('button', { name: 'Preview invoice' }).click();
      const preview = page.frameLocator('iframe[title="Invoice preview"]');
      await preview.getByText('Website design').first().waitFor();
      await shot(page, '10b-preview');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'Invoice preview' }).waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Create only' }).click();

      // Invoice detail with a success notification naming the number
      await page.waitForURL(/\/invoices\/[^/]+$/);
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      await page.getByText('Invoice INV-000001 created').waitFor();
      assert.match(await page.getByTestId('invoice-total').textContent(), /1,506\.00/);
      await shot(page, '11-invoice-detail');
      // The PDF link is same-origin, so the session cookie downloads it.
      const pdfHref = await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href');
      assert.match(pdfHref ?? '', /^\//, 'PDF link should be a same-origin path');

      // Back on the Invoices list: OPEN, INV-000001
      await page.getByRole('navigation').getByRole('link', { name: 'Invoices' }).click();
      await page.waitForURL('**/invoices');
      const row = page.getByRole('row').filter({ hasText: 'INV-000001' });
      await row.waitFor();
      assert.equal(await row.locator('[data-status]').getAttribute('data-status'), 'OPEN');
      assert.match(await row.textContent(), /Acme Ltd/);
      assert.match(await row.textContent(), /1,506\.00/);
      await shot(page, '12-invoices-list');
    } catch (err) {
      await shot(page, 'failure-wizard').catch(() => {});
      throw err;
    }
  });

  it('shows a server validation error under the offending item row', async () => {
    try {
      await page.goto('/invoices/new');
      await step('Who are you billing?');
      await page.getByRole('textbox', { name: 'Customer', exact: true }).click();
      await page.getByRole('option', { name: customer.name }).click();
      await page.getByRole('button', { name: 'Next' }).click();

      await step('What are you charging for?');
      await page.getByLabel('Item 1 name').fill('Consulting');
      await page.getByLabel('Item 1 quantity').fill('2');
      await page.getByLabel('Item 1 unit price').fill('100');
      await page.getByRole('button', { name: 'Add item' }).click();
      await page.getByLabel('Item 2 name').fill('Nothing');
      await page.getByLabel('Item 2 quantity').fill('0');
      await page.getByLabel('Item 2 unit price').fill('10');
      await page.getByRole('button', { name: 'Next' }).click();

      // The server answers VALIDATION with field items[1].quantity: the
      // message appears under row 2's quantity, and nowhere else.
      const qty2 = page.locator('input[aria-label="Item 2 quantity"][aria-invalid="true"]');
      await qty2.waitFor();
      const errorID = (await qty2.getAttribute('aria-describedby'))?.split(' ').find((id) => id.endsWith('-error'));
      assert.ok(errorID, 'quantity input should reference its error message');
      const message = await page.locator(`[id="${errorID}"]`).textContent();
      assert.ok(message && message.length > 0, 'error message should not be empty');
      assert.doesNotMatch(message, /items\[/, 'the inline message should not repeat the field path');
      assert.equal(await page.locator('input[aria-invalid="true"]').count(), 1, 'only that one field is flagged');
      // Still on the Items step.
      await step('What are you charging for?');
      await shot(page, '13-validation-error');
    } catch (err) {
      await shot(page, 'failure-validation').catch(() => {});
      throw err;
    }
  });

  it('resumes a draft from the Invoices list at the step it was left on', async () => {
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Invoices' }).click();
      await page.waitForURL('**/invoices');
      const draftRow = page.getByRole('row').filter({ has: page.locator('[data-status="DRAFT"]') });
      await draftRow.first().click();
      await page.waitForURL(/\/invoices\/[^/]+\/edit$/);
      await page.getByRole('heading', { name: 'Continue draft invoice' }).waitFor();
      // The failed items were never saved, so the draft resumes at Items.
      await step('What are you charging for?');
      await page.getByRole('button', { name: 'Back' }).click();
      await step('Who are you billing?');
      assert.equal(await page.getByRole('textbox', { name: 'Customer', exact: true }).inputValue(), customer.name);
      await shot(page, '14-resume-draft');
    } catch (err) {
      await shot(page, 'failure-resume').catch(() => {});
      throw err;
    }
  });

  it('manages customers and API keys, and voids an invoice', async () => {
    try {
      // Customers: list, add, and a duplicate email shown under Email.
      await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
      await page.getByRole('heading', { name: 'Customers' }).waitFor();
      await page.getByRole('row').filter({ hasText: customer.email }).waitFor();
      await page.getByRole('button', { name: 'Add customer' }).first().click();
      let dialog = page.getByRole('dialog', { name: 'Add customer' });
      await dialog.getByLabel('Name').fill('Acme again');
      await dialog.getByLabel('Email').fill(customer.email.toUpperCase());
      await dialog.getByRole('button', { name: 'Add customer' }).click();
      await dialog.locator('input[type="email"][aria-invalid="true"]').waitFor();
      await shot(page, '15-customer-duplicate-email');
      await dialog.getByLabel('Name').fill('Globex Corporation');
      await dialog.getByLabel('Email').fill('ap@globex.test');
      await dialog.getByRole('button', { name: 'Add customer' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('row').filter({ hasText: 'ap@globex.test' }).waitFor();
      await shot(page, '16-customers');

      // API keys: create (secret shown once), then revoke.
      await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('heading', { name: 'API keys' }).waitFor();
      await page.getByRole('button', { name: 'Create API key' }).click();
      dialog = page.getByRole('dialog', { name: 'Create API key' });
      await dialog.getByLabel('Name').fill('Shop integration');
      await dialog.getByRole('button', { name: 'Create key' }).click();
      const secret = page.getByTestId('api-key-secret');
      await secret.waitFor();
      assert.ok(((await secret.textContent()) ?? '').length >= 20, 'the secret is shown');
      await shot(page, '17-api-key-secret');
      await page.getByRole('button', { name: 'Done' }).click();
      const keyRow = page.getByRole('row').filter({ hasText: 'Shop integration' });
      await keyRow.getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
      await keyRow.getByText('Revoked').waitFor();
      await shot(page, '18-api-keys');

      // Void INV-000001 with a reason.
      await page.getByRole('navigation').getByRole('link', { name: 'Invoices' }).click();
      await page.getByRole('row').filter({ hasText: 'INV-000001' }).click();
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      await page.getByRole('button', { name: 'Void' }).click();
      dialog = page.getByRole('dialog');
      await dialog.getByLabel('Reason').fill('Issued by mistake');
      await dialog.getByRole('button', { name: 'Void invoice' }).click();
      await page.locator('[data-status="VOID"]').first().waitFor();
      await page.getByText('Issued by mistake').first().waitFor();
      await shot(page, '19-invoice-voided');
    } catch (err) {
      await shot(page, 'failure-manage').catch(() => {});
      throw err;
    }
  });

  it('signs out, guards pages, and signs back in', async () => {
    try {
      await page.getByRole('button', { name: 'Account menu' }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.waitForURL('**/sign-in');
      // Signed out, a dashboard URL leads to sign in, and back after it.
      await page.goto('/customers');
      await page.waitForURL('**/sign-in');
      await page.getByLabel('Email').fill(merchant.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Wrong credentials are shown on the form (the server says UNAUTHENTICATED).
      await page.locator('[id$="-error"]').first().waitFor();
      await shot(page, '20-sign-in-failed');
      await page.getByLabel('Password').fill(merchant.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/customers');
      await page.getByRole('row').filter({ hasText: 'ap@globex.test' }).waitFor();
      assert.equal(await page.getByTestId('merchant-name').textContent(), merchant.name);
    } catch (err) {
      await shot(page, 'failure-auth').catch(() => {});
      throw err;
    }
  });
});
