// Settings -> Business settings in a real browser against the real server:
// the business name is required (checked in the browser) and the server's
// VALIDATION errors land under their field; saving the structured address,
// default currency and US Letter updates the header at once, and the next
// invoice made through the wizard starts in that currency and shows the
// address in its document, printed on Letter paper. (Tax ID, bank details and
// the IBAN check: business.test.mjs.)
// Screenshots land in e2e/artifacts/settings-*.png (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shot, signUp, start } from './harness.mjs';

describe('business settings', { timeout: 180_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Harbour Tea Co.', email: `owner+${Date.now()}@harbourtea.test`, password: 'correct horse battery' };
  const renamed = 'Harbour Tea Company';
  const street = '12 Harbour Road';
  const city = 'Lisbon';
  const customer = { name: 'Globex Corporation', email: 'ap@globex.test' };

  // Every updateMerchant the page sends, to tell browser checks from server ones.
  const updates = [];

  before(async () => {
    env = await start({ logName: 'server-settings' });
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('request', (r) => {
      if (r.url().endsWith('/query') && (r.postData() ?? '').includes('updateMerchant')) updates.push(r.postDataJSON());
    });
  });

  after(async () => {
    await env?.stop();
  });

  const form = () => page.getByRole('form', { name: 'Business settings' });
  const nameInput = () => form().getByRole('textbox', { name: 'Business name' });
  const saveButton = () => form().getByRole('button', { name: 'Save changes' });
  const emailPreview = () => page.frameLocator('iframe[title="Invoice email preview"]');

  /** Waits (up to 10 s) for an input to hold `expected`, then asserts it: inputValue alone doesn't wait for data to load. */
  const assertValue = async (locator, expected, message) => {
    const deadline = Date.now() + 10_000;
    let actual = await locator.inputValue();
    while (actual !== expected && Date.now() < deadline) {
      await page.waitForTimeout(100);
      actual = await locator.inputValue();
    }
    assert.equal(actual, expected, message);
  };

  /** The inline error under an input, via its aria-describedby. */
  const errorUnder = async (input) => {
    await input.and(page.locator('[aria-invalid="true"]')).waitFor();
    const id = (await input.getAttribute('aria-describedby'))?.split(' ').find((x) => x.endsWith('-error'));
    assert.ok(id, 'the input references its error message');
    return (await page.locator(`[id="${id}"]`).textContent()) ?? '';
  };

  it('edits the business details, with errors under their fields', async () => {
    try {
      await signUp(page, merchant);

      // Navbar -> Account -> Settings
      await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL('**/settings');
      await page.getByRole('heading', { name: 'Business settings' }).waitFor();
      await page.getByRole('heading', { name: 'Where this appears' }).waitFor();
      await assertValue(nameInput(), merchant.name);
      await assertValue(form().getByRole('textbox', { name: 'Address line 1' }), '');
      await assertValue(form().getByRole('textbox', { name: 'Default currency' }), 'USD');
      assert.ok(await form().getByRole('radio', { name: 'A4' }).isChecked(), 'A4 is the default paper size');
      assert.ok(await saveButton().isDisabled(), 'nothing to save yet');
      await shot(page, 'settings-01-loaded');

      // An empty name is caught in the browser, under the field.
      await nameInput().fill('');
      assert.ok(await saveButton().isEnabled(), 'a change enables Save');
      await saveButton().click();
      assert.equal(await errorUnder(nameInput()), 'Enter your business name');
      assert.equal(updates.length, 0, 'nothing was sent');
      assert.equal(await page.locator('input[aria-invalid="true"], textarea[aria-invalid="true"]').count(), 1, 'only the name is flagged');
      await shot(page, 'settings-02-name-required');

      // The server's VALIDATION error (field "name") is shown under the name too.
      await nameInput().fill('N'.repeat(201));
      await saveButton().click();
      const serverMessage = await errorUnder(nameInput());
      assert.equal(updates.length, 1, 'the server was asked');
      assert.match(serverMessage, /at most 200 characters/);
      assert.doesNotMatch(serverMessage, /^name:/, 'no field prefix under the field');
      await shot(page, 'settings-03-server-validation');

      // Name, address, currency and paper size, saved together.
      await nameInput().fill(renamed);
      await form().getByRole('textbox', { name: 'Address line 1' }).fill(street);
      await form().getByRole('textbox', { name: 'City' }).fill(city);
      await form().getByRole('textbox', { name: 'Country' }).fill('Portugal');
      await page.getByRole('option', { name: 'Portugal', exact: true }).click();
      await form().getByRole('textbox', { name: 'Default currency' }).click();
      await form().getByRole('textbox', { name: 'Default currency' }).fill('EU');
      await page.getByRole('option', { name: 'EUR', exact: true }).click();
      await form().getByText('US Letter').click();
      assert.ok(await form().getByRole('radio', { name: 'US Letter' }).isChecked());
      // The sketch beside the form follows the typing.
      const note = page.getByRole('region', { name: 'Where this appears' });
      await note.getByText('Harbour Road').waitFor();
      await note.getByText('printed on US Letter paper', { exact: false }).waitFor();
      await shot(page, 'settings-04-edited');
      await saveButton().click();
      await page.getByText('Settings saved').waitFor();
      // The header follows (urql refetches the viewer), and there is nothing left to save.
      await page.getByTestId('merchant-name').getByText(renamed, { exact: true }).waitFor();
      await page.waitForFunction(() => !!document.querySelector('form[aria-label="Business settings"] button[type="submit"]:disabled'));
      const sent = updates.at(-1).variables.input;
      assert.deepEqual(sent, {
        name: renamed,
        postalAddress: { lines: [street], city, postalCode: null, region: null, country: 'PT' },
        defaultCurrency: 'EUR',
        paperSize: 'LETTER',
      });
      await shot(page, 'settings-05-saved');

      // Saved on the server: a fresh load shows the same values.
      await page.reload();
      await page.getByRole('heading', { name: 'Business settings' }).waitFor();
      await nameInput().waitFor();
      await assertValue(nameInput(), renamed);
      await assertValue(form().getByRole('textbox', { name: 'Address line 1' }), street);
      await assertValue(form().getByRole('textbox', { name: 'City' }), city);
      await assertValue(form().getByRole('textbox', { name: 'Country' }), 'Portugal');
      await assertValue(form().getByRole('textbox', { name: 'Default currency' }), 'EUR');
      assert.ok(await form().getByRole('radio', { name: 'US Letter' }).isChecked());
      assert.ok(await saveButton().isDisabled());

      // Changing a value and changing it back leaves nothing to save.
      await form().getByText('A4', { exact: true }).click();
      assert.ok(await saveButton().isEnabled());
      await form().getByText('US Letter').click();
      assert.ok(await saveButton().isDisabled(), 'back to the saved values');

      // Narrow: the note follows the form.
      await page.setViewportSize({ width: 760, height: 1000 });
      const formBox = await form().boundingBox();
      const noteBox = await note.boundingBox();
      assert.ok(formBox && noteBox && noteBox.y > formBox.y + formBox.height - 1, 'the note is below the form');
      await shot(page, 'settings-06-narrow');
      await page.setViewportSize({ width: 1440, height: 900 });
    } catch (err) {
      await shot(page, 'failure-settings').catch(() => {});
      throw err;
    }
  });

  it('puts the address on the next invoice, in the default currency, on Letter paper', async () => {
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Invoices' }).click();
      await page.getByRole('link', { name: 'Create Invoice' }).first().click();
      await page.waitForURL('**/invoices/new');
      await page.getByRole('heading', { name: 'Who are you billing?' }).waitFor();
      // The new default currency.
      await assertValue(page.getByRole('textbox', { name: 'Currency' }), 'EUR');

      await page.getByRole('textbox', { name: 'Customer', exact: true }).click();
      await page.getByRole('option', { name: 'Add customer information' }).click();
      const modal = page.getByRole('dialog', { name: 'Add customer information' });
      await modal.getByLabel('Customer name').fill(customer.name);
      await modal.getByLabel('Customer email').fill(customer.email);
      await modal.getByRole('button', { name: 'Submit' }).click();
      await modal.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Next' }).click();

      await page.getByRole('heading', { name: 'What are you charging for?' }).waitFor();
      // The draft's document already carries the new header.
      await emailPreview().getByText('Harbour Road').waitFor();
      await page.getByLabel('Item 1 name').fill('Darjeeling, 1 kg');
      await page.getByLabel('Item 1 quantity').fill('3');
      await page.getByLabel('Item 1 unit price').fill('48.00');
      await page.getByRole('button', { name: 'Next' }).click();

      await page.getByRole('heading', { name: 'Payment description' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'How can your customer pay?' }).waitFor();
      await page.getByRole('checkbox', { name: 'Infini Corporate Card' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Review and create' }).waitFor();
      await page.getByRole('button', { name: 'Create only' }).click();

      // The invoice page's Email tab: the renamed business and its address.
      await page.waitForURL(/\/invoices\/[^/]+$/);
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      assert.match(await page.getByTestId('invoice-total').textContent(), /€144\.00/);
      const documentSection = page.getByRole('region', { name: 'Invoice document' });
      await documentSection.scrollIntoViewIfNeeded();
      await emailPreview().getByText('Harbour Road').first().waitFor();
      await emailPreview().getByText('Lisbon').first().waitFor();
      await emailPreview().getByText(renamed).first().waitFor();
      await documentSection.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.evaluate(() => window.scrollBy(0, -72)); // clear of the fixed header
      await shot(page, 'settings-07-invoice-email', { fullPage: false });

      // The PDF is on US Letter: 612 x 792 points.
      const pdfURL = await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href');
      const res = await page.request.get(pdfURL);
      assert.equal(res.status(), 200);
      const pdf = (await res.body()).toString('latin1');
      assert.match(pdf, /\/MediaBox\s*\[\s*0\s+0\s+612(\.0+)?\s+792(\.0+)?\s*\]/, 'a Letter-sized page');
    } catch (err) {
      await shot(page, 'failure-settings-invoice').catch(() => {});
      throw err;
    }
  });

  it('shows new details on an invoice that was already open', async () => {
    try {
      // The account menu leads to the same page.
      await page.getByRole('button', { name: 'Account menu' }).click();
      await page.getByRole('menuitem', { name: 'Business settings' }).waitFor();
      await shot(page, 'settings-08-account-menu', { fullPage: false });
      await page.getByRole('menuitem', { name: 'Business settings' }).click();
      await page.waitForURL('**/settings');
      await form().getByRole('textbox', { name: 'Postal code' }).fill('1100-001');
      await saveButton().click();
      await page.getByText('Settings saved').waitFor();

      // Back to the invoice loaded before: its document is fetched again, not
      // shown from urql's cache.
      await page.goBack();
      await page.waitForURL(/\/invoices\/[^/]+$/);
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      // How the document lays the address out is its own (business.test.mjs
      // checks more); the new postal code is on it.
      await emailPreview().getByText('1100-001').first().waitFor();
    } catch (err) {
      await shot(page, 'failure-settings-refresh').catch(() => {});
      throw err;
    }
  });
});
