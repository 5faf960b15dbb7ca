// The seed's flow end to end in a real browser against the real server:
// sign up, Invoices -> Create Invoice, add a customer from the drop-down,
// two items, a description, both payment methods, Confirm -> Create only,
// and the invoice is OPEN as INV-000001 on the Invoices list. The wizard's
// preview panel (the email body and the PDF) follows every saved step, and
// the invoice page shows the same document and downloads its PDF.
// Screenshots of each step land in e2e/artifacts/ (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shot, start, waitForText } from './harness.mjs';

describe('invoice wizard', { timeout: 240_000 }, () => {
  let env;
  let page;
  // A fresh address per run: user emails are unique across Tally, and with
  // E2E_DATABASE_URL the database may outlive one run.
  const merchant = { name: 'Northwind Studio', email: `owner+${Date.now()}@northwind.test`, password: 'correct horse battery' };
  const customer = { name: 'Acme Ltd', email: 'billing@acme.test' };

  before(async () => {
    env = await start();
    // Wide enough for the wizard's two columns: the form and the preview panel.
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
  });

  after(async () => {
    await env?.stop();
  });

  const step = async (title) => {
    await page.getByRole('heading', { name: title }).waitFor();
  };

  // The preview panel's Email tab: the server's HTML in a sandboxed frame.
  const emailPreview = () => page.frameLocator('iframe[title="Invoice email preview"]');

  /** Opens the preview's PDF tab and checks the server answered with a PDF. */
  const openPdfTab = async () => {
    const isPdf = (r) => /\/invoices\/[^/]+\/pdf\?/.test(r.url()) && !r.url().includes('download=1');
    const response = page.waitForResponse(isPdf);
    await page.getByRole('tab', { name: 'PDF' }).click();
    const res = await response;
    assert.equal(res.status(), 200, `PDF request answered ${res.status()}: ${await res.text().catch(() => '')}`);
    assert.match(res.headers()['content-type'] ?? '', /^application\/pdf/);
    assert.match(res.headers()['content-disposition'] ?? '', /^inline/);
    await page.locator('iframe[title="Invoice PDF"]').waitFor();
    await page.getByTestId('pdf-loading').waitFor({ state: 'hidden' });
    // Chromium's PDF viewer draws the page a moment after its frame loads; wait for it for the screenshots.
    await page.waitForTimeout(1500);
  };

  /** Clicks a "Download PDF" and returns the file name the browser saves it under. */
  const downloadPdf = async (button) => {
    const download = page.waitForEvent('download');
    await button.click();
    const d = await download;
    assert.equal(await d.failure(), null, 'the download completes');
    return d.suggestedFilename();
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
      // No draft yet: the preview panel explains itself.
      const panel = page.getByRole('complementary', { name: 'Invoice preview' });
      await panel.getByText('Your invoice will appear here').waitFor();
      assert.ok(await panel.getByRole('tab', { name: 'Email' }).isDisabled(), 'no tabs to switch before there is a draft');
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

      // Items. The draft exists: the preview shows it, billed to the customer.
      await step('What are you charging for?');
      await page.waitForURL(/\/invoices\/[^/]+\/edit$/);
      await emailPreview().getByText(customer.name).waitFor();
      await emailPreview().getByText('DRAFT', { exact: true }).waitFor();
      await panel.getByText('Preview updates as you type').waitFor();
      await page.getByLabel('Item 1 name').fill('Website design');
      await page.getByLabel('Item 1 quantity').fill('1');
      await page.getByLabel('Item 1 unit price').fill('1200.00');
      await page.getByRole('button', { name: 'Add item' }).click();
      await page.getByLabel('Item 2 name').fill('Hosting (months)');
      await page.getByLabel('Item 2 quantity').fill('12');
      await page.getByLabel('Item 2 unit price').fill('25.50');
      assert.match(await page.getByTestId('item-1-amount').textContent(), /306\.00/);
      // The total is the server's, priced while typing.
      await waitForText(page.getByTestId('items-total'), /1,506\.00/);
      await shot(page, '07-step-items');
      await page.getByRole('button', { name: 'Next' }).click();

      // Description (optional). The saved items are in the preview.
      await step('Payment description');
      await emailPreview().getByText('Website design').waitFor();
      await emailPreview().getByText('Hosting (months)').waitFor();
      await emailPreview().getByText('$1,506.00').first().waitFor();
      await emailPreview().getByText(customer.name).waitFor();
      await page.getByLabel('Description').fill('Website redesign, phase 1. Hosting billed for a year.');
      await shot(page, '08-step-description');
      await page.getByRole('button', { name: 'Next' }).click();

      // Payment methods: both
      await step('How can your customer pay?');
      await emailPreview().getByText('Website redesign, phase 1. Hosting billed for a year.').waitFor();
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
      await emailPreview().getByText('Card via Infini').waitFor();
      await shot(page, '10-step-confirm');
      // The same document as a PDF; a draft's is marked DRAFT and saved as such.
      await openPdfTab();
      await shot(page, '10b-step-confirm-pdf', { fullPage: false });
      assert.equal(await downloadPdf(panel.getByRole('link', { name: 'Download PDF' })), 'draft-invoice.pdf');
      await panel.getByRole('tab', { name: 'Email' }).click();
      await page.getByRole('button', { name: 'Create only' }).click();

      // Invoice detail with a success notification naming the number
      await page.waitForURL(/\/invoices\/[^/]+$/);
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      await page.getByText('Invoice INV-000001 created').waitFor();
      assert.match(await page.getByTestId('invoice-total').textContent(), /1,506\.00/);
      // The invoice document, issued: its number, and no DRAFT mark.
      const documentSection = page.getByRole('region', { name: 'Invoice document' });
      await documentSection.scrollIntoViewIfNeeded();
      await emailPreview().getByText('INV-000001').first().waitFor();
      await emailPreview().getByText('Website design').waitFor();
      assert.equal(await emailPreview().getByText('DRAFT', { exact: true }).count(), 0, 'an issued invoice is not marked DRAFT');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, '11-invoice-detail');
      // The PDF link is same-origin, so the session cookie downloads it.
      const downloadLink = page.getByRole('link', { name: 'Download PDF' });
      assert.equal(await downloadLink.count(), 1, 'one Download PDF on the page');
      assert.match((await downloadLink.getAttribute('href')) ?? '', /^\/invoices\/[^/]+\/pdf\?/, 'PDF link should be a same-origin path');
      assert.equal(await downloadPdf(downloadLink), 'INV-000001.pdf');
      await openPdfTab();
      await page.getByRole('tab', { name: 'PDF' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(1000);
      await shot(page, '11b-invoice-detail-pdf', { fullPage: false });

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
      await emailPreview().getByText(customer.name).waitFor();
      // Narrower than two columns: the preview follows the form.
      await page.setViewportSize({ width: 1100, height: 900 });
      const form = await page.getByRole('heading', { name: 'What are you charging for?' }).boundingBox();
      const panel = await page.getByRole('complementary', { name: 'Invoice preview' }).boundingBox();
      assert.ok(form && panel && panel.y > form.y, 'the preview is below the form');
      await shot(page, '14a-resume-draft-narrow');
      await page.setViewportSize({ width: 1440, height: 900 });
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
      // The document follows: it is stamped VOID.
      await emailPreview().getByText('VOID', { exact: true }).waitFor();
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

  it("says why the PDF couldn't be made, and tries again", async () => {
    // The server answers 503 + Retry-After while its renderer is busy.
    const busy = (route) =>
      route.fulfill({
        status: 503,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' },
        body: 'too many documents are being prepared right now; try again in a moment\n',
      });
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Invoices' }).click();
      await page.getByRole('row').filter({ hasText: 'INV-000001' }).click();
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      await page.route('**/invoices/*/pdf?*', busy);
      await page.getByRole('tab', { name: 'PDF' }).click();
      // Retried a few times, then the server's words and a way to try again.
      await page.getByText('The PDF is being prepared…', { exact: false }).waitFor();
      const failed = page.getByTestId('pdf-error');
      await failed.waitFor({ timeout: 10_000 });
      await failed.getByText('Too many documents are being prepared right now').waitFor();
      assert.equal(await page.locator('iframe[title="Invoice PDF"]').count(), 0, 'no broken frame');
      await failed.scrollIntoViewIfNeeded();
      await shot(page, '21-pdf-error', { fullPage: false });
      await page.unroute('**/invoices/*/pdf?*', busy);
      const response = page.waitForResponse((r) => /\/invoices\/[^/]+\/pdf\?/.test(r.url()));
      await failed.getByRole('button', { name: 'Try again' }).click();
      assert.equal((await response).status(), 200);
      await page.locator('iframe[title="Invoice PDF"]').waitFor();
    } catch (err) {
      await shot(page, 'failure-pdf-error').catch(() => {});
      throw err;
    }
  });
});
