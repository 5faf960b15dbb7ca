// The whole journey without a mouse, as someone who uses only a keyboard:
// sign up, add a customer, create an invoice through the wizard's five steps
// and "Create and send", with nothing but page.keyboard (Tab, Shift+Tab,
// Enter, Space, arrows, typing). No click, no fill, no hover. Then the
// invoice is on the list as Open and the invoice page says it was sent.
// Along the way: "Skip to content" is the first thing Tab reaches, Escape
// closes a dialog, Enter goes to the next wizard step, and whatever has the
// focus is visibly outlined.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shot, start } from './harness.mjs';

describe('keyboard only', { timeout: 240_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Kestrel Audio', email: `owner+${Date.now()}@kestrel.test`, password: 'correct horse battery' };

  before(async () => {
    env = await start({ logName: 'server-keyboard' });
    page = await env.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await env?.stop();
  });

  /** What has the focus: its accessible label, tag and whether it shows a focus outline. */
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { name: '', tag: 'BODY', ring: false };
      const label =
        el.getAttribute('aria-label') ||
        (el.labels && el.labels[0] && el.labels[0].textContent) ||
        (el.getAttribute('aria-labelledby') &&
          el
            .getAttribute('aria-labelledby')
            .split(' ')
            .map((id) => document.getElementById(id)?.textContent ?? '')
            .join(' ')) ||
        el.textContent ||
        '';
      const cs = getComputedStyle(el);
      const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
      return { name: label.replace(/\s+/g, ' ').trim(), tag: el.tagName, ring };
    });

  /** Presses Tab (or Shift+Tab) until the focused element's name matches; fails after max presses. */
  async function tabTo(pattern, { back = false, max = 60 } = {}) {
    const seen = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      const f = await focused();
      seen.push(f.name.slice(0, 40));
      if (pattern.test(f.name)) {
        assert.ok(f.ring, `"${f.name}" (${f.tag}) has the focus but no visible focus outline`);
        return f;
      }
    }
    throw new Error(`Tab never reached ${pattern}; went through: ${seen.join(' | ')}`);
  }

  it('signs up, adds a customer, creates and sends an invoice', async () => {
    try {
      // Sign up: the form submits on Enter.
      await page.goto('/sign-up');
      await tabTo(/^Business name/);
      await page.keyboard.type(merchant.name);
      await tabTo(/^Email/);
      await page.keyboard.type(merchant.email);
      await tabTo(/^Password/);
      await page.keyboard.type(merchant.password);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/invoices');
      await page.getByText('No invoices yet').waitFor();

      // The first Tab on a dashboard page reaches "Skip to content", which moves past the navigation.
      await page.keyboard.press('Tab');
      const skip = await focused();
      assert.equal(skip.name, 'Skip to content');
      assert.ok(await page.getByRole('link', { name: 'Skip to content' }).isVisible(), 'the skip link shows when focused');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-content');

      // Customers -> Add customer; Escape closes the dialog, then add one for real.
      await tabTo(/^Customers$/, { back: true });
      await page.keyboard.press('Enter');
      await page.waitForURL('**/customers');
      await tabTo(/^Add customer$/);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await tabTo(/^Add customer$/, { back: true }).catch(() => tabTo(/^Add customer$/));
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      // The dialog puts the focus in its first field.
      await page.waitForTimeout(300);
      assert.match((await focused()).name, /Name/);
      await page.keyboard.type('Plover Records');
      await tabTo(/^Email/);
      await page.keyboard.type('accounts@plover.test');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('link', { name: 'Plover Records' }).first().waitFor();

      // Invoices -> Create Invoice.
      await tabTo(/^Invoices$/, { back: true });
      await page.keyboard.press('Enter');
      await page.waitForURL('**/invoices');
      await tabTo(/^Create Invoice$/);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/invoices/new');
      await page.getByRole('heading', { name: 'Who are you billing?' }).waitFor();

      // Step 1: pick the customer from the drop-down with the arrows, then Enter for the next step.
      await tabTo(/^Customer/);
      await page.keyboard.type('Plover');
      await page.getByRole('option', { name: /Plover Records/ }).waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.getByText('Invoice will be sent to accounts@plover.test').waitFor();
      await page.keyboard.press('Enter');

      // Step 2: the items; Enter in a field goes on.
      await page.getByRole('heading', { name: 'What are you charging for?' }).waitFor();
      await tabTo(/^Item 1 name/);
      await page.keyboard.type('Mastering, 10 tracks');
      await tabTo(/^Item 1 quantity/);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('1');
      await tabTo(/^Item 1 unit price/);
      await page.keyboard.type('850.00');
      await page.keyboard.press('Enter');

      // Step 3: the description (a text area: Enter is a new line), then the Next button.
      await page.getByRole('heading', { name: 'Payment description' }).waitFor();
      await tabTo(/^Description/);
      await page.keyboard.type('Album mastering.');
      await tabTo(/^Next$/);
      await page.keyboard.press('Enter');

      // Step 4: a payment method, ticked with Space.
      await page.getByRole('heading', { name: 'How can your customer pay?' }).waitFor();
      await tabTo(/Infini Corporate Card/);
      await page.keyboard.press('Space');
      assert.ok(await page.getByRole('checkbox', { name: 'Infini Corporate Card' }).isChecked());
      await tabTo(/^Next$/);
      await page.keyboard.press('Enter');

      // Step 5: Create and send, confirmed in its dialog.
      await page.getByRole('heading', { name: 'Review and create' }).waitFor();
      await tabTo(/^Create and send$/);
      await page.keyboard.press('Enter');
      const send = page.getByRole('dialog', { name: 'Create and send this invoice?' });
      await send.waitFor();
      await tabTo(/^Create and send$/);
      await shot(page, 'keyboard-01-send-dialog');
      await page.keyboard.press('Enter');

      // The invoice page: INV-000001, sent.
      await page.waitForURL(/\/invoices\/[^/]+$/);
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      const sentAt = page.getByTestId('invoice-sent-at');
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid="invoice-sent-at"]');
        return el && el.textContent !== 'Not sent';
      });
      assert.notEqual(await sentAt.textContent(), 'Not sent');
      await shot(page, 'keyboard-02-invoice-sent');

      // And on the list: Open, for the customer and amount.
      await tabTo(/^Invoices$/, { back: true, max: 80 });
      await page.keyboard.press('Enter');
      await page.waitForURL('**/invoices');
      const row = page.getByRole('row').filter({ hasText: 'INV-000001' });
      await row.waitFor();
      assert.equal(await row.locator('[data-status]').getAttribute('data-status'), 'OPEN');
      assert.match(await row.textContent(), /Plover Records/);
      assert.match(await row.textContent(), /850\.00/);
    } catch (err) {
      await shot(page, 'failure-keyboard').catch(() => {});
      throw err;
    }
  });
});
