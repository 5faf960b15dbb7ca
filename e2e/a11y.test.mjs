// axe-core (through @axe-core/playwright, the engine behind the browsers'
// accessibility audits) on every page and dialog of the dashboard, in its
// states (signed out, empty, with data, with a validation error, with a
// toast), and on what a customer sees: the payment page, the Infini sandbox
// checkout and the customer portal. Every state must have no critical and no
// serious violation of WCAG 2.x A/AA; on failure the test prints each
// violation with the selectors of the elements at fault. No rule is disabled.
// Each dashboard page must also have exactly one h1.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { graphql, shot, start } from './harness.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe('accessibility', { timeout: 400_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Heron Bookkeeping', email: `owner+${Date.now()}@heron.test`, password: 'correct horse battery' };
  /** label -> violations (critical and serious only) */
  const results = new Map();
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  /** rule -> elements, for the moderate and minor findings (printed, not asserted). */
  const lesser = {};

  before(async () => {
    env = await start({ logName: 'server-a11y' });
    page = await env.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await env?.stop();
  });

  /** Audits what p shows now under label; dashboard pages must have one h1. */
  async function audit(p, label, { oneH1 = true } = {}) {
    // Let transitions (modals, notifications) settle: axe reads computed colours.
    await p.waitForTimeout(400);
    const res = await withTimeout(
      new AxeBuilder({ page: p })
        .withTags(TAGS)
        // The email preview shows the email the customer receives, in a frame
        // sandboxed without scripts (an email must not run any): axe cannot
        // run inside it, and Playwright's evaluate in such a frame never
        // returns. The frame itself is named (its title) and checked here.
        .exclude('iframe[sandbox]:not([sandbox~="allow-scripts"])')
        .analyze(),
      60_000,
      `axe on ${label}`,
    );
    const bad = [];
    for (const v of res.violations) {
      counts[v.impact] = (counts[v.impact] ?? 0) + v.nodes.length;
      if (v.impact === 'moderate' || v.impact === 'minor') lesser[`${v.impact} ${v.id}`] = (lesser[`${v.impact} ${v.id}`] ?? 0) + v.nodes.length;
      if (v.impact === 'critical' || v.impact === 'serious') bad.push(v);
    }
    if (oneH1) {
      const h1 = await p.locator('h1:visible').count();
      if (h1 !== 1) bad.push({ id: 'one-h1', impact: 'serious', help: `expected exactly one visible h1, found ${h1}`, nodes: [] });
    }
    results.set(label, bad);
    if (bad.length) await shot(p, `a11y-${label.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {});
  }

  function report() {
    const lines = [];
    for (const [label, bad] of results) {
      for (const v of bad) {
        lines.push(`[${label}] ${v.impact} ${v.id}: ${v.help}`);
        for (const n of v.nodes.slice(0, 8)) lines.push(`    ${n.target.join(' ')}  ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`);
        if (v.nodes.length > 8) lines.push(`    … and ${v.nodes.length - 8} more`);
      }
    }
    return lines;
  }

  const gql = (query, variables) => graphql(page, query, variables);
  const step = (title) => page.getByRole('heading', { name: title }).waitFor();

  it('has no critical or serious violations on any page', async () => {
    try {
      // Signed out.
      await page.goto('/sign-in');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await audit(page, 'sign-in');
      await page.goto('/sign-up');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText(/required|enter/i).first().waitFor();
      await audit(page, 'sign-up with errors');
      await page.goto('/forgot-password');
      await audit(page, 'forgot-password');

      // Sign up: the empty invoice list.
      await page.goto('/sign-up');
      await page.getByLabel('Business name').fill(merchant.name);
      await page.getByLabel('Email').fill(merchant.email);
      await page.getByLabel('Password').fill(merchant.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL('**/invoices');
      await page.getByText('No invoices yet').waitFor();
      await audit(page, 'invoices empty');

      // The wizard, step by step, with a validation error on the first.
      await page.goto('/invoices/new');
      await step('Who are you billing?');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText(/choose a customer|select a customer|customer/i).first().waitFor();
      await audit(page, 'wizard customer with error');
      await page.getByRole('textbox', { name: 'Customer', exact: true }).click();
      await page.getByRole('option', { name: 'Add customer information' }).click();
      const modal = page.getByRole('dialog', { name: 'Add customer information' });
      await modal.waitFor();
      await audit(page, 'wizard add-customer dialog');
      await modal.getByLabel('Customer name').fill('Osprey Ltd');
      await modal.getByLabel('Customer email').fill('billing@osprey.test');
      await modal.getByRole('button', { name: 'Submit' }).click();
      await modal.waitFor({ state: 'hidden' });
      await audit(page, 'wizard customer');
      await page.getByRole('button', { name: 'Next' }).click();
      await step('What are you charging for?');
      await page.getByLabel('Item 1 name').fill('Audit');
      await page.getByLabel('Item 1 quantity').fill('2');
      await page.getByLabel('Item 1 unit price').fill('150.00');
      await audit(page, 'wizard items');
      await page.getByRole('button', { name: 'Next' }).click();
      await step('Payment description');
      await audit(page, 'wizard description');
      await page.getByRole('button', { name: 'Next' }).click();
      await step('How can your customer pay?');
      await page.getByRole('checkbox', { name: 'Infini Corporate Card' }).click();
      await audit(page, 'wizard payment methods');
      await page.getByRole('button', { name: 'Next' }).click();
      await step('Review and create');
      await audit(page, 'wizard confirm');
      await page.getByRole('button', { name: 'Create and send' }).click();
      const send = page.getByRole('dialog', { name: 'Create and send this invoice?' });
      await send.waitFor();
      await audit(page, 'wizard create-and-send dialog');
      await send.getByRole('button', { name: /send/i }).last().click();

      // The invoice page, with the toast.
      await page.waitForURL(/\/invoices\/[^/]+$/);
      await page.getByText(/Invoice INV-000001 created/).waitFor();
      await audit(page, 'invoice page with toast');
      const invoiceID = page.url().split('/').pop();

      await page.goto('/invoices');
      await page.getByRole('row').filter({ hasText: 'INV-000001' }).waitFor();
      await audit(page, 'invoices with data');

      // Customers.
      await page.goto('/customers');
      await page.getByText('Osprey Ltd').first().waitFor();
      await audit(page, 'customers');
      await page.getByRole('button', { name: 'Add customer' }).first().click();
      await page.getByRole('dialog').waitFor();
      await audit(page, 'customers add dialog');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await page.getByRole('link', { name: 'Osprey Ltd' }).first().click();
      await page.waitForURL(/\/customers\/[^/]+$/);
      await page.getByRole('heading', { name: 'Osprey Ltd' }).waitFor();
      await audit(page, 'customer page');

      // Collections and its dialogs.
      await page.goto('/collections');
      await page.getByRole('button', { name: 'Record payment' }).waitFor();
      await audit(page, 'collections');
      await page.getByRole('button', { name: 'Import statement' }).click();
      await page.getByRole('dialog').waitFor();
      await audit(page, 'collections import statement');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Record payment' }).click();
      await page.getByRole('dialog').waitFor();
      await audit(page, 'collections record payment');
      await page.keyboard.press('Escape');

      for (const [path, label, ready] of [
        ['/recurring', 'recurring', 'Recurring invoices'],
        ['/emails', 'sent emails', /Sent emails|Mailbox/],
        ['/developers/api-keys', 'api keys', 'API keys'],
        ['/developers/webhooks', 'webhooks', 'Webhooks'],
        ['/settings', 'settings', 'Business settings'],
        ['/settings/taxes', 'settings taxes', 'Taxes'],
        ['/settings/payments', 'settings payments', 'Payments'],
        ['/nowhere', 'not found', 'Page not found'],
      ]) {
        await page.goto(path);
        await page.getByRole('heading', { name: ready }).first().waitFor();
        await page.waitForLoadState('networkidle');
        await audit(page, label);
      }
      await page.goto('/developers/api-keys');
      await page.getByRole('button', { name: 'Create API key' }).click();
      await page.getByRole('dialog').waitFor();
      await audit(page, 'api keys create dialog');
      await page.keyboard.press('Escape');
      await page.goto('/developers/webhooks');
      await page.getByRole('button', { name: 'Add endpoint' }).first().click();
      await page.getByRole('dialog').waitFor();
      await audit(page, 'webhooks add dialog');
      await page.keyboard.press('Escape');

      // What the customer sees: the payment page, the sandbox checkout, the portal.
      const { node } = await gql(
        'query($id: ID!) { node(id: $id) { ... on Invoice { checkoutURL customer { portalURL } } } }',
        { id: invoiceID },
      );
      const pay = await env.newPage({ viewport: { width: 1280, height: 900 } });
      try {
        await pay.goto(node.checkoutURL);
        await pay.getByRole('button', { name: /^Card/ }).waitFor();
        await audit(pay, 'payment page');
        await pay.getByRole('button', { name: /^Card/ }).click();
        await pay.waitForURL(/\/sandbox\/infini\/checkout\//);
        await pay.getByLabel('Card number').waitFor();
        await audit(pay, 'sandbox checkout');
        await pay.goto(node.customer.portalURL);
        await pay.locator('article[data-invoice]').first().waitFor();
        await audit(pay, 'customer portal');
      } finally {
        await pay.context().close();
      }
    } catch (err) {
      await shot(page, 'failure-a11y').catch(() => {});
      throw err;
    } finally {
      console.log(`axe over ${results.size} states (elements): ${JSON.stringify(counts)}`);
      console.log(`moderate and minor, by rule (not asserted): ${JSON.stringify(lesser)}`);
    }
    const lines = report();
    if (lines.length) console.log(lines.join('\n'));
    const failing = [...results].filter(([, bad]) => bad.length).map(([label]) => label);
    assert.deepEqual(failing, [], 'states with critical or serious accessibility violations (listed above)');
  });
});
