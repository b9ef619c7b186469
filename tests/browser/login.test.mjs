// Browser test of DiMe's sign-in: a real Chromium against a real `dime serve` checks signing in and out,
// the footer language switch (incl. right-to-left Arabic), WCAG 2.1 AA with axe-core, and that it all works without JavaScript.
// Run: cd tests/browser && npm install && DIME_BIN=/path/to/dime node --test login.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assertAccessible, startDime,
} from './support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SV_PO = path.resolve(here, '../../locales/sv.po');

const OFFICE = 'Browser Test Office';
const ADVISOR = { email: 'advisor@test.example', name: 'Test Advisor', password: 'correct horse battery staple' };
// A second account, so the no-JavaScript test does not depend on the language the first test left set.
const NO_JS_ADVISOR = { email: 'nojs@test.example', name: 'No Script Advisor', password: 'another long test password' };
const ADMIN = { email: 'admin@test.example', name: 'Test Admin', password: 'a third long test password', role: 'admin' };

// ---- helpers: translations ----

/** The msgstr of `msgid` in a gettext .po file (single-line entries, as in DiMe's locales). */
async function translation(poFile, msgid) {
  const po = await readFile(poFile, 'utf8');
  const entry = new RegExp(`^msgid ${JSON.stringify(msgid).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\nmsgstr (".*")$`, 'm');
  const match = po.match(entry);
  assert.ok(match, `no msgid ${JSON.stringify(msgid)} in ${poFile}`);
  return JSON.parse(match[1]);
}

// ---- helpers: pages ----

/** Fills in and submits the sign-in form the way a person does; resolves to the POST's response. */
async function signIn(page, email, password) {
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login');
  await page.getByRole('button', { name: 'Sign in' }).click();
  return answered;
}

/** Clicks a footer language button and waits for the page to come back in that language. */
async function chooseLanguage(page, buttonName, lang) {
  await page.locator('footer').getByRole('button', { name: buttonName, exact: true }).click();
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
  await page.getByRole('heading', { level: 1 }).waitFor();
}

async function heading1(page) {
  return (await page.getByRole('heading', { level: 1 }).textContent()).trim();
}

// ---- the tests ----

describe('staff sign-in in a real browser', () => {
  let dime;
  let browser;
  let baseURL;

  before(async () => {
    dime = await startDime('dime-browser-', OFFICE, [ADVISOR, NO_JS_ADVISOR, ADMIN]);
    ({ browser, baseURL } = dime);
  }, { timeout: 60_000 }); // a cap for a server that never says "listening", not a wait

  after(() => dime?.close());

  test('an advisor signs in, switches language (incl. right-to-left) and signs out, every page WCAG 2.1 AA', async (t) => {
    const context = await browser.newContext({ baseURL, locale: 'en', extraHTTPHeaders: { 'Accept-Language': 'en' } });
    t.after(() => context.close());
    const page = await context.newPage();

    await t.test('the sign-in and start pages have no axe violations', async () => {
      await page.goto('/login');
      assert.equal(await heading1(page), 'Staff sign-in');
      await assertAccessible(page, '/login');
      await page.goto('/');
      await assertAccessible(page, '/');
    });

    await t.test('a wrong password shows an error summary and keeps the typed e-mail', async () => {
      await page.goto('/login');
      const response = await signIn(page, ADVISOR.email, 'not the right password');
      assert.equal(response.status(), 422);
      await page.getByRole('alert').waitFor();
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.getByLabel('E-mail address').inputValue(), ADVISOR.email);
      await assertAccessible(page, '/login with an error');
    });

    await t.test('the right password leads to the staff home page', async () => {
      await signIn(page, ADVISOR.email, ADVISOR.password);
      await page.waitForURL('**/staff');
      await page.getByRole('heading', { level: 1, name: 'Staff home' }).waitFor();
      await page.getByText(ADVISOR.name).waitFor();
      await assertAccessible(page, '/staff');
    });

    await t.test('the footer buttons switch to Swedish, to Arabic (right to left) and back to English', async () => {
      const swedish = await translation(SV_PO, 'Staff home');
      await chooseLanguage(page, 'Svenska', 'sv');
      assert.notEqual(await heading1(page), 'Staff home');
      assert.equal(await heading1(page), swedish);
      await assertAccessible(page, '/staff in Swedish');

      await chooseLanguage(page, 'العربية', 'ar');
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      await assertAccessible(page, '/staff in Arabic');

      await chooseLanguage(page, 'English', 'en');
      assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
      assert.equal(await heading1(page), 'Staff home');
    });

    await t.test('signing out returns to the sign-in page and closes the staff pages', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/login');
      await page.getByRole('heading', { level: 1, name: 'Staff sign-in' }).waitFor();
      await page.goto('/staff');
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  test('signing in works with JavaScript turned off', async (t) => {
    const context = await browser.newContext({ baseURL, locale: 'en', javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto('/login');
    await signIn(page, NO_JS_ADVISOR.email, NO_JS_ADVISOR.password);
    await page.waitForURL('**/staff');
    await page.getByRole('heading', { level: 1, name: 'Staff home' }).waitFor();
    await page.getByText(NO_JS_ADVISOR.name).waitFor();
  });

  test('an administrator relabels a reference entry; the admin pages are WCAG 2.1 AA', async (t) => {
    const context = await browser.newContext({ baseURL, locale: 'en' });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto('/login');
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.waitForURL('**/staff');
    for (const path of ['/admin/users', '/admin/settings', '/admin/audit', '/admin/reference?category=grounds&language=en']) {
      await page.goto(path);
      await assertAccessible(page, path);
    }
    const field = page.getByLabel('Label age');
    await field.fill('Age (any age)');
    await page.locator('form[action="/admin/reference/grounds/age/label"]').getByRole('button', { name: 'Save' }).click();
    await page.waitForURL('**/admin/reference?category=grounds&language=en');
    assert.equal(await page.getByLabel('Label age').inputValue(), 'Age (any age)');
  });
});
