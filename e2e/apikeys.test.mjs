// Developers -> API keys in a real browser against the real server: a
// read-only key is created (its secret shown once), listed with a READ badge
// and "Never" used; the key then reads through the API but can't write, and
// the table says it was used just now. A key made with the defaults can read
// and write; a revoked key stays listed, visibly revoked. Nothing breaks the
// dashboard's Content-Security-Policy or logs an error.
// Screenshots land in e2e/artifacts/apikeys-*.png (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shot, signUp, start, watchConsole } from './harness.mjs';

describe('API keys', { timeout: 180_000 }, () => {
  let env;
  let page;
  let watch;
  let secret;
  const merchant = { name: 'Driftwood Books', email: `owner+${Date.now()}@driftwood.test`, password: 'correct horse battery' };

  before(async () => {
    env = await start({ logName: 'server-apikeys' });
    page = await env.newPage({ viewport: { width: 1440, height: 900 } });
    watch = await watchConsole(page);
  });

  after(async () => {
    await env?.stop();
  });

  const row = (name) => page.getByRole('row').filter({ hasText: name });
  const badges = async (r) => (await r.locator('[data-scope]').allTextContents()).map((t) => t.trim());

  /** Calls the API from outside the browser with an API key, as an integration would. */
  const callAPI = async (key, query) => {
    const res = await fetch(`${env.baseURL}/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ query }),
    });
    return res.json();
  };

  it('creates a read-only key and shows its secret once', async () => {
    try {
      await signUp(page, merchant);
      await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('heading', { name: 'API keys' }).waitFor();
      await page.getByText('No API keys yet').waitFor();

      await page.getByRole('button', { name: 'Create API key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create API key' });
      await dialog.getByLabel('Name').fill('Reporting');
      // Read and write is the default; each choice says what it allows.
      assert.ok(await dialog.getByRole('radio', { name: 'Read and write' }).isChecked(), 'read and write by default');
      await dialog.getByText('also create, issue, send and record payments').waitFor();
      await dialog.getByText('Queries and live updates only').waitFor();
      await dialog.getByText('Read only', { exact: true }).click();
      assert.ok(await dialog.getByRole('radio', { name: 'Read only' }).isChecked());
      await shot(page, 'apikeys-01-create-read-only', { fullPage: false });
      await dialog.getByRole('button', { name: 'Create key' }).click();

      const shown = page.getByRole('dialog', { name: 'Your new API key' });
      secret = ((await shown.getByTestId('api-key-secret').textContent()) ?? '').trim();
      assert.ok(secret.length >= 20, 'the secret is shown');
      await shown.getByText('Copy this key now').waitFor();
      assert.deepEqual(await badges(shown), ['READ'], 'the new key reads only');
      await shot(page, 'apikeys-02-secret', { fullPage: false });
      await shown.getByRole('button', { name: 'Done' }).click();
      await shown.waitFor({ state: 'hidden' });

      // Listed with its scope and never used; the secret is gone for good.
      const key = row('Reporting');
      await key.waitFor();
      assert.deepEqual(await badges(key), ['READ']);
      assert.equal((await key.getByTestId('api-key-last-used').textContent())?.trim(), 'Never');
      await key.getByText(`${secret.slice(0, 16)}…`).waitFor(); // its prefix, to recognise it by
      assert.equal(await page.getByText(secret).count(), 0, 'the whole secret is not shown again');
      await page.reload();
      await row('Reporting').waitFor();
      assert.equal(await page.getByText(secret).count(), 0, 'nor after a reload');
      await shot(page, 'apikeys-03-listed');
    } catch (err) {
      await shot(page, 'failure-apikeys-create').catch(() => {});
      throw err;
    }
  });

  it('reads with the key but cannot write, and shows when it was last used', async () => {
    try {
      const read = await callAPI(secret, '{ viewer { merchant { name } } }');
      assert.equal(read.errors, undefined, JSON.stringify(read.errors));
      assert.equal(read.data.viewer.merchant.name, merchant.name);

      const write = await callAPI(secret, 'mutation { createCustomer(input: {name: "Nope Ltd", email: "ap@nope.test"}) { id } }');
      assert.equal(write.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(write));
      assert.match(write.errors[0].message, /WRITE/);

      await page.reload();
      const lastUsed = row('Reporting').getByTestId('api-key-last-used');
      await lastUsed.getByText('just now').waitFor();
      // The exact time is a hover away.
      await lastUsed.getByText('just now').hover();
      await page.getByRole('tooltip').filter({ hasText: String(new Date().getFullYear()) }).waitFor();
    } catch (err) {
      await shot(page, 'failure-apikeys-use').catch(() => {});
      throw err;
    }
  });

  it('makes read and write keys by default, and keeps revoked keys visibly revoked', async () => {
    try {
      await page.getByRole('button', { name: 'Create API key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create API key' });
      await dialog.getByLabel('Name').fill('Shop integration');
      // The form starts over: back to the default.
      assert.ok(await dialog.getByRole('radio', { name: 'Read and write' }).isChecked(), 'read and write again');
      await dialog.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByRole('dialog', { name: 'Your new API key' });
      assert.deepEqual(await badges(shown), ['READ', 'WRITE']);
      await shown.getByRole('button', { name: 'Done' }).click();
      await shown.waitFor({ state: 'hidden' });
      assert.deepEqual(await badges(row('Shop integration')), ['READ', 'WRITE']);

      await row('Reporting').getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
      const revoked = row('Reporting');
      await revoked.getByText('Revoked').waitFor();
      assert.equal(await revoked.getAttribute('data-revoked'), 'true');
      assert.equal(await revoked.getByRole('button', { name: 'Revoke' }).count(), 0, 'nothing left to revoke');
      assert.deepEqual(await badges(revoked), ['READ'], 'its scopes stay listed');
      // The other key is untouched.
      await row('Shop integration').getByText('Active').waitFor();
      await shot(page, 'apikeys-04-revoked');

      // A revoked key authenticates nothing: no viewer (or an error).
      const res = await callAPI(secret, '{ viewer { merchant { name } } }');
      assert.ok(!res.data?.viewer, `the revoked key reads nothing: ${JSON.stringify(res)}`);
    } catch (err) {
      await shot(page, 'failure-apikeys-revoke').catch(() => {});
      throw err;
    }
  });

  it('broke no CSP rule and logged no error', () => {
    assert.deepEqual(watch.problems, []);
    assert.ok(watch.policies.size > 0, 'the pages came with a Content-Security-Policy');
  });
});
