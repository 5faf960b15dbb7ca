// Forgot password, in a real browser against the real server: "Forgot
// password?" on the sign-in page asks for the address and answers the same
// for any address; the link lands in the development mailbox (read here
// through the API with the session the user still had, and shown on the
// Mailbox page); the reset page asks for the new password twice, signs in,
// and every older session is refused; the new password signs in, and the
// link does not work twice.
// Screenshots land in e2e/artifacts/reset-*.png (gitignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, shot, signUp, start, watchConsole } from './harness.mjs';

describe('password reset', { timeout: 180_000 }, () => {
  let env;
  const merchant = { name: 'Forgetful Florist', email: `owner+${Date.now()}@florist.test`, password: 'correct horse battery' };
  const newPassword = 'tulips in the spring';

  before(async () => {
    env = await start({ logName: 'server-reset' });
  });

  after(async () => {
    await env?.stop();
  });

  it('emails a single-use link that sets a new password and ends older sessions', async () => {
    // The session that will be ended: signed up in one browser.
    const old = await env.newPage();
    await signUp(old, merchant);

    // Another browser has forgotten the password.
    const page = await env.newPage({ viewport: { width: 390, height: 844 } });
    const watch = await watchConsole(page);
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(merchant.email);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL('**/forgot-password');
    assert.equal(await page.getByLabel('Email').inputValue(), merchant.email, 'the address typed on the sign-in page is kept');
    await shot(page, 'reset-01-forgot-390');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByTestId('reset-requested').getByText('If an account exists for').waitFor();
    await shot(page, 'reset-02-requested-390');

    // The link, from the development mailbox.
    let link;
    for (let i = 0; i < 50 && !link; i++) {
      const data = await graphql(old, '{ emails(first: 5) { edges { node { kind to html } } } }');
      const mail = data.emails.edges.map((e) => e.node).find((n) => n.kind === 'PASSWORD_RESET');
      if (mail) {
        assert.equal(mail.to, merchant.email);
        link = mail.html.match(/https?:\/\/[^"\s<]+\/reset-password\?token=[A-Za-z0-9_%-]+/)?.[0];
      } else {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(link, 'a reset email with a link reached the dev mailbox');
    assert.ok(link.startsWith(env.baseURL + '/reset-password?token=tally_rst_'), `link ${link}`);
    await old.goto('/emails');
    await old.getByText('Reset your Tally password').first().waitFor();
    await old.locator('[data-email-kind="PASSWORD_RESET"]').first().waitFor();
    await shot(old, 'reset-03-dev-mailbox');

    // The reset page: the two passwords must match, then it signs in.
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await shot(page, 'reset-04-page-390');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again').fill(newPassword + '!');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByText('The two passwords are not the same').waitFor();
    await shot(page, 'reset-05-mismatch-390');
    await page.setViewportSize({ width: 1280, height: 860 });
    await shot(page, 'reset-06-page-desktop');
    await page.getByLabel('New password again').fill(newPassword);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.waitForURL('**/invoices');

    // The older session is over: the API refuses it, and the dashboard
    // sends it to sign in.
    const viewer = await graphql(old, '{ viewer { user { email } } }');
    assert.equal(viewer.viewer, null, 'the session from before the reset still works');
    await old.goto('/invoices');
    await old.waitForURL('**/sign-in');

    // The new password signs in; the old one no longer does.
    const fresh = await env.newPage();
    await fresh.goto('/sign-in');
    await fresh.getByLabel('Email').fill(merchant.email);
    await fresh.getByLabel('Password').fill(merchant.password);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.getByText('Email or password is incorrect').waitFor();
    await fresh.getByLabel('Password').fill(newPassword);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.waitForURL('**/invoices');

    // The link worked once.
    const again = await env.newPage({ viewport: { width: 390, height: 844 } });
    await again.goto(link);
    await again.getByLabel('New password', { exact: true }).fill('yet another password');
    await again.getByLabel('New password again').fill('yet another password');
    await again.getByRole('button', { name: 'Set password and sign in' }).click();
    await again.getByTestId('reset-link-problem').getByText('This reset link has expired or was already used; ask for a new one').waitFor();
    await shot(again, 'reset-07-used-link-390');

    assert.deepEqual(watch.problems, []);
  });
});
