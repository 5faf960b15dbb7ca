// Settings -> Business and the first-run checklist in a real browser against
// the real server: the empty invoice list asks for name, address and tax ID;
// the business page saves legal name, tax ID, a structured address, bank
// details (a wrong IBAN check digit is the server's VALIDATION error, shown
// under the IBAN field and nowhere else), default payment terms and a
// footer; a logo is uploaded (PNG, previewed) and removed, and one over
// 1 MB is refused before upload. Afterwards the checklist is gone and the
// wizard starts on the merchant's terms. Screenshots at 1280 and 390 px in
// e2e/artifacts/business-*.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { shot, signUp, start } from './harness.mjs';

/** A w x h PNG of one colour (RGB, no alpha), built here so the test needs no image files. */
function png(w, h, [r, g, b]) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) rows.set([r, g, b], y * (w * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('business settings and first run', { timeout: 180_000 }, () => {
  let env;
  let page;
  const merchant = { name: 'Fjord Design', email: `owner+${Date.now()}@fjord.test`, password: 'correct horse battery' };
  const updates = [];

  before(async () => {
    env = await start({ logName: 'server-business' });
    page = await env.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      if (r.url().endsWith('/query') && (r.postData() ?? '').includes('updateMerchant')) updates.push(r.postDataJSON());
    });
  });

  after(async () => {
    await env?.stop();
  });

  const form = () => page.getByRole('form', { name: 'Business settings' });
  const field = (name) => form().getByRole('textbox', { name, exact: true });
  const saveButton = () => form().getByRole('button', { name: 'Save changes' });
  const checklist = () => page.getByTestId('setup-checklist');

  /** Picks an option of a select, typing `typed` first when it is searchable. */
  const choose = async (name, typed, option) => {
    await field(name).click();
    if (typed) await field(name).fill(typed);
    await page.getByRole('option', { name: option, exact: true }).click();
  };

  it('asks a new merchant for name, address and tax ID on the empty invoice list', async () => {
    try {
      await signUp(page, merchant);
      await checklist().getByText('Set up your business').waitFor();
      await checklist().getByText('1 of 3 essentials done').waitFor();
      assert.equal(await checklist().locator('[data-done="true"]').getByText('Business name').count(), 1, 'the name is given at sign-up');
      await page.getByText('No invoices yet').waitFor();
      await shot(page, 'business-01-checklist');
      await checklist().getByRole('link', { name: 'Tax ID' }).click();
      await page.waitForURL('**/settings');
    } catch (err) {
      await shot(page, 'failure-business-checklist').catch(() => {});
      throw err;
    }
  });

  it('saves identity, address, bank details and terms; a wrong IBAN is shown under IBAN', async () => {
    try {
      await page.getByRole('heading', { name: 'Business settings' }).waitFor();
      await field('Business name').waitFor();
      await field('Legal name').fill('Fjord Design AS');
      await field('Tax ID').fill('NO923609016MVA');
      await field('Address line 1').fill('Akersgata 1');
      await field('Postal code').fill('0158');
      await field('City').fill('Oslo');
      await choose('Country', 'Norw', 'Norway');
      await field('Account holder').fill('Fjord Design AS');
      // The last check digit is wrong: MOD 97 fails.
      await field('IBAN').fill('NO93 8601 1117 948');
      await field('BIC / SWIFT').fill('DNBANOKK');
      await choose('Default payment terms', null, 'Net 30');
      await form().getByRole('textbox', { name: 'Footer' }).fill('Late payments incur 1% interest per month.');
      await shot(page, 'business-02-filled-1280');
      await saveButton().click();

      const iban = field('IBAN');
      await iban.and(page.locator('[aria-invalid="true"]')).waitFor();
      const errorID = (await iban.getAttribute('aria-describedby'))?.split(' ').find((x) => x.endsWith('-error'));
      assert.ok(errorID, 'the IBAN input references its error');
      const message = (await page.locator(`[id="${errorID}"]`).textContent()) ?? '';
      assert.ok(message.length > 0);
      assert.doesNotMatch(message, /^bankAccount/, 'no field path under the field');
      assert.equal(await page.locator('input[aria-invalid="true"], textarea[aria-invalid="true"]').count(), 1, 'only the IBAN is flagged');
      await shot(page, 'business-03-iban-error');

      await iban.fill('NO93 8601 1117 947');
      await saveButton().click();
      await page.getByText('Settings saved').waitFor();
      const sent = updates.at(-1).variables.input;
      assert.deepEqual(sent, {
        legalName: 'Fjord Design AS',
        taxID: 'NO923609016MVA',
        postalAddress: { lines: ['Akersgata 1'], city: 'Oslo', postalCode: '0158', region: null, country: 'NO' },
        bankAccount: { accountName: 'Fjord Design AS', bankName: null, iban: 'NO93 8601 1117 947', bic: 'DNBANOKK' },
        paymentTermsDays: 30,
        footer: 'Late payments incur 1% interest per month.',
      });

      // Saved: a fresh load shows it (the IBAN compact, as the server keeps it).
      await page.reload();
      await field('Tax ID').waitFor();
      const deadline = Date.now() + 10_000;
      while ((await field('Tax ID').inputValue()) !== 'NO923609016MVA' && Date.now() < deadline) await page.waitForTimeout(100);
      assert.equal(await field('Tax ID').inputValue(), 'NO923609016MVA');
      assert.equal(await field('City').inputValue(), 'Oslo');
      assert.equal(await field('Country').inputValue(), 'Norway');
      assert.equal((await field('IBAN').inputValue()).replace(/\s/g, ''), 'NO9386011117947');
      assert.equal(await field('Default payment terms').inputValue(), 'Net 30');
      const note = page.getByRole('region', { name: 'Where this appears' });
      await note.getByText('Tax ID NO923609016MVA').waitFor();
      await shot(page, 'business-04-saved-1280');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling at 390 px');
      await shot(page, 'business-05-saved-390');
      await page.setViewportSize({ width: 1280, height: 900 });
    } catch (err) {
      await shot(page, 'failure-business-save').catch(() => {});
      throw err;
    }
  });

  it('uploads, previews and removes a logo; refuses one over 1 MB', async () => {
    try {
      const logo = page.getByRole('region', { name: 'Logo' });
      const input = logo.locator('input[type="file"]');
      // Checked in the browser: nothing is sent.
      await input.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(1024 * 1024 + 1) });
      assert.match(await logo.getByTestId('logo-error').textContent(), /limit is 1 MB/);

      await input.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(240, 80, [37, 99, 235]) });
      await logo.getByTestId('logo-preview').waitFor();
      assert.match((await logo.getByTestId('logo-preview').getAttribute('src')) ?? '', /^data:image\/(png|jpeg);base64,/);
      await shot(page, 'business-06-logo');
      await logo.getByRole('button', { name: 'Remove' }).click();
      await logo.getByText('No logo yet').waitFor();
    } catch (err) {
      await shot(page, 'failure-business-logo').catch(() => {});
      throw err;
    }
  });

  it('drops the checklist once the essentials are done, and new invoices start on Net 30', async () => {
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Invoices' }).click();
      await page.getByText('No invoices yet').waitFor();
      assert.equal(await checklist().count(), 0, 'no checklist once name, address and tax ID are given');
      await page.getByRole('link', { name: 'Create Invoice' }).first().click();
      await page.getByRole('heading', { name: 'Who are you billing?' }).waitFor();
      const terms = page.getByRole('textbox', { name: 'Payment terms' });
      const deadline = Date.now() + 10_000;
      while (!(await terms.inputValue()).startsWith('Net 30') && Date.now() < deadline) await page.waitForTimeout(100);
      assert.equal(await terms.inputValue(), 'Net 30 (your default)');
    } catch (err) {
      await shot(page, 'failure-business-terms').catch(() => {});
      throw err;
    }
  });
});
