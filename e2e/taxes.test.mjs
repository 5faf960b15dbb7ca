// Tax rates end to end in a real browser against the real server:
// Settings -> Taxes creates rates (a percentage over 100 is caught under its
// field), makes one the default and archives one after a confirmation; the
// wizard then preselects the default on new lines, creates a second rate
// inline from a line's tax select, and prices two rates, a line discount and
// a document discount as the server computes them (EN 16931: tax once per
// rate on its base less its share of the document discount):
//   Consulting 10 x 100.00 - 10%  =  900.00  VAT 19%
//   Hosting     1 x 200.00        =  200.00  VAT reduced 7%
//   subtotal 1,100.00; document discount 10% = 110.00, spread 90.00 / 20.00
//   VAT 19% on 810.00 = 153.90; VAT reduced 7% on 180.00 = 12.60
//   total 1,100.00 - 110.00 + 153.90 + 12.60 = 1,156.50
// "Create and send" carries a message to the customer. Screenshots of the
// taxes page and the items step at 1280 and 390 px in e2e/artifacts/taxes-*.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shot, signUp, start, waitForText } from './harness.mjs';

describe('tax rates', { timeout: 240_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Lumen Studio', email: `owner+${Date.now()}@lumen.test`, password: 'correct horse battery' };
  const issues = [];

  before(async () => {
    env = await start({ logName: 'server-taxes' });
    page = await env.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      if (r.url().endsWith('/query') && (r.postData() ?? '').includes('issueInvoice')) issues.push(r.postDataJSON());
    });
    await signUp(page, merchant);
  });

  after(async () => {
    await env?.stop();
  });

  const row = (name) => page.locator(`tr[data-tax-rate="${name}"]`);

  /** Adds a rate through the "New tax rate" dialog. */
  const addRate = async (dialog, { name, percentage, makeDefault = false }) => {
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Rate (%)').fill(percentage);
    if (makeDefault) await dialog.getByRole('checkbox', { name: 'Default rate' }).check();
    await dialog.getByRole('button', { name: 'Add tax rate' }).click();
    await dialog.waitFor({ state: 'hidden' });
  };

  /** Opens a rate's actions menu and picks an item. */
  const action = async (name, label) => {
    await row(name).getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: label }).click();
  };

  it('creates rates, makes one the default and archives one', async () => {
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Taxes' }).click();
      await page.waitForURL('**/settings/taxes');
      await page.getByRole('heading', { name: 'Taxes', exact: true }).waitFor();
      await page.getByText('No tax rates yet').waitFor();

      // A percentage over 100 is caught in the browser, under the field.
      await page.getByRole('button', { name: 'New tax rate' }).first().click();
      let dialog = page.getByRole('dialog', { name: 'New tax rate' });
      await dialog.getByLabel('Name').fill('VAT');
      await dialog.getByLabel('Rate (%)').fill('119');
      await dialog.getByRole('button', { name: 'Add tax rate' }).click();
      await dialog.locator('input[aria-invalid="true"]').waitFor();
      assert.match(await dialog.textContent(), /At most 100/);
      await addRate(dialog, { name: 'VAT', percentage: '19', makeDefault: true });
      await row('VAT').getByTestId('default-badge').waitFor();
      assert.match(await row('VAT').textContent(), /19%/);
      assert.match(await row('VAT').textContent(), /Tax added on top/);
      assert.match(await row('VAT').textContent(), /Standard rate/);

      await page.getByRole('button', { name: 'New tax rate' }).first().click();
      dialog = page.getByRole('dialog', { name: 'New tax rate' });
      await addRate(dialog, { name: 'Old rate', percentage: '5' });
      await row('Old rate').waitFor();
      assert.equal(await row('Old rate').getByTestId('default-badge').count(), 0, 'only one default');

      // Make "Old rate" the default: the badge moves; then back to VAT.
      await action('Old rate', 'Make default');
      await row('Old rate').getByTestId('default-badge').waitFor();
      await row('VAT').getByTestId('default-badge').waitFor({ state: 'detached' });
      await action('VAT', 'Make default');
      await row('VAT').getByTestId('default-badge').waitFor();
      await row('Old rate').getByTestId('default-badge').waitFor({ state: 'detached' });
      await shot(page, 'taxes-01-list-1280');

      // Archive asks first; the rate leaves the list and shows with archived ones.
      await action('Old rate', 'Archive');
      const confirm = page.getByRole('dialog', { name: 'Archive Old rate 5%?' });
      await confirm.getByText('Invoices that already use it keep it').waitFor();
      await confirm.getByRole('button', { name: 'Archive' }).click();
      await row('Old rate').waitFor({ state: 'detached' });
      await confirm.waitFor({ state: 'hidden' });
      const showArchived = page.getByRole('switch', { name: 'Show archived rates' });
      await showArchived.click();
      await row('Old rate').getByText('Archived').waitFor();
      assert.equal(await row('Old rate').getByRole('button', { name: /^Actions for/ }).count(), 0, 'an archived rate has no actions');
      await showArchived.click();
      await row('Old rate').waitFor({ state: 'detached' });

      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, 'taxes-02-list-390');
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling at 390 px');
      await page.setViewportSize({ width: 1280, height: 900 });
    } catch (err) {
      await shot(page, 'failure-taxes').catch(() => {});
      throw err;
    }
  });

  it('prices two rates, a line discount and a document discount in the wizard', async () => {
    try {
      await page.goto('/invoices/new');
      await page.getByRole('heading', { name: 'Who are you billing?' }).waitFor();
      await page.getByRole('textbox', { name: 'Customer', exact: true }).click();
      await page.getByRole('option', { name: 'Add customer information' }).click();
      const modal = page.getByRole('dialog', { name: 'Add customer information' });
      await modal.getByLabel('Customer name').fill('Initech GmbH');
      await modal.getByLabel('Customer email').fill('ap@initech.test');
      await modal.getByRole('button', { name: 'Submit' }).click();
      await modal.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'What are you charging for?' }).waitFor();

      // The default rate is on the new line.
      const taxes1 = page.locator('[data-item-row="0"]');
      await taxes1.getByText('VAT 19%', { exact: true }).waitFor();
      await page.getByLabel('Item 1 name').fill('Consulting');
      await page.getByLabel('Item 1 quantity').fill('10');
      await page.getByLabel('Item 1 unit price').fill('100.00');
      await page.getByLabel('Item 1 discount percent').fill('10');
      assert.match(await page.getByTestId('item-0-amount').textContent(), /\$900\.00/);

      // Line 2: no VAT 19%, and a new reduced rate made from its tax select.
      await page.getByRole('button', { name: 'Add item' }).click();
      await page.getByLabel('Item 2 name').fill('Hosting');
      await page.getByLabel('Item 2 unit price').fill('200.00');
      // From the keyboard: the select opens on ArrowDown (a mouse click can
      // land on the sticky header once the page scrolls the line into view).
      await page.getByLabel('Item 2 taxes').focus();
      await page.keyboard.press('ArrowDown');
      await page.getByRole('option', { name: 'VAT 19%', exact: true }).click(); // deselects the default
      await page.getByRole('option', { name: '+ New tax rate' }).click();
      const rateDialog = page.getByRole('dialog', { name: 'New tax rate' });
      await addRate(rateDialog, { name: 'VAT reduced', percentage: '7' });
      await page.keyboard.press('Escape'); // the line's drop-down, if still open
      const row2 = page.locator('[data-item-row="1"]');
      await row2.getByText('VAT reduced 7%', { exact: true }).waitFor();
      assert.equal(await row2.getByText('VAT 19%', { exact: true }).count(), 0, 'line 2 carries only the reduced rate');

      // 10% off the whole invoice.
      await page.getByRole('button', { name: 'Add discount' }).click();
      await page.getByLabel('Percent off').fill('10');
      await page.getByLabel('Reason').fill('Launch offer');

      // The server's figures, priced as typed.
      await waitForText(page.getByTestId('items-total'), /\$1,156\.50/);
      assert.match(await page.getByTestId('items-subtotal').textContent(), /\$1,100\.00/);
      assert.match(await page.getByTestId('items-discount').textContent(), /−\$110\.00/);
      // The whole row: the rate's name and base on the left, its tax on the right.
      const tax0 = await page.getByTestId('items-tax-0').locator('xpath=..').textContent();
      const tax1 = await page.getByTestId('items-tax-1').locator('xpath=..').textContent();
      assert.match(tax0, /VAT 19%.*\$810\.00.*\$153\.90/s);
      assert.match(tax1, /VAT reduced 7%.*\$180\.00.*\$12\.60/s);
      await shot(page, 'taxes-03-wizard-items-1280');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling at 390 px');
      await shot(page, 'taxes-04-wizard-items-390');
      await page.setViewportSize({ width: 1280, height: 900 });

      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Payment description' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'How can your customer pay?' }).waitFor();
      await page.getByRole('checkbox', { name: 'Infini Corporate Card' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Review and create' }).waitFor();
      assert.match(await page.getByTestId('confirm-total').textContent(), /\$1,156\.50/);
      assert.match(await page.getByTestId('confirm-tax-0').textContent(), /\$153\.90/);

      // Create and send, with a message in the email.
      await page.getByRole('button', { name: 'Create and send' }).click();
      const confirm = page.getByRole('dialog', { name: 'Create and send this invoice?' });
      await confirm.getByLabel('Message to the customer').fill('Thanks for the launch!');
      await confirm.getByRole('button', { name: 'Create and send' }).click();
      await page.waitForURL(/\/invoices\/[^/]+$/);
      assert.equal(issues.at(-1).variables.message, 'Thanks for the launch!');
      assert.equal(issues.at(-1).variables.send, true);

      // The invoice page: per-line discount and taxes, the summary, the total.
      await waitForText(page.getByTestId('invoice-total'), /\$1,156\.50/);
      assert.match(await page.getByTestId('invoice-tax-1').textContent(), /\$12\.60/);
      assert.match(await page.getByTestId('invoice-discount').locator('xpath=..').textContent(), /Launch offer.*−\$110\.00/s);
      await page.getByText('10% off (−$100.00) · VAT 19%').waitFor();
      await shot(page, 'taxes-05-invoice-page');
    } catch (err) {
      await shot(page, 'failure-taxes-wizard').catch(() => {});
      throw err;
    }
  });
});
