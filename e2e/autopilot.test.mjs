// Getting paid on autopilot (#16), in a real browser against the real server:
// Settings -> "Reminders & receipts" saves a reminder schedule edited as
// chips; "Make recurring" on an invoice shows the next dates and the
// schedule, and the development test clock (+1 day) makes its first invoice;
// a credit note of an amount lowers what is due and is listed on the
// invoice; the customer's portal link is copied, then replaced (the old one
// stops working). Every page is also looked at on a 390 px phone, without
// sideways scrolling. Screenshots land in e2e/artifacts/autopilot-*.png
// (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start, waitForText } from './harness.mjs';

describe('getting paid on autopilot', { timeout: 300_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Lighthouse Studio', email: `owner+${Date.now()}@lighthouse.test`, password: 'correct horse battery' };
  let customerID = '';
  let invoiceID = '';
  let invoiceNumber = '';

  before(async () => {
    env = await start({ logName: 'server-autopilot' });
    page = await env.newPage({ viewport: { width: 1280, height: 860 } });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.baseURL });
    await signUp(page, merchant);
    const gql = (q, v) => graphql(page, q, v);
    const { createCustomer } = await gql('mutation { createCustomer(input: {name: "Northwind Traders", email: "ap@northwind.test"}) { id } }');
    customerID = createCustomer.id;
    const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "USD"}) { id } }', { c: customerID });
    invoiceID = createInvoiceDraft.id;
    await gql('mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Design retainer", quantity: "10", unitPrice: "40.00"}]) { id } }', { id: invoiceID });
    await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }', { id: invoiceID });
    const { issueInvoice } = await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { number } }', { id: invoiceID });
    invoiceNumber = issueInvoice.number;
  });

  after(async () => {
    await env?.stop();
  });

  const gql = (query, variables) => graphql(page, query, variables);

  /** Looks at the page on a 390 px phone: a picture, and nothing wider than the screen. */
  const onPhone = async (name) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await shot(page, `autopilot-${name}-390`);
    await page.setViewportSize({ width: 1280, height: 860 });
    assert.ok(width <= 390, `${name}: the page is ${width} px wide on a 390 px phone`);
  };

  it('edits the reminder schedule as chips and turns receipts off', async () => {
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL('**/settings');
      const form = page.getByRole('form', { name: 'Reminders and receipts' });
      const steps = form.getByRole('list', { name: 'Reminder steps' });
      await steps.getByRole('listitem').first().waitFor();
      assert.deepEqual(await steps.getByRole('listitem').allTextContents(), ['3 days before', 'On the due date', '7 days after', '14 days after']);
      assert.ok(await form.getByRole('switch', { name: 'Send automatic reminders' }).isChecked(), 'reminders are on by default');

      await form.getByRole('button', { name: 'Remove "14 days after"' }).click();
      await form.getByText('Before', { exact: true }).click();
      assert.ok(await form.getByRole('radio', { name: 'Before' }).isChecked());
      await form.getByRole('textbox', { name: 'Days' }).fill('1');
      await form.getByRole('button', { name: 'Add "1 day before"' }).click();
      await form.getByRole('switch', { name: 'Send receipts' }).click();
      assert.deepEqual(await steps.getByRole('listitem').allTextContents(), ['3 days before', '1 day before', 'On the due date', '7 days after']);
      await shot(page, 'autopilot-01-reminders');
      await form.getByRole('button', { name: 'Save reminders' }).click();
      await page.getByText('Reminder settings saved').waitFor();

      const { viewer } = await gql('{ viewer { merchant { remindersEnabled reminderSchedule sendReceipts notifyPayments } } }');
      assert.deepEqual(viewer.merchant, { remindersEnabled: true, reminderSchedule: [-3, -1, 0, 7], sendReceipts: false, notifyPayments: true });

      await page.reload();
      await steps.getByRole('listitem').first().waitFor();
      assert.deepEqual(await steps.getByRole('listitem').allTextContents(), ['3 days before', '1 day before', 'On the due date', '7 days after']);
      assert.ok(!(await form.getByRole('switch', { name: 'Send receipts' }).isChecked()), 'receipts stay off');
      await page.getByRole('region', { name: 'Test clock' }).getByTestId('test-clock-now').waitFor();
      await onPhone('settings');
    } catch (err) {
      await shot(page, 'autopilot-fail-reminders').catch(() => {});
      throw err;
    }
  });

  it('makes an invoice recurring, sees the schedule, and the test clock makes its first invoice', async () => {
    try {
      await page.goto(`/invoices/${invoiceID}`);
      await page.getByTestId('invoice-number').getByText(invoiceNumber).waitFor();
      await page.getByRole('button', { name: 'More' }).click();
      await page.getByRole('menuitem', { name: 'Make recurring' }).click();
      const dialog = page.getByRole('dialog', { name: 'Make recurring' });
      await dialog.getByRole('textbox', { name: 'First invoice on' }).waitFor();
      assert.ok(await dialog.getByRole('radio', { name: 'Month' }).isChecked(), 'monthly by default');
      await dialog.getByRole('textbox', { name: 'Every' }).fill('1');
      await shot(page, 'autopilot-02-make-recurring', { fullPage: false });
      await dialog.getByRole('button', { name: 'Make recurring' }).click();

      const done = page.getByRole('dialog', { name: 'Recurring schedule created' });
      await done.getByText('Every month').waitFor();
      const upcoming = await done.getByTestId('recurring-upcoming').getByRole('listitem').allTextContents();
      assert.ok(upcoming.length >= 2, `the next dates are listed: ${upcoming}`);
      await shot(page, 'autopilot-03-recurring-created', { fullPage: false });
      await done.getByRole('link', { name: 'Open schedule' }).click();
      await page.waitForURL('**/recurring/rec_*');
      await page.getByTestId('recurring-title').getByText('Every month').waitFor();
      await page.getByText('Active', { exact: true }).first().waitFor();
      const scheduleURL = page.url();

      // The nav's Recurring page lists it.
      await page.getByRole('navigation').getByRole('link', { name: 'Recurring' }).click();
      await page.waitForURL('**/recurring');
      const table = page.getByRole('table', { name: 'Recurring schedules' });
      await table.getByRole('link', { name: 'Northwind Traders' }).waitFor();
      await table.getByText('Every month').waitFor();
      await onPhone('recurring');

      // One day on the test clock: the first period's invoice is made.
      await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
      const clock = page.getByRole('region', { name: 'Test clock' });
      await clock.getByTestId('test-clock-now').waitFor();
      await clock.getByRole('button', { name: '+1 day' }).click();
      // The first invoice is due now, so the server's own minute pass may have
      // made it already: what counts is that the schedule made exactly one.
      await clock.getByTestId('test-clock-ran').waitFor({ timeout: 30_000 });
      await waitForText(clock.getByTestId('test-clock-now'), /\+24 h/);
      await shot(page, 'autopilot-04-test-clock');

      await page.goto(scheduleURL);
      const made = page.getByRole('table', { name: 'Invoices made' });
      await made.getByRole('link', { name: /^INV-\d{6}$/ }).first().waitFor();
      await waitForText(page.getByTestId('recurring-runs'), /^1$/, { timeoutMs: 15_000 });
      await onPhone('recurring-detail');
      // The invoices list links the new invoice to its schedule.
      await page.goto('/invoices');
      await page.getByTestId('invoice-recurring-link').first().waitFor();
      await onPhone('invoices');
    } catch (err) {
      await shot(page, 'autopilot-fail-recurring').catch(() => {});
      throw err;
    }
  });

  it('credits an amount and sees what is due drop', async () => {
    try {
      await page.goto(`/invoices/${invoiceID}`);
      await page.getByTestId('invoice-number').getByText(invoiceNumber).waitFor();
      assert.match(await page.getByTestId('invoice-total-due').textContent(), /\$400\.00/);
      await page.getByRole('button', { name: 'More' }).click();
      await page.getByRole('menuitem', { name: 'Create credit note' }).click();
      const dialog = page.getByRole('dialog', { name: `Credit ${invoiceNumber}` });
      await dialog.getByText('An amount').click();
      await dialog.getByRole('textbox', { name: 'Amount to credit, tax included' }).fill('100');
      await dialog.getByText('$300.00').first().waitFor();
      await dialog.getByRole('textbox', { name: 'Reason' }).fill('Two hours billed twice');
      await shot(page, 'autopilot-05-credit-note', { fullPage: false });
      await dialog.getByRole('button', { name: 'Create credit note' }).click();

      const done = page.getByRole('dialog', { name: 'CN-000001 created' });
      await waitForText(done.getByTestId('credit-note-new-due'), /\$300\.00/);
      await done.getByRole('button', { name: 'Done' }).click();

      await waitForText(page.getByTestId('invoice-total-due'), /\$300\.00/);
      assert.match(await page.getByTestId('invoice-amount-credited').textContent(), /\$100\.00/);
      const row = page.getByRole('table', { name: 'Credit notes' }).getByTestId('credit-note-row');
      await row.getByText('CN-000001').waitFor();
      await row.getByText('Two hours billed twice').waitFor();
      await page.locator('[data-event="CREDIT_NOTE_CREATED"]').getByText('Credit note issued').waitFor();
      await shot(page, 'autopilot-06-credited');
      await onPhone('invoice');
    } catch (err) {
      await shot(page, 'autopilot-fail-credit-note').catch(() => {});
      throw err;
    }
  });

  it('copies the customer portal link, then replaces it', async () => {
    try {
      await page.goto(`/customers/${customerID}`);
      const portal = page.getByRole('region', { name: 'Customer portal' });
      const field = portal.getByRole('textbox', { name: 'Portal link' });
      await field.waitFor();
      const first = await field.inputValue();
      assert.match(first, /^https?:\/\/.+\/portal\/[A-Za-z0-9_-]{20,}$/);
      await portal.getByRole('button', { name: 'Copy portal link' }).click();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first);
      const path = (u) => new URL(u).pathname;
      assert.equal((await page.request.get(path(first))).status(), 200, 'the link opens the portal');

      await portal.getByRole('button', { name: 'Replace link' }).click();
      const confirm = page.getByRole('dialog', { name: 'Replace the portal link?' });
      await confirm.getByText('stops working at once').waitFor();
      await shot(page, 'autopilot-07-replace-link', { fullPage: false });
      await confirm.getByRole('button', { name: 'Replace link' }).click();
      await page.getByText('the old one no longer works').waitFor();
      const deadline = Date.now() + 10_000;
      let second = first;
      while (second === first && Date.now() < deadline) {
        await page.waitForTimeout(100);
        second = await field.inputValue();
      }
      assert.notEqual(second, first, 'a new link is shown');
      assert.equal((await page.request.get(path(first))).status(), 404, 'the old link stops working');
      assert.equal((await page.request.get(path(second))).status(), 200, 'the new link works');
      await shot(page, 'autopilot-08-customer');
      await onPhone('customer');
    } catch (err) {
      await shot(page, 'autopilot-fail-portal').catch(() => {});
      throw err;
    }
  });
});
