// Browser test of DiMe's statistics: a real Chromium against a real `dime serve` loaded with `dime demo --cases`.
// The public page (no sign-in) shows only suppressed figures; a coordinator's dashboard shows every table, and the
// charts Chart.js draws hold the same figures as the tables beside them; without JavaScript the page is complete;
// the filters work; the XLSX downloads; the annual report prints without the site's navigation; the dashboard
// reads right to left in Arabic; an office's signed file is shared and a national unit imports it. Every page is
// checked for WCAG 2.1 AA with axe-core.
// Run: cd tests/browser && npm install && DIME_BIN=/path/to/dime node --test statistics.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  assertAccessible, CHROMIUM_OPTIONS, freePort, idAndLabelProblems, runDime, signIn, startServer, stopServer, submitWith,
} from './support.mjs';

const COORDINATOR = { email: 'coordinator@oslo.demo.dime.local', password: 'demo-password-not-for-real-use' };
const NATIONAL = { email: 'national@browser.test', password: 'national coordinator password' };
const year = new Date().getUTCFullYear();

describe('statistics', () => {
  let dir;
  let server;
  let browser;
  let baseURL;
  let storage;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dime-statistics-'));
    storage = ['--database', `sqlite://${path.join(dir, 'dime.sqlite')}`, '--data-dir', dir];
    await runDime(['demo', '--cases', '600', ...storage]);
    const national = (await runDime(['office', 'add', '--national', '--name', 'National unit', '--jurisdiction', 'no',
      ...storage])).trim();
    await runDime(['user', 'add', '--email', NATIONAL.email, '--name', 'National Coordinator', '--role', 'coordinator',
      '--office', national, '--password-stdin', ...storage], `${NATIONAL.password}\n`);
    const port = await freePort();
    server = await startServer(['--listen', `127.0.0.1:${port}`, ...storage, '--default-language', 'en']);
    baseURL = `http://127.0.0.1:${port}`;
    browser = await chromium.launch(CHROMIUM_OPTIONS);
  });

  after(async () => {
    await browser?.close();
    if (server) await stopServer(server.child);
    await rm(dir, { recursive: true, force: true });
  });

  /** The figures of every chart on the page next to those of the table it was drawn from. */
  async function chartsAndTables(page) {
    return page.evaluate(() => [...document.querySelectorAll('table[data-chart]')].map((table) => {
      const holder = table.previousElementSibling;
      const canvas = holder && holder.classList.contains('chart') ? holder.querySelector('canvas') : null;
      const chart = canvas ? window.Chart.getChart(canvas) : null;
      const columns = {};
      for (const row of table.querySelectorAll('tbody tr')) {
        [...row.children].forEach((cell, i) => {
          if (cell.hasAttribute('data-value')) (columns[i] ??= []).push(Number(cell.getAttribute('data-value')));
        });
      }
      return {
        id: table.id,
        hidden: holder?.getAttribute('aria-hidden'),
        labels: [...table.querySelectorAll('tbody tr th')].map((th) => th.textContent.trim()),
        table: Object.values(columns),
        chartLabels: chart ? chart.data.labels : null,
        chart: chart ? chart.data.datasets.map((d) => d.data) : null,
      };
    }));
  }

  test('the public page shows only suppressed figures and is accessible', async () => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    const response = await page.goto('/statistics');
    assert.equal(response.status(), 200);
    await assertAccessible(page, 'public statistics');
    assert.deepEqual(await idAndLabelProblems(page), []);
    // Every count shown is at least 5; the rest say why they are withheld.
    const cells = await page.locator('main table td').allTextContents();
    assert.ok(cells.length > 10, 'the public tables have cells');
    for (const text of cells.map((c) => c.trim())) {
      if (/^\d+$/.test(text)) assert.ok(Number(text) >= 5, `a public count of ${text}`);
      else assert.match(text, /^(fewer than 5|hidden)$/);
    }
    // The demo's municipalities are typed text: never published.
    assert.equal(await page.getByText('Bærum').count(), 0);
    // One office at a time, by the form (no script needed).
    await page.locator('#office').selectOption({ index: 1 });
    await submitWith(page, page.locator('form[action="/statistics"] button[type="submit"]'), '/statistics', 'GET');
    assert.match(page.url(), /office=\d+/);
    await assertAccessible(page, 'public statistics of one office');
    await context.close();
  });

  test('the dashboard draws each chart from its table, and works without JavaScript', async () => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await signIn(page, COORDINATOR);
    const query = `/staff/statistics?from=${year - 2}-01&to=${year}-12&by=quarter`;
    assert.equal((await page.goto(query)).status(), 200);
    await page.locator('div.chart canvas').first().waitFor();
    assert.deepEqual(errors, [], 'no script errors (the CSP allows the embedded Chart.js)');
    const charts = await chartsAndTables(page);
    assert.ok(charts.length >= 8, `charts on the dashboard: ${charts.length}`);
    for (const c of charts) {
      if (c.labels.length === 0) continue;
      assert.deepEqual(c.chart, c.table, `chart ${c.id} holds the table's figures`);
      assert.deepEqual(c.chartLabels, c.labels, `chart ${c.id} has the table's labels`);
      assert.equal(c.hidden, 'true', `chart ${c.id} is hidden from screen readers (the table is read)`);
    }
    await assertAccessible(page, 'the dashboard with charts');
    assert.deepEqual(await idAndLabelProblems(page), []);

    // A filter by keyboard: choose an area and submit; the figures follow.
    const allCases = Number(await page.locator('dl.key-figures dd').first().textContent());
    const area = await page.locator('#filter-area option').nth(1).getAttribute('value');
    await page.locator('#filter-area').selectOption(area);
    await page.locator('form[action="/staff/statistics"] button[type="submit"]').focus();
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    assert.match(page.url(), new RegExp(`area=${area}`));
    const someCases = Number(await page.locator('dl.key-figures dd').first().textContent());
    assert.ok(someCases > 0 && someCases < allCases, `${someCases} of ${allCases} cases in ${area}`);

    // The spreadsheet downloads from the same query.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[href^="/staff/statistics/export.xlsx"]').click(),
    ]);
    const file = path.join(dir, 'figures.xlsx');
    await download.saveAs(file);
    assert.equal((await readFile(file)).subarray(0, 2).toString(), 'PK');

    // Without JavaScript: the same tables, no charts.
    const plain = await browser.newContext({ baseURL, javaScriptEnabled: false });
    await plain.addCookies(await context.cookies());
    const noScript = await plain.newPage();
    assert.equal((await noScript.goto(query)).status(), 200);
    assert.equal(await noScript.locator('canvas').count(), 0);
    assert.equal(await noScript.locator('table[data-chart]').count(), charts.length);
    await plain.close();
    await context.close();
  });

  test('the annual report prints without navigation; the dashboard reads right to left', async () => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await signIn(page, COORDINATOR);
    assert.equal((await page.goto(`/staff/statistics/annual?year=${year - 1}`)).status(), 200);
    await page.locator('div.chart canvas').first().waitFor();
    await assertAccessible(page, 'the annual report');
    assert.equal(await page.locator('h1').textContent(), `Annual report ${year - 1}`);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.site-header').evaluate((e) => getComputedStyle(e).display), 'none');
    assert.equal(await page.locator('.no-print').evaluate((e) => getComputedStyle(e).display), 'none');
    await page.emulateMedia({ media: 'screen' });

    // Arabic: the language switcher in the footer, then the dashboard.
    await submitWith(page, page.locator('form.languages button[value="ar"]'), '/language');
    assert.equal((await page.goto('/staff/statistics')).status(), 200);
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    await assertAccessible(page, 'the dashboard in Arabic');
    await context.close();
  });

  test('an advisor has no dashboard', async () => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await signIn(page, { email: 'advisor@oslo.demo.dime.local', password: COORDINATOR.password });
    assert.equal((await page.goto('/staff/statistics')).status(), 403);
    await context.close();
  });

  test('an office shares its signed figures and a national unit imports them', async () => {
    const context = await browser.newContext({ baseURL, acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, COORDINATOR);
    await page.goto('/staff/statistics');
    // The coordinator chose Arabic in the test before: back to English.
    await submitWith(page, page.locator('form.languages button[value="en"]'), '/language');
    await page.goto('/staff/statistics');
    await page.getByRole('link', { name: 'Share figures with a national unit' }).click();
    await page.waitForURL('**/staff/statistics/share');
    await assertAccessible(page, 'the share page');
    const key = (await page.locator('code.secret').first().textContent()).trim();
    assert.match(key, /^[A-Za-z0-9_-]{43}$/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the signed file' }).click(),
    ]);
    const file = path.join(dir, 'figures.json');
    await download.saveAs(file);
    const signed = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(signed.public_key, key);
    await context.close();

    // The operator registers the office (here on the same server, for the pages' sake; two servers exchanging files
    // are tests/http/statistics_test.cpp); the national coordinator imports the file, by keyboard.
    await runDime(['office', 'add', '--name', 'Office on its own server', '--jurisdiction', 'no', '--signing-key', key,
      ...storage]);
    const national = await browser.newContext({ baseURL });
    const nat = await national.newPage();
    await signIn(nat, NATIONAL);
    await nat.goto('/staff/statistics');
    await nat.getByRole('link', { name: /National figures/ }).click();
    await nat.waitForURL('**/staff/statistics/national');
    assert.match(await nat.locator('main').textContent(), /No file imported yet/);
    await nat.locator('#file').setInputFiles(file);
    await nat.locator('#file').focus();
    await nat.keyboard.press('Tab');
    await Promise.all([nat.waitForURL(/imported=/), nat.keyboard.press('Enter')]);
    await assertAccessible(nat, 'the national page after an import');
    assert.match(await nat.locator('[role="status"]').textContent(), /Office on its own server/);
    assert.equal(await nat.locator('main').textContent().then((t) => t.includes('No file imported yet')), false);
    // The same file again is refused, on the page, next to the field.
    await nat.locator('#file').setInputFiles(file);
    await Promise.all([nat.waitForResponse((r) => r.request().method() === 'POST'),
      nat.getByRole('button', { name: 'Import' }).click()]);
    assert.match(await nat.locator('#file-error').textContent(), /already been imported/);
    assert.equal(await nat.locator('#file').getAttribute('aria-invalid'), 'true');
    await assertAccessible(nat, 'the national page with an error');
    await national.close();
  });
});
