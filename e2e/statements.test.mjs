// Bank statements as banks export them, in a real browser against the real
// server: an ABN AMRO MT940 file behind its bank header, an ABN AMRO
// tab-separated export with no header row, and an ING CSV whose amounts are
// unsigned with an "Af Bij" column. For each, the preview names the format
// the server told from the content, counts the money in and out, lists the
// payments and the lines it skips; the import then records the incoming
// payments and never a debit. A money in/out column that says nothing
// readable is refused, naming the problem, and Import waits until it is
// fixed. Each preview is photographed at desktop width and at 390x844 into
// /tmp/shots15/ (and e2e/artifacts/ on failure).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql, shot, signUp, start, waitForText } from './harness.mjs';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const shots = '/tmp/shots15';

/** Every line of the fixtures that is money going out: none may become a collection. */
const debits = ['89.95', '1200.00', '46.50', '100.00', '63.17', '142.00'];

describe('statements', { timeout: 300_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Kanaal Koffie', email: `owner+${Date.now()}@kanaal.test`, password: 'correct horse battery' };

  before(async () => {
    env = await start({ logName: 'server-statements' });
    page = await env.newPage({ viewport: { width: 1280, height: 860 } });
    mkdirSync(shots, { recursive: true });
    await signUp(page, merchant);
    await graphql(page, 'mutation { updateMerchant(input: {defaultCurrency: "EUR"}) { id } }');
  });

  after(async () => {
    await env?.stop();
  });

  const modal = () => page.getByRole('dialog', { name: 'Import a bank statement' });

  /** Opens the import dialog on the collections page and chooses file; returns when its preview is shown. */
  const preview = async (file) => {
    if (!page.url().endsWith('/collections')) {
      await page.getByRole('navigation').getByRole('link', { name: 'Collections' }).click();
      await page.waitForURL('**/collections');
    }
    if (!(await modal().isVisible())) await page.getByRole('button', { name: 'Import statement' }).click();
    await modal().locator('input[type="file"]').setInputFiles(join(fixtures, file));
    await modal().getByTestId('statement-format').waitFor();
    await modal().getByTestId('statement-reading').waitFor({ state: 'detached' });
  };

  /** The dialog at desktop width and on a phone, into /tmp/shots15/<name>-{desktop,phone}.png. */
  const photograph = async (name) => {
    await page.waitForTimeout(300);
    await modal().screenshot({ path: join(shots, `${name}-desktop.png`) });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(400);
    await modal().getByTestId('statement-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `${name}-phone.png`) });
    const payments = modal().getByTestId('statement-payments');
    if (await payments.count()) {
      await payments.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `${name}-phone-payments.png`) });
    }
    // Nothing may be wider than the phone: wide tables scroll inside their box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 390px`);
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.waitForTimeout(300);
  };

  /** The preview's payments table, one "payer | text | amount" string per row. */
  const paymentRows = async () =>
    modal()
      .getByTestId('statement-payments')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(1).map((td) => td.textContent.trim()).join(' | ')));

  /** Imports what is previewed; returns the result's text. */
  const importIt = async () => {
    await modal().getByRole('button', { name: 'Import', exact: true }).click();
    const result = modal().getByTestId('import-result');
    await result.waitFor();
    const text = await result.textContent();
    await modal().getByRole('button', { name: 'Done' }).click();
    await modal().waitFor({ state: 'hidden' });
    return text;
  };

  /** The amounts of the collections a statement file created, smallest first. */
  const collectionsFrom = async (file) => {
    const { collections } = await graphql(page, '{ collections(first: 100) { edges { node { amount currency statement } } } }');
    return collections.edges
      .map((e) => e.node)
      .filter((c) => c.statement === file)
      .map((c) => `${Number(c.amount).toFixed(2)} ${c.currency}`)
      .sort((a, b) => parseFloat(a) - parseFloat(b));
  };

  it('reads an ABN AMRO MT940 file behind its bank header: credits only, the header lines listed as skipped', async () => {
    try {
      await preview('abn-amro.sta');
      const m = modal();
      assert.equal(await m.getByTestId('statement-format').textContent(), 'MT940 statement');
      assert.equal(await m.getByTestId('statement-counts').textContent(), '2 incoming payments, 2 outgoing skipped');
      const rows = await paymentRows();
      assert.equal(rows.length, 2, JSON.stringify(rows));
      assert.match(rows[0], /HARBOUR CAFE BV.*INV-000001.*€250\.00$/);
      assert.match(rows[1], /DE GOUDEN LEPEL.*€1,180\.50$/);
      assert.doesNotMatch(rows.join('\n'), /KPN|BELASTINGDIENST/);
      // No column mapping for a format that names its own fields.
      assert.equal(await m.getByRole('textbox', { name: 'Date', exact: true }).count(), 0);

      const skippedToggle = m.getByRole('button', { name: /lines? skipped$/ });
      assert.equal(await skippedToggle.getAttribute('aria-expanded'), 'false');
      await skippedToggle.click();
      const skipped = m.getByTestId('statement-skipped').locator('tbody tr');
      await skipped.first().waitFor();
      assert.match(await skipped.first().textContent(), /^1ABNANL2A/, 'the bank header is the first line skipped');
      assert.equal(await m.getByRole('button', { name: 'Import', exact: true }).isDisabled(), false);
      await photograph('mt940');

      assert.match(await importIt(), /2 payments: .*2 outgoing lines skipped/);
      assert.deepEqual(await collectionsFrom('abn-amro.sta'), ['250.00 EUR', '1180.50 EUR']);
    } catch (err) {
      await shot(page, 'statements-fail-mt940').catch(() => {});
      throw err;
    }
  });

  it('reads an ABN AMRO export without a header row: columns by position, debits skipped', async () => {
    try {
      await preview('abn-amro-headerless.tab');
      const m = modal();
      assert.equal(await m.getByTestId('statement-format').textContent(), 'CSV export');
      assert.equal(await m.getByRole('checkbox', { name: /First row is data/ }).isChecked(), true);
      assert.equal(await m.getByRole('textbox', { name: 'Date', exact: true }).inputValue(), 'Column 3');
      assert.equal(await m.getByRole('textbox', { name: 'Amount column' }).inputValue(), 'Column 7');
      assert.equal(await m.getByTestId('statement-counts').textContent(), '2 incoming payments, 2 outgoing skipped');
      const rows = await paymentRows();
      assert.equal(rows.length, 2, JSON.stringify(rows));
      assert.match(rows[0], /BAKKERIJ VAN DAM.*INV-000002.*€330\.00$/);
      assert.match(rows[1], /J\. DE VRIES.*€75\.00$/);
      assert.doesNotMatch(rows.join('\n'), /SHELL|SPAARREKENING/);
      // The first row is money, not a header: nothing of it is skipped.
      assert.equal(await m.getByTestId('statement-skipped').count(), 0);
      await photograph('headerless-csv');

      assert.match(await importIt(), /2 payments: .*2 outgoing lines skipped/);
      assert.deepEqual(await collectionsFrom('abn-amro-headerless.tab'), ['75.00 EUR', '330.00 EUR']);
    } catch (err) {
      await shot(page, 'statements-fail-headerless').catch(() => {});
      throw err;
    }
  });

  it('reads an ING export by its "Af Bij" column, refuses a money in/out column it cannot read, and imports the credits', async () => {
    try {
      await preview('ing-af-bij.csv');
      const m = modal();
      assert.equal(await m.getByTestId('statement-format').textContent(), 'CSV export');
      assert.equal(await m.getByRole('checkbox', { name: /First row is data/ }).isChecked(), false);
      assert.equal(await m.getByRole('textbox', { name: 'Amount column' }).inputValue(), 'Bedrag (EUR)');
      const direction = m.getByRole('textbox', { name: 'Money in/out column' });
      assert.equal(await direction.inputValue(), 'Af Bij');
      const counts = m.getByTestId('statement-counts');
      assert.equal(await counts.textContent(), '3 incoming payments, 2 outgoing skipped');
      const rows = await paymentRows();
      assert.equal(rows.length, 3, JSON.stringify(rows));
      assert.match(rows[0], /Koffiebranderij Noord.*INV-000003.*€412\.80$/);
      assert.match(rows[1], /Stichting Buurtkeuken.*€95\.00$/);
      assert.match(rows[2], /Harbour Cafe BV.*€1,250\.00$/);
      assert.doesNotMatch(rows.join('\n'), /Albert Heijn|Vattenfall/);
      await photograph('direction-csv');

      // "Mutatiesoort" says how, not which way: the preview, read again, says what is wrong.
      await direction.click();
      await page.getByRole('option', { name: 'Mutatiesoort', exact: true }).click();
      const problems = m.getByTestId('import-problems');
      await problems.waitFor();
      assert.match(await problems.textContent(), /Mutatiesoort/);
      assert.equal(await m.getByRole('button', { name: 'Import', exact: true }).isDisabled(), true);
      await photograph('direction-csv-problem');

      await direction.click();
      await page.getByRole('option', { name: 'Af Bij', exact: true }).click();
      await problems.waitFor({ state: 'detached' });
      await waitForText(counts, /^3 incoming payments, 2 outgoing skipped$/);

      assert.match(await importIt(), /3 payments: .*2 outgoing lines skipped/);
      assert.deepEqual(await collectionsFrom('ing-af-bij.csv'), ['95.00 EUR', '412.80 EUR', '1250.00 EUR']);
    } catch (err) {
      await shot(page, 'statements-fail-ing').catch(() => {});
      throw err;
    }
  });

  it('never records a debit of any of these files', async () => {
    const { collections } = await graphql(page, '{ collections(first: 100) { totalCount edges { node { amount } } } }');
    const amounts = collections.edges.map((e) => Number(e.node.amount).toFixed(2));
    assert.equal(collections.totalCount, 7, `2 + 2 + 3 credits: ${amounts.join(', ')}`);
    for (const d of debits) assert.ok(!amounts.includes(d), `a debit of ${d} became a collection`);
  });
});
