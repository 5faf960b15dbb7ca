// Developers -> Webhooks in a real browser against the real server, with a
// receiver on a local port (allowed on a development server): adding an
// endpoint shows its signing secret once; issuing an invoice posts
// invoice.issued to the receiver, signed as the partner guide says
// (Tally-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">, checked here
// with node:crypto); the delivery is listed with its payload and attempt, and
// "Resend" records a second attempt. Also looked at on a 390 px phone.
// Screenshots land in e2e/artifacts/webhooks-*.png (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { graphql, shot, signUp, start, waitForText } from './harness.mjs';

/** A receiver that answers 200 and keeps every request. */
function startReceiver() {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body, path: req.url });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, requests, url: `http://127.0.0.1:${server.address().port}/tally/webhooks` }));
  });
}

/** Whether any v1 signature in the header is the HMAC of "t.body" under secret. */
function signatureValid(header, body, secret) {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return parts
    .filter(([k]) => k === 'v1')
    .some(([, hex]) => {
      const got = Buffer.from(hex, 'hex');
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
}

describe('webhooks', { timeout: 240_000 }, () => {
  let env;
  let page;
  let receiver;
  const merchant = { name: 'Quayside Books', email: `owner+${Date.now()}@quayside.test`, password: 'correct horse battery' };

  before(async () => {
    receiver = await startReceiver();
    env = await start({ logName: 'server-webhooks' });
    page = await env.newPage({ viewport: { width: 1280, height: 860 } });
  });

  after(async () => {
    await env?.stop();
    receiver?.server.close();
  });

  const gql = (query, variables) => graphql(page, query, variables);

  it('adds an endpoint, shows its secret once, and delivers a signed event', async () => {
    try {
      await signUp(page, merchant);
      await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
      await page.waitForURL('**/developers/webhooks');
      await page.getByText('No endpoints yet').waitFor();

      await page.getByRole('button', { name: 'Add endpoint' }).first().click();
      const form = page.getByRole('dialog', { name: 'Add endpoint' });
      // The catalogue, with what each event means.
      await form.getByRole('checkbox', { name: 'invoice.paid' }).waitFor();
      await form.getByRole('checkbox', { name: 'credit_note.created' }).waitFor();
      await form.getByRole('textbox', { name: 'Endpoint URL' }).fill(receiver.url);
      await form.getByRole('button', { name: 'Add endpoint' }).click();
      await form.getByText('Choose at least one event, or all events').waitFor();
      await form.getByRole('checkbox', { name: 'invoice.issued' }).check();
      await form.getByRole('checkbox', { name: 'invoice.paid' }).check();
      await form.getByRole('textbox', { name: 'Description' }).fill('Bookkeeping sync');
      await shot(page, 'webhooks-01-add', { fullPage: false });
      await form.getByRole('button', { name: 'Add endpoint' }).click();

      const secretDialog = page.getByRole('dialog', { name: 'Endpoint added: its signing secret' });
      const secret = ((await secretDialog.getByTestId('webhook-secret').textContent()) ?? '').trim();
      assert.match(secret, /^whsec_\S{20,}$/);
      await secretDialog.getByText('This is the only time it is shown').waitFor();
      await shot(page, 'webhooks-02-secret', { fullPage: false });
      await secretDialog.getByRole('button', { name: 'Done' }).click();
      await secretDialog.waitFor({ state: 'hidden' });
      assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again');

      const card = page.getByTestId('webhook-endpoint');
      await card.getByText(receiver.url).waitFor();
      await card.getByText('Bookkeeping sync').waitFor();
      await card.getByText('invoice.issued').waitFor();

      // An event: issuing an invoice.
      const { createCustomer } = await gql('mutation { createCustomer(input: {name: "Harbour Cafe", email: "ap@harbourcafe.test"}) { id } }');
      const { createInvoiceDraft } = await gql('mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "USD"}) { id } }', { c: createCustomer.id });
      const invoiceID = createInvoiceDraft.id;
      await gql('mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Atlas of the Sea", quantity: "2", unitPrice: "35.00"}]) { id } }', { id: invoiceID });
      await gql('mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }', { id: invoiceID });
      await gql('mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }', { id: invoiceID });

      // Delivered by the outbox worker within seconds; the test clock's pass runs due deliveries too.
      const deadline = Date.now() + 30_000;
      while (receiver.requests.length === 0 && Date.now() < deadline) {
        await page.waitForTimeout(500);
        if (Date.now() > deadline - 20_000 && receiver.requests.length === 0) {
          await gql('mutation { advanceTestClock(input: {hours: 1}) { offsetHours } }').catch(() => {});
        }
      }
      assert.equal(receiver.requests.length, 1, 'one request reached the receiver');
      const [req] = receiver.requests;
      const event = JSON.parse(req.body);
      assert.equal(event.type, 'invoice.issued');
      assert.equal(event.data.id, invoiceID);
      assert.ok(event.id && event.createdAt, 'the event has an id and a time');
      assert.ok(signatureValid(String(req.headers['tally-signature']), req.body, secret), `signed with the secret: ${req.headers['tally-signature']}`);

      // The dashboard lists the delivery, its payload and its attempt.
      await card.getByRole('button', { name: 'Show deliveries' }).click();
      const delivery = card.getByTestId('webhook-delivery').first();
      await delivery.getByTestId('webhook-delivery-type').getByText('invoice.issued').waitFor();
      await waitForText(delivery.locator('[data-delivery-status]'), /Succeeded/, { timeoutMs: 15_000 });
      await delivery.getByRole('button', { expanded: false }).click();
      await waitForText(delivery.getByTestId('webhook-payload'), new RegExp(invoiceID));
      assert.equal(await delivery.getByTestId('webhook-attempt').count(), 1);
      await delivery.getByTestId('webhook-attempt').getByText('200').waitFor();
      await shot(page, 'webhooks-03-delivery');

      await delivery.getByRole('button', { name: 'Resend' }).click();
      await page.getByText('invoice.issued was delivered again').waitFor();
      const deadline2 = Date.now() + 10_000;
      while ((await delivery.getByTestId('webhook-attempt').count()) < 2 && Date.now() < deadline2) await page.waitForTimeout(200);
      assert.equal(await delivery.getByTestId('webhook-attempt').count(), 2, 'the resend is recorded as a second attempt');
      assert.equal(receiver.requests.length, 2, 'the resend reached the receiver');
      assert.equal(receiver.requests[1].body, req.body, 'the same event, byte for byte');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      await shot(page, 'webhooks-04-390');
      assert.ok(width <= 390, `the page is ${width} px wide on a 390 px phone`);
    } catch (err) {
      await shot(page, 'webhooks-fail').catch(() => {});
      throw err;
    }
  });
});
