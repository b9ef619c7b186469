// Shared helpers of the browser tests: the dime command line and server, a whole test set-up
// (office, staff, server, Chromium), Chromium's options, and the axe-core accessibility check.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIME_BIN = path.resolve(here, process.env.DIME_BIN ?? '../../build/dime');
const AXE_JS = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export const CHROMIUM_OPTIONS = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
};

/** Runs `dime ARGS...`, writing `input` to its stdin; resolves to its stdout, rejects on a non-zero exit. */
export async function runDime(args, input = '') {
  const child = spawn(DIME_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdin.end(input);
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`dime ${args.join(' ')} exited with ${code}:\n${stderr}${stdout}`);
  return stdout;
}

/** A TCP port that was free a moment ago: listen on port 0, read the port the kernel chose, close. */
export async function freePort() {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Spawns `dime serve` and resolves once it has printed its "listening" line. */
export async function startServer(args) {
  const child = spawn(DIME_BIN, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (d) => {
      output += d;
      if (output.includes('listening')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`dime serve ended (${code ?? signal}) before listening:\n${output}`)));
  });
  await ready;
  return { child, output: () => output };
}

/** Stops the server and waits until it has exited (SIGKILL only if it ignores SIGTERM). */
export async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const stubborn = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(stubborn);
}

/**
 * A fresh DiMe for one test file: a temporary directory (`dir`) with an SQLite database, one help office called
 * `office` with `users` added in this order ({ email, name, password, role = 'advisor' }: the first one with a
 * key role gives the office its key pair, later ones get a copy when a holder signs in), a running server
 * (`baseURL`, English by default) and a Chromium with a fresh profile (`browser`). `close()` stops and removes
 * everything; it is also called when the set-up itself fails part-way.
 */
export async function startDime(prefix, office, users) {
  const dime = { dir: await mkdtemp(path.join(os.tmpdir(), prefix)) };
  let server;
  dime.close = async () => {
    await dime.browser?.close();
    if (server) await stopServer(server.child);
    await rm(dime.dir, { recursive: true, force: true });
  };
  try {
    const storage = ['--database', `sqlite://${path.join(dime.dir, 'dime.sqlite')}`, '--data-dir', dime.dir];
    // The id is the last line: on a new database the migration log line comes first, also on stdout.
    const officeId = (await runDime(['office', 'add', '--name', office, '--jurisdiction', 'no', ...storage]))
      .trim().split('\n').at(-1);
    assert.match(officeId, /^\d+$/, 'office add prints the new organisation id');
    for (const user of users) {
      await runDime(['user', 'add', '--email', user.email, '--name', user.name, '--role', user.role ?? 'advisor',
        '--office', officeId, '--password-stdin', ...storage], `${user.password}\n`);
    }
    const port = await freePort();
    server = await startServer(['--listen', `127.0.0.1:${port}`, ...storage, '--default-language', 'en']);
    dime.baseURL = `http://127.0.0.1:${port}`;
    dime.browser = await chromium.launch(CHROMIUM_OPTIONS);
    return dime;
  } catch (e) {
    await dime.close();
    throw e;
  }
}

/**
 * Runs axe-core's WCAG 2.0/2.1 A and AA rules on the page and fails on any violation.
 * The server's CSP forbids inline scripts, so instead of a <script> tag (which the page would block, and
 * bypassCSP would hide real CSP problems) axe's source is evaluated through the DevTools protocol.
 */
export async function assertAccessible(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(await readFile(AXE_JS, 'utf8'));
  }
  const { passed, violations } = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return {
      passed: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
      })),
    };
  }, WCAG_TAGS);
  assert.ok(passed > 0, `axe checked no rule at all on ${label}`);
  if (violations.length > 0) console.log(`axe violations on ${label}:\n${JSON.stringify(violations, null, 2)}`);
  assert.deepEqual(violations, [], `${label} has WCAG 2.1 AA violations (printed above)`);
}

// ---- helpers shared by the staff tests (casework, mediation) ----
// Elements are found by id, name and value, not by their (translated) texts.

/**
 * Clicks a submit button the way a person does and waits until the server has answered the request (`method`
 * to `pathname`) and the page it answered with (after any redirect) has loaded; resolves to that first response.
 */
