// Create and send, end to end in a real browser against the real server in
// dev-mailbox mode (nothing leaves the machine; the dashboard is the mailbox):
// the wizard's "Create and send" names the recipient; the invoice page lists
// the email and follows it from QUEUED to SENT without a reload; Sent emails
// ("Mailbox (development)") opens the very document the invoice preview shows,
// whose Pay now link leads to the public /pay page. "Send reminder" queues a
// second email with a "Reminder:" subject, "Send" emails an invoice created
// without sending, and a customer whose address bounces is marked and warned
// about. Screenshots land in e2e/artifacts/emails-*.png (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start } from './harness.mjs';

describe('invoice emails', { timeout: 240_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Lighthouse Bakery', email: `owner+${Date.now()}@lighthouse.test`, password: 'correct horse battery' };
  const customer = { name: 'Harbour Cafe', email: 'accounts@harbourcafe.test' };
  const subject = `Invoice INV-000001 from ${merchant.name}`;
  let invoiceURL = '';
  let invoiceID = '';
  let checkoutURL = '';
  let previewText = '';
  // Main-frame navigations: the page must update live, not by reloading.
  let navigations = 0;

  before(async () => {
    env = await start({ logName: 'server-emails' });
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations += 1;
    });
  });

  after(async () => {
    await env?.stop();
  });

  /** A GraphQL request with the page's session cookie. */
  const gql = (query, variables) => graphql(page, query, variables);

  const previewFrame = () => page.frameLocator('iframe[title="Invoice email preview"]');
  const messageFrame = () => page.frameLocator('iframe[title="Email message"]');
  const emailRows = () => page.getByTestId('invoice-emails').locator('tbody tr');

  /** Waits until every email badge in `scope` shows `status` (the page polls; no reload). */
  const waitForStatus = async (scope, status, count) => {
    await page.waitForFunction(
      ({ sel, status, count }) => {
        const badges = [...document.querySelectorAll(sel)];
        return badges.length === count && badges.every((b) => b.getAttribute('data-email-status') === status);
      },
      { sel: `${scope} [data-email-status]`, status, count },
      { timeout: 10_000 },
    );
  };

  it('creates and sends an invoice, and shows the email going out', async () => {
    try {
      await signUp(page, merchant);

      // The wizard, quickly: a new customer, one item, a payment method.
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
      await page.getByLabel('Item 1 name').fill('Sourdough loaves');
      await page.getByLabel('Item 1 quantity').fill('40');
      await page.getByLabel('Item 1 unit price').fill('6.25');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Payment description' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'How can your customer pay?' }).waitFor();
      await page.getByRole('checkbox', { name: 'Infini Corporate Card' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Review and create' }).waitFor();

      // "Create and send" asks first, naming the recipient.
      await page.getByRole('button', { name: 'Create and send' }).click();
      const confirm = page.getByRole('dialog', { name: 'Create and send this invoice?' });
      await confirm.waitFor();
      assert.equal(await confirm.getByTestId('send-recipient').textContent(), customer.email);
      await confirm.getByText('Development mailbox').waitFor();
      await shot(page, 'emails-01-create-and-send-confirm', { fullPage: false });
      await confirm.getByRole('button', { name: 'Create and send' }).click();

      // The invoice page: the email is listed at once and becomes SENT live.
      await page.waitForURL(/\/invoices\/[^/]+$/);
      invoiceURL = new URL(page.url()).pathname;
      invoiceID = invoiceURL.split('/').pop();
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      const navigationsBefore = navigations;
      await emailRows().first().waitFor();
      assert.equal(await emailRows().count(), 1, 'one email');
      const row = emailRows().first();
      assert.match(await row.textContent(), new RegExp(subject));
      assert.match(await row.textContent(), new RegExp(customer.email));
      assert.equal(await row.locator('[data-email-kind]').getAttribute('data-email-kind'), 'INVOICE');
      await waitForStatus('[data-testid="invoice-emails"]', 'SENT', 1);
      assert.equal(navigations, navigationsBefore, 'the status changed without a reload');
      assert.notEqual(await page.getByTestId('invoice-sent-at').textContent(), 'Not sent');
      // The timeline tells the story, with the worker's notes.
      await page.locator('[data-event="EMAIL_QUEUED"]').getByText(`to ${customer.email}`).waitFor();
      await page.locator('[data-event="EMAIL_SENT"]').getByText('via dev-mailbox').waitFor();
      // Sent once: the button now sends a reminder.
      await page.getByRole('button', { name: 'Send reminder' }).waitFor();
      await shot(page, 'emails-02-invoice-sent');

      // What the invoice preview shows, to compare with the mailbox.
      ({ node: { checkoutURL } } = await gql('query($id: ID!) { node(id: $id) { ... on Invoice { checkoutURL } } }', { id: invoiceID }));
      assert.match(checkoutURL, /\/pay\/[^/]+$/);
      await page.getByRole('region', { name: 'Invoice document' }).scrollIntoViewIfNeeded();
      await previewFrame().getByText('INV-000001').first().waitFor();
      previewText = await previewFrame().locator('body').innerText();
      assert.equal(await previewFrame().getByRole('link', { name: 'Pay now' }).first().getAttribute('href'), checkoutURL);

      // Opening the email from the invoice page shows what the customer got.
      await row.getByRole('button', { name: subject }).click();
      const dialog = page.getByRole('dialog', { name: subject });
      await dialog.getByTestId('email-message').waitFor();
      await messageFrame().getByText('INV-000001').first().waitFor();
      await shot(page, 'emails-03-invoice-email-open', { fullPage: false });
      await dialog.getByRole('button', { name: 'Close email' }).click();
      await dialog.waitFor({ state: 'hidden' });
    } catch (err) {
      await shot(page, 'failure-emails-send').catch(() => {});
      throw err;
    }
  });

  it('shows the email in the development mailbox, as the customer sees it, and its Pay now link works', async () => {
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Sent emails' }).click();
      await page.waitForURL('**/emails');
      await page.getByRole('heading', { name: 'Mailbox (development)' }).waitFor();
      const alert = page.getByTestId('dev-mailbox-alert');
      await alert.getByText('Nothing leaves this machine').waitFor();
      for (const env of ['TALLY_MAILGUN_API_KEY', 'TALLY_MAILGUN_DOMAIN', 'TALLY_MAIL_FROM']) {
        await alert.getByText(env).waitFor();
      }
      const row = page.getByRole('row').filter({ hasText: subject });
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(customer.email));
      assert.equal(await row.getByRole('link', { name: 'INV-000001' }).getAttribute('href'), invoiceURL);
      assert.equal(await row.locator('[data-email-status]').getAttribute('data-email-status'), 'SENT');
      await shot(page, 'emails-04-mailbox');

      // Open it: subject, from the business, to the customer, the document.
      await row.click();
      const dialog = page.getByRole('dialog', { name: subject });
      await dialog.getByTestId('email-message').waitFor();
      assert.equal(await dialog.getByTestId('email-from').textContent(), merchant.name);
      assert.equal(await dialog.getByTestId('email-to').textContent(), customer.email);
      await messageFrame().getByText('INV-000001').first().waitFor();
      const text = await messageFrame().locator('body').innerText();
      for (const expected of ['INV-000001', '$250.00', customer.name]) {
        assert.ok(text.includes(expected), `the email shows ${expected}`);
        assert.ok(previewText.includes(expected), `the preview shows ${expected}`);
      }
      // The email adds one email-only line, the link to the customer's portal
      // (#16); without it, it is the very same document as the preview.
      const portalLine = `\n\nAll your invoices and receipts from ${merchant.name}\n`;
      assert.ok(text.includes(portalLine), 'the email links the customer portal');
      assert.ok(!previewText.includes(portalLine), 'the preview (and the PDF) do not');
      assert.equal(text.replace(portalLine, ''), previewText, 'the email is the same document as the invoice preview');
      const portalLink = messageFrame().getByRole('link', { name: `All your invoices and receipts from ${merchant.name}` });
      assert.match((await portalLink.getAttribute('href')) ?? '', /\/portal\/[A-Za-z0-9_-]{20,}$/);
      const payNow = messageFrame().getByRole('link', { name: 'Pay now' }).first();
      const href = await payNow.getAttribute('href');
      assert.equal(href, checkoutURL, "Pay now leads to the invoice's checkout URL");
      // Links open in a new tab, outside the sandbox, as from a mail client.
      assert.equal(await messageFrame().locator('base').getAttribute('target'), '_blank');
      await shot(page, 'emails-05-mailbox-message', { fullPage: false });

      // Following Pay now (a new tab) opens the public payment page.
      const [payPage] = await Promise.all([page.context().waitForEvent('page'), payNow.click()]);
      await payPage.waitForLoadState();
      assert.equal(payPage.url(), checkoutURL);
      await payPage.getByText('Amount due').first().waitFor();
      await payPage.getByText('$250.00').first().waitFor();
      await payPage.getByRole('link', { name: 'Download PDF' }).waitFor();
      await payPage.setViewportSize({ width: 1440, height: 900 });
      await shot(payPage, 'emails-06-pay-page', { fullPage: false });
      await payPage.close();
      await dialog.getByRole('button', { name: 'Close email' }).click();
      await dialog.waitFor({ state: 'hidden' });
    } catch (err) {
      await shot(page, 'failure-emails-mailbox').catch(() => {});
      throw err;
    }
  });

  it('sends a reminder, a second email with a "Reminder:" subject', async () => {
    try {
      await page.goto(invoiceURL);
      await emailRows().first().waitFor();
      await page.getByRole('button', { name: 'Send reminder' }).click();
      const dialog = page.getByRole('dialog', { name: 'Send a reminder for INV-000001?' });
      await dialog.waitFor();
      assert.equal(await dialog.getByTestId('send-recipient').textContent(), customer.email);
      await shot(page, 'emails-07-reminder-confirm', { fullPage: false });
      await dialog.getByRole('button', { name: 'Send reminder' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByText('Reminder for INV-000001 queued').waitFor();

      await page.waitForFunction(() => document.querySelectorAll('[data-testid="invoice-emails"] tbody tr').length === 2);
      const newest = emailRows().first();
      assert.match(await newest.textContent(), new RegExp(`Reminder: ${subject}`));
      assert.equal(await newest.locator('[data-email-kind]').getAttribute('data-email-kind'), 'REMINDER');
      await waitForStatus('[data-testid="invoice-emails"]', 'SENT', 2);
      assert.equal(await page.locator('[data-event="EMAIL_SENT"]').count(), 2);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'emails-08-reminder-sent');

      // The mailbox lists both, newest first, and filters by status.
      await page.getByRole('navigation').getByRole('link', { name: 'Sent emails' }).click();
      await page.getByRole('heading', { name: 'Mailbox (development)' }).waitFor();
      const rows = page.locator('tbody tr[data-email-id]');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-email-id]').length === 2);
      assert.match(await rows.first().textContent(), /Reminder: /);
      await page.getByRole('radiogroup', { name: 'Status' }).getByText('Failed').click();
      await page.getByText('No failed emails').waitFor();
      await page.getByRole('radiogroup', { name: 'Status' }).getByText('Sent', { exact: true }).click();
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-email-id]').length === 2);
      assert.match(page.url(), /status=SENT/);
      await shot(page, 'emails-09-mailbox-filtered');
    } catch (err) {
      await shot(page, 'failure-emails-reminder').catch(() => {});
      throw err;
    }
  });

  it('sends an invoice created without sending', async () => {
    try {
      const { customers } = await gql('{ customers(first: 1) { edges { node { id } } } }');
      const customerID = customers.edges[0].node.id;
      const { createInvoiceDraft: draft } = await gql(
        'mutation($c: ID!) { createInvoiceDraft(input: { customerID: $c }) { id } }',
        { c: customerID },
      );
      await gql('mutation($id: ID!) { setInvoiceItems(id: $id, items: [{ name: "Croissants", quantity: "100", unitPrice: "2.10" }]) { id } }', { id: draft.id });
      await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }', { id: draft.id });
      await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }', { id: draft.id });

      await page.goto(`/invoices/${draft.id}`);
      await page.getByTestId('invoice-number').getByText('INV-000002').waitFor();
      await page.getByText(`Not emailed yet. Use Send to email it to ${customer.email}.`).waitFor();
      assert.equal(await page.getByTestId('invoice-sent-at').textContent(), 'Not sent');
      await shot(page, 'emails-10-not-sent', { fullPage: false });

      // The dev mailbox sends within a moment, often before the page could
      // show it queued. To see the page follow a slower delivery, the test
      // holds the invoice's answers at QUEUED for a while: the page polls on
      // its own, and shows SENT once the answers do, without a reload.
      let hold = true;
      let polls = 0;
      const holdQueued = async (route) => {
        if (!(route.request().postData() ?? '').includes('query InvoiceDetail')) return route.continue();
        polls += 1;
        const response = await route.fetch();
        let body = await response.text();
        if (hold) body = body.replaceAll('"status":"SENT"', '"status":"QUEUED"').replace(/"sentAt":"[^"]*"/g, '"sentAt":null');
        await route.fulfill({ response, body });
      };
      await page.route('**/query', holdQueued);
      const navigationsBefore = navigations;

      await page.getByRole('button', { name: 'Send', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Send INV-000002?' });
      assert.equal(await dialog.getByTestId('send-recipient').textContent(), customer.email);
      await dialog.getByRole('button', { name: 'Send invoice' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await emailRows().first().waitFor();
      assert.ok((await emailRows().first().textContent()).includes(`Invoice INV-000002 from ${merchant.name}`));
      await waitForStatus('[data-testid="invoice-emails"]', 'QUEUED', 1);
      assert.equal(await page.getByTestId('invoice-sent-at').textContent(), 'Sending…');
      assert.ok(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled(), 'no second send while one is on its way');
      const pollsAtQueued = polls;
      const deadline = Date.now() + 10_000;
      while (polls < pollsAtQueued + 2 && Date.now() < deadline) await page.waitForTimeout(200);
      assert.ok(polls >= pollsAtQueued + 2, `the page polls while the email is queued (${polls - pollsAtQueued} requests)`);
      await page.waitForTimeout(300);
      await shot(page, 'emails-11-queued', { fullPage: false });
      hold = false;
      await waitForStatus('[data-testid="invoice-emails"]', 'SENT', 1);
      assert.equal(navigations, navigationsBefore, 'the status changed without a reload');
      await page.getByRole('button', { name: 'Send reminder' }).waitFor();
      // Nothing queued: the page stops polling.
      const pollsAtSent = polls;
      await page.waitForTimeout(4500);
      assert.equal(polls, pollsAtSent, 'no polling once every email is sent');
      await page.unroute('**/query', holdQueued);
    } catch (err) {
      await shot(page, 'failure-emails-send-later').catch(() => {});
      throw err;
    }
  });

  it('marks a customer whose email bounces, and warns before sending to them', async () => {
    // A bounce arrives through Mailgun's webhook, which this dev-mailbox server
    // doesn't receive: the test stands in for it by marking the customer in
    // the server's answers.
    const bouncing = async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      await route.fulfill({ response, body: body.replaceAll('"emailBouncing":false', '"emailBouncing":true') });
    };
    try {
      await page.route('**/query', bouncing);
      await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
      const row = page.getByRole('row').filter({ hasText: customer.email });
      await row.getByTestId('email-bouncing').waitFor();
      await shot(page, 'emails-12-customer-bouncing');

      await page.goto(invoiceURL);
      await page.getByTestId('invoice-number').getByText('INV-000001').waitFor();
      await page.getByTestId('email-bouncing').first().waitFor();
      await page.getByRole('button', { name: 'Send reminder' }).click();
      const dialog = page.getByRole('dialog', { name: 'Send a reminder for INV-000001?' });
      await dialog.getByText('This address is bouncing').waitFor();
      await dialog.getByRole('button', { name: 'Send anyway' }).waitFor();
      await shot(page, 'emails-13-bouncing-warning', { fullPage: false });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.unroute('**/query', bouncing);
    } catch (err) {
      await shot(page, 'failure-emails-bouncing').catch(() => {});
      throw err;
    }
  });
});