export async function submitWith(page, button, pathname, method = 'POST') {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === pathname),
    page.waitForEvent('load'),
    button.click(),
  ]);
  return response;
}

/**
 * Submits the form with `action` that leads to a referral page (the case page's form that prepares a referral, or
 * one on the referral page) and checks the answer: 303 to the referral page, which then loads with 200; resolves to
 * the referral page's path.
 */
export async function referralAction(page, action) {
  const form = page.locator(`form[action="${action}"]`);
  const shown = page.waitForResponse((r) => r.request().method() === 'GET'
    && /^\/cases\/\d+\/referrals\/\d+$/.test(new URL(r.url()).pathname));
  shown.catch(() => {}); // not awaited when the POST is not redirected
  const response = await submitWith(page, form.locator('button[type="submit"]'), action);
  assert.equal(response.status(), 303, `POST ${action} answered ${response.status()}`);
  assert.equal((await shown).status(), 200, `the referral page after POST ${action}`);
  const referralPath = new URL(page.url()).pathname;
  assert.match(referralPath, /^\/cases\/\d+\/referrals\/\d+$/);
  return referralPath;
}

/** Duplicate ids on the page, and form controls in <main> without a label, as a list of problems. */
export async function idAndLabelProblems(page) {
  return page.evaluate(() => {
    const seen = {};
    for (const element of document.querySelectorAll('[id]')) seen[element.id] = (seen[element.id] ?? 0) + 1;
    const duplicates = Object.entries(seen).filter(([, n]) => n > 1).map(([id, n]) => `id "${id}" is used ${n} times`);
    const unlabelled = [...document.querySelectorAll('main select, main textarea, main input:not([type="hidden"])')]
      .filter((control) => control.labels.length === 0 && !control.getAttribute('aria-label'))
      .map((control) => `${control.localName}#${control.id} has no label`);
    return [...duplicates, ...unlabelled];
  });
}

/** The text pdftotext reads from the PDF `file`, with every run of white space as one space. */
export async function pdfText(file) {
  const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-']);
  return stdout.replace(/\s+/g, ' ');
}

/** Signs in on /login with e-mail and password; the POST answers 303 to the staff home page. */
export async function signIn(page, user) {
  await page.goto('/login');
  await page.locator('#email').fill(user.email);
  await page.locator('#password').fill(user.password);
  const response = await submitWith(page, page.locator('form[action="/login"] button[type="submit"]'), '/login');
  assert.equal(response.status(), 303, `signing in ${user.email}`);
  assert.equal(new URL(page.url()).pathname, '/staff');
}

/** Today as YYYY-MM-DD in UTC, the server's calendar for the day consent was given. */
export function today() {
  return new Date().toISOString().slice(0, 10);
}

/** The queue's row of the case with `reference` (a locator that may match nothing). */
export function queueRow(page, reference) {
  return page.locator('table.cases tbody tr').filter({ has: page.getByRole('link', { name: reference, exact: true }) });
}

/**
 * Submits the one form of a staff page (`/cases/{id}` or `/mediations/{id}`) whose action is `action`
 * (`/<kind>/{id}/...`) and checks the answer: 303 back to that page, which then loads with 200, or the page again with
 * `expected` (422) and an error summary.
 */
export async function pageAction(page, action, expected = 303) {
  const form = page.locator(`form[action="${action}"]`);
  assert.equal(await form.count(), 1, `one form posts to ${action}`);
  const pagePath = action.split('/').slice(0, 3).join('/');
  const shown = page.waitForResponse((r) => r.request().method() === 'GET'
    && new URL(r.url()).pathname === pagePath);
  shown.catch(() => {}); // awaited only after a redirect; a 422 is answered in place
  const response = await submitWith(page, form.locator('button[type="submit"]'), action);
  assert.equal(response.status(), expected, `POST ${action} answered ${response.status()}`);
  if (expected === 303) {
    assert.equal((await shown).status(), 200, `the page after POST ${action}`);
    assert.equal(new URL(page.url()).pathname, pagePath);
  } else {
    await page.locator('div.error-summary[role="alert"]').waitFor();
  }
  return response;
}
