// Browser test of DiMe's mediation bench: a real Chromium against a real `dime serve`. A report arrives through the
// JSON API; an advisor refers the case to the office's own mediation bench, which opens a mediation when the referral
// is sent; a coordinator sees it in the list (with this year's figures) and gives it to a mediator; the mediator
// declares no conflict of interest (seeing only the parties' names before that), records the first contact and both
// parties' consent (partly without JavaScript), plans a meeting (with its calendar file), marks it held, records the
// agreement (a wrong date first: the text typed is kept), downloads it as PDF and closes the mediation with the
// follow-up; the advisor then sees the result on the case. An advisor may not open the bench and a mediator who was
// not given the mediation does not see it. A second server, which e-mails invitations, checks a mediation started at
// the bench (/mediations/new) and the forms that then carry an e-mail box: ids, labels, and forms with problems that
// keep what was chosen and whose error summary leads to the fields. The bench's pages are checked for WCAG 2.1 AA with
// axe-core, and for unique ids and labelled controls.
// Run: cd tests/browser && npm install && DIME_BIN=/path/to/dime node --test mediation.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  assertAccessible, freePort, pageAction, startDime, idAndLabelProblems, pdfText, queueRow, referralAction, signIn, submitWith, today,
} from './support.mjs';

const OFFICE = 'Mediation Test Office';
// The advisor is added first and so creates the office's key pair; the coordinator, added after, gets a copy of the
// office key when the advisor (a holder) signs in, which the first step does. Mediators hold no office key: each gets
// a copy of a mediation's own key when they are given the mediation (their key pair is made by `user add`).
const ADVISOR = { email: 'advisor@test.example', name: 'Test Advisor', password: 'correct horse battery staple', role: 'advisor' };
const COORDINATOR = { email: 'coordinator@test.example', name: 'Test Coordinator', password: 'another long test password',
  role: 'coordinator' };
const MEDIATOR = { email: 'mediator@test.example', name: 'Test Mediator', password: 'a third long test password',
  role: 'mediator' };
// A mediator of the same office who is not given the mediation: it must stay invisible to them.
const OTHER_MEDIATOR = { email: 'other.mediator@test.example', name: 'Other Mediator', password: 'a fourth long test password',
  role: 'mediator' };

// The complainant party is filled in from the report's name and e-mail, the other party from its party_name;
// Norwegian letters must survive the sealed party details and the agreement PDF.
const COMPLAINANT = 'Åse Ødegård';
const OTHER_PARTY = 'Tore Bjørnstad';

const REPORT = {
  reporter_type: 'self',
  narrative: 'The landlord showed me the flat, but when he saw my wheelchair he said it had just been let to someone else.',
  event_date: '2025-03-14',
  municipality: 'Oslo',
  place_kind: 'housing',
  area: 'housing',
  grounds: ['disability'],
  party_kind: 'landlord',
  party_name: OTHER_PARTY,
  wishes: ['mediation'],
  contact_mode: 'email',
  name: COMPLAINANT,
  email: 'ase.odegard@test.example',
  consent: true,
};

const PLACE = 'Meeting room 2, Storgata 1';
const APOLOGY = 'Tore Bjørnstad apologises to Åse Ødegård for turning her away because of her wheelchair.';
const TRAINING = 'The landlord\'s staff take the course on universal design and equal treatment this spring.';

/** The day `days` days from today as YYYY-MM-DD in UTC. */
function daysFromToday(days) {
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

// ---- helpers: pages ----
// Elements are found by id, name and value, not by their (translated) texts, so that the tests do not depend on
// the translations; only English pages are also checked by their visible texts.

/** A form of the mediation page: see pageAction in support.mjs. */
const mediationAction = pageAction;

/**
 * The error summary's links that do not lead to the control (or group of controls) with the problem: each link's
 * href "#id" must name an input, select, textarea or fieldset on the page.
 */
async function summaryLinkProblems(page) {
  return page.evaluate(() => [...document.querySelectorAll('div.error-summary a')].flatMap((a) => {
    const href = a.getAttribute('href');
    const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
    if (target && ['input', 'select', 'textarea', 'fieldset'].includes(target.localName)) return [];
    const found = target ? `<${target.localName} id="${target.id}">` : 'no element';
    return [`the link "${a.textContent.trim()}" (${href}) leads to ${found}`];
  }));
}

/** The row of the mediation with `reference` in the list /mediations (a locator that may match nothing). */
function mediationRow(page, reference) {
  return page.locator('table#mediations tbody tr')
    .filter({ has: page.getByRole('link', { name: reference, exact: true }) });
}

/** The stage shown at the top of the mediation page (with the result of a closed mediation). */
async function stage(page) {
  return (await page.locator('dd#mediation-stage').textContent()).trim();
}

/** The rows of a table of figures (th scope=row, td) as { heading: figure }, texts trimmed. */
async function figures(table) {
  return table.evaluate((t) => Object.fromEntries([...t.querySelectorAll('tbody tr')]
    .map((tr) => [tr.querySelector('th').textContent.trim(), tr.querySelector('td').textContent.trim()])));
}

/** The party table's rows as { name: { role, consent } }, texts trimmed. */
async function parties(page) {
  return page.locator('table#party-table').evaluate((t) => Object.fromEntries([...t.querySelectorAll('tbody tr')]
    .map((tr) => {
      const cells = tr.querySelectorAll('td');
      return [tr.querySelector('th').textContent.trim(),
        { role: cells[0].textContent.trim(), consent: cells[2].textContent.trim() }];
    })));
}

/** The value (party id) of the consent form's option for the party called `name`. */
async function consentOption(page, name) {
  const option = page.locator('select#party option').filter({ hasText: name });
  assert.equal(await option.count(), 1, `the consent form offers ${name} once`);
  return option.getAttribute('value');
}

/**
 * The step-by-step pattern of a long test: `step` runs a subtest that later ones build on (after a failure the rest
 * are skipped rather than failing with time-outs); `check` runs one that nothing builds on (it is skipped after a
 * failed step, but its own failure does not skip what follows).
 */
function stepsOf(t) {
  let failed = false;
  const step = (name, fn) => t.test(name, async (s) => {
    if (failed) {
      s.skip('an earlier step failed');
      return;
    }
    try {
      await fn(s);
    } catch (error) {
      failed = true;
      throw error;
    }
  });
  const check = (name, fn) => t.test(name, async (s) => {
    if (failed) {
      s.skip('an earlier step failed');
      return;
    }
    await fn(s);
  });
  return { step, check };
}

/** A new browser context in English (with JavaScript unless `javaScriptEnabled` is false). */
function englishContext(browser, baseURL, javaScriptEnabled = true) {
  return browser.newContext({ baseURL, locale: 'en', javaScriptEnabled, extraHTTPHeaders: { 'Accept-Language': 'en' } });
}

// ---- the tests ----

describe('the mediation bench in a real browser', () => {
  let dime; // startDime: dir, baseURL, browser
  let browser;
  let baseURL;

  before(async () => {
    // In this order: see ADVISOR.
    dime = await startDime('dime-browser-mediation-', OFFICE, [ADVISOR, COORDINATOR, MEDIATOR, OTHER_MEDIATOR]);
    ({ browser, baseURL } = dime);
  }, { timeout: 60_000 }); // a cap for a server that never says "listening", not a wait

  after(() => dime?.close());

  test('a case goes to the bench, a mediator takes it from consent to a kept agreement, the advisor sees the result',
    { timeout: 300_000 }, async (t) => {
      const advisorContext = await englishContext(browser, baseURL);
      t.after(() => advisorContext.close());
      const advisor = await advisorContext.newPage();
      const coordinatorContext = await englishContext(browser, baseURL);
      t.after(() => coordinatorContext.close());
      const coordinator = await coordinatorContext.newPage();
      const mediatorContext = await englishContext(browser, baseURL);
      t.after(() => mediatorContext.close());
      const mediator = await mediatorContext.newPage();

      let sent; // { receipt, reference } of the report
      let casePath;
      let referralPath;
      let reference; // the mediation's, MB-XXXXXXXX
      let mediationPath;
      let meetingPath;
      const fulfilBy = daysFromToday(90);
      const { step } = stepsOf(t);

      await step('a report asking for mediation arrives and the advisor opens its case', async () => {
        const answer = await fetch(`${baseURL}/api/v1/reports`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(REPORT),
        });
        assert.equal(answer.status, 201, `POST /api/v1/reports: ${answer.status}`);
        sent = await answer.json();
        assert.ok(sent.reference, 'the answer holds the case reference');

        await signIn(advisor, ADVISOR);
        await advisor.goto('/cases');
        const row = queueRow(advisor, sent.reference);
        await row.waitFor();
        await Promise.all([
          advisor.waitForURL(/\/cases\/\d+$/),
          row.getByRole('link', { name: sent.reference, exact: true }).click(),
        ]);
        casePath = new URL(advisor.url()).pathname;
        assert.equal((await advisor.locator('#narrative').textContent()).trim(), REPORT.narrative);
        assert.equal(await advisor.locator('ul#case-mediations').count(), 0, 'no mediation yet');
      });

      await step('the advisor refers the case to the bench; sending the referral opens a mediation', async () => {
        const referrals = `${casePath}/referrals`;
        await advisor.locator('select#body').selectOption('mediation_bench');
        await advisor.locator('select#consent_how').selectOption('in_writing');
        await advisor.locator('input#consent_on').fill(today());
        referralPath = await referralAction(advisor, referrals);
        assert.ok(referralPath.startsWith(`${referrals}/`), 'the referral belongs to the case');
        assert.equal((await advisor.locator('dd#referral-status-now').textContent()).trim(), 'Draft');

        await advisor.locator('select#referral_status').selectOption('sent');
        assert.equal(await referralAction(advisor, `${referralPath}/status`), referralPath);
        assert.equal((await advisor.locator('dd#referral-status-now').textContent()).trim(), 'Sent');

        await advisor.goto(casePath);
        assert.equal((await advisor.locator('dd#case-status').textContent()).trim(), 'In mediation');
        const listed = advisor.locator('ul#case-mediations li');
        assert.equal(await listed.count(), 1, 'the case page lists one mediation');
        const text = (await listed.textContent()).trim();
        const match = text.match(/^(MB-[0-9A-HJKMNP-TV-Z]{8}): Referred to the bench$/);
        assert.ok(match, `the case page shows the mediation's reference and stage: "${text}"`);
        [, reference] = match;
      });

      await step('the advisor may not open the bench', async () => {
        const refused = await advisor.goto('/mediations');
        assert.equal(refused.status(), 403, 'an advisor is neither a mediator nor a coordinator');
        const api = await advisor.request.get('/api/v1/mediations');
        assert.equal(api.status(), 403, 'nor through the API');
      });

      await step('the coordinator sees the mediation and this year\'s figures on /mediations', async () => {
        await signIn(coordinator, COORDINATOR);
        const shown = await coordinator.goto('/mediations');
        assert.equal(shown.status(), 200);
        const row = mediationRow(coordinator, reference);
        await row.waitFor();
        const cells = (await row.locator('td').allTextContents()).map((c) => c.trim()); // stage, case, opened, mediators, next
        assert.equal(cells[0], 'Referred to the bench');
        assert.equal(cells[1], sent.reference, 'the row names the case');
        assert.equal(cells[2], today());
        assert.equal(cells[3], 'Nobody yet');
        const counts = await figures(coordinator.locator('table#mediation-figures'));
        assert.equal(counts.Opened, '1');
        assert.equal(counts['Both parties consented'], '0');
        await assertAccessible(coordinator, '/mediations (coordinator)');

        await Promise.all([
          coordinator.waitForURL(/\/mediations\/\d+$/),
          row.getByRole('link', { name: reference, exact: true }).click(),
        ]);
        mediationPath = new URL(coordinator.url()).pathname;
        assert.ok((await coordinator.locator('h1').textContent()).includes(reference), 'the heading names the mediation');
        assert.equal(await stage(coordinator), 'Referred to the bench');
        assert.ok((await coordinator.locator('p#brief').textContent()).includes(REPORT.narrative),
          'the coordinator reads the brief through the office key');
        const named = await parties(coordinator);
        assert.deepEqual(Object.keys(named).sort(), [COMPLAINANT, OTHER_PARTY].sort(), 'the parties come from the report');
        for (const id of ['contact-form', 'consent-form', 'meeting-form', 'note-form', 'party-form']) {
          assert.equal(await coordinator.locator(`form#${id}`).count(), 0, `a coordinator does not run it: no form#${id}`);
        }
        await assertAccessible(coordinator, 'the mediation page (coordinator, before a mediator)');
        assert.deepEqual(await idAndLabelProblems(coordinator), [], 'ids and labels of the mediation page (coordinator)');
      });

      await step('the coordinator gives the mediation to the mediator', async () => {
        const options = (await coordinator.locator('select#mediator option').allTextContents()).map((o) => o.trim());
        assert.deepEqual(options.sort(), [MEDIATOR.name, OTHER_MEDIATOR.name].sort(), 'the office\'s mediators are offered');
        await coordinator.locator('select#mediator').selectOption({ label: MEDIATOR.name });
        await mediationAction(coordinator, `${mediationPath}/mediators`);
        const mediators = (await coordinator.locator('section#mediators ul li').allTextContents()).map((l) => l.trim());
        assert.deepEqual(mediators, [`${MEDIATOR.name}: declaration due`]);
        const left = (await coordinator.locator('select#mediator option').allTextContents()).map((o) => o.trim());
        assert.deepEqual(left, [OTHER_MEDIATOR.name], 'a mediator is not offered twice');
      });

      await step('the mediator must declare first: the declaration page shows the parties but not the narrative', async () => {
        await signIn(mediator, MEDIATOR);
        await mediator.goto('/mediations');
        const row = mediationRow(mediator, reference);
        await row.waitFor();
        await row.locator('span.tag.new').waitFor(); // "declaration due"
        assert.equal((await row.locator('span.tag.new').textContent()).trim(), 'declaration due');
        assert.equal(await mediator.locator('table#mediation-figures').count(), 0, 'the figures are for coordinators');
        await assertAccessible(mediator, '/mediations (mediator)');

        const shown = await mediator.goto(mediationPath);
        assert.equal(shown.status(), 200);
        await mediator.locator('form#declaration').waitFor();
        assert.ok((await mediator.locator('h1').textContent()).includes(reference));
        const listed = (await mediator.locator('ul#declaration-parties').textContent());
        assert.ok(listed.includes(COMPLAINANT), 'the complainant is named');
        assert.ok(listed.includes(OTHER_PARTY), 'the other party is named');
        const everything = await mediator.locator('body').textContent();
        assert.ok(!everything.includes(REPORT.narrative), 'the narrative is not shown before the declaration');
        assert.ok(!everything.includes(REPORT.email), 'nor the complainant\'s e-mail address');
        assert.equal(await mediator.locator('p#brief').count(), 0);
        assert.equal(await mediator.locator('table#party-table').count(), 0);
        await assertAccessible(mediator, 'the declaration page');
        assert.deepEqual(await idAndLabelProblems(mediator), [], 'ids and labels of the declaration page');

        // Nor can the mediation be read another way before declaring.
        const api = await mediator.request.get(`/api/v1/mediations/${mediationPath.split('/').at(-1)}`);
        assert.equal(api.status(), 403, 'the API asks for the declaration too');
      });

      await step('the mediator declares no conflict and sees the brief and the parties', async () => {
        await mediator.locator('#declaration-no').check();
        await mediationAction(mediator, `${mediationPath}/declaration`);
        assert.equal(await mediator.locator('form#declaration').count(), 0, 'declared once');
        assert.ok((await mediator.locator('p#brief').textContent()).includes(REPORT.narrative), 'the brief holds the narrative');
        const named = await parties(mediator);
        assert.deepEqual(Object.keys(named).sort(), [COMPLAINANT, OTHER_PARTY].sort());
        assert.match(named[COMPLAINANT].role, /^The person who reported\b/);
        assert.match(named[OTHER_PARTY].role, /^The other party\b/);
        assert.equal(named[COMPLAINANT].consent, 'not yet');
        assert.equal(named[OTHER_PARTY].consent, 'not yet');
        assert.ok((await mediator.locator('table#party-table').textContent()).includes(REPORT.email),
          'the complainant\'s e-mail address comes from the report');
        const mediators = (await mediator.locator('section#mediators ul li').allTextContents()).map((l) => l.trim());
        assert.deepEqual(mediators, [`${MEDIATOR.name}: no conflict of interest`]);
        await mediator.locator('p#consent-needed').waitFor();
        assert.equal(await mediator.locator('form#meeting-form').count(), 0, 'no meeting before both consent');
        await assertAccessible(mediator, 'the mediation page (mediator, new)');
        assert.deepEqual(await idAndLabelProblems(mediator), [], 'ids and labels of the new mediation page');

        await mediator.goto('/mediations');
        await mediationRow(mediator, reference).waitFor();
        assert.equal(await mediationRow(mediator, reference).locator('span.tag.new').count(), 0, 'nothing to declare now');
      });

      await step('a mediator who was not given the mediation does not see it', async () => {
        const otherContext = await englishContext(browser, baseURL);
        try {
          const other = await otherContext.newPage();
          await signIn(other, OTHER_MEDIATOR);
          await other.goto('/mediations');
          assert.equal(await mediationRow(other, reference).count(), 0, 'not in their list');
          const page = await other.request.get(mediationPath);
          assert.equal(page.status(), 404, `GET ${mediationPath} for another mediator`);
          const pdf = await other.request.get(`${mediationPath}/agreement/pdf`);
          assert.equal(pdf.status(), 404, 'nor its documents');
          const posted = await other.request.post(`${mediationPath}/declaration`, {
            form: { declaration: 'no_conflict', _csrf: await other.locator('input[name="_csrf"]').first().inputValue() },
            maxRedirects: 0,
          });
          assert.equal(posted.status(), 404, 'nor can they declare on it');
        } finally {
          await otherContext.close();
        }
      });

      await step('without JavaScript, the mediator records the first contact and the complainant\'s consent', async () => {
        const noScript = await englishContext(browser, baseURL, false);
        try {
          const plain = await noScript.newPage();
          await signIn(plain, MEDIATOR);
          await plain.goto(mediationPath);
          await plain.locator('form#contact-form').waitFor();
          await plain.locator('#contacted_on').fill(today());
          await plain.locator('#contact_how').selectOption('by_phone');
          await mediationAction(plain, `${mediationPath}/contact`);
          assert.equal(await plain.locator('form#contact-form').count(), 0, 'the contact is recorded once');
          assert.equal(await stage(plain), 'Other party contacted');

          await plain.locator('select#party').selectOption(await consentOption(plain, COMPLAINANT));
          await plain.locator('#consent_on').fill(today());
          await plain.locator('#consent_how').selectOption('in_writing');
          await mediationAction(plain, `${mediationPath}/consents`);
          assert.equal((await parties(plain))[COMPLAINANT].consent, `${today()}, In writing`);
          await plain.locator('p#consent-needed').waitFor();
          assert.equal(await plain.locator('form#meeting-form').count(), 0, 'still no meeting with one consent');
        } finally {
          await noScript.close();
        }
      });

      await step('the other party consents: the meeting form appears', async () => {
        await mediator.goto(mediationPath);
        assert.equal(await stage(mediator), 'Other party contacted');
        const offered = (await mediator.locator('select#party option').allTextContents()).map((o) => o.trim());
        assert.equal(offered.length, 1, `only the party still to consent is offered: ${offered.join(', ')}`);
        await mediator.locator('select#party').selectOption(await consentOption(mediator, OTHER_PARTY));
        await mediator.locator('#consent_on').fill(today());
        await mediator.locator('#consent_how').selectOption('by_phone');
        await mediationAction(mediator, `${mediationPath}/consents`);
        assert.equal(await stage(mediator), 'Both parties consent');
        assert.equal((await parties(mediator))[OTHER_PARTY].consent, `${today()}, By phone`);
        assert.equal(await mediator.locator('p#consent-needed').count(), 0, 'no more consent needed');
        await mediator.locator('form#meeting-form').waitFor();
        await assertAccessible(mediator, 'the mediation page with the meeting form');
        assert.deepEqual(await idAndLabelProblems(mediator), [], 'ids and labels of the mediation page with the meeting form');
      });

      await step('the mediator plans a meeting and downloads its calendar file', async () => {
        await mediator.locator('input#starts').fill('2025-01-10T10:00');
        await mediator.locator('input#minutes').fill('90');
        await mediator.locator('input#place').fill(PLACE);
        const boxes = mediator.locator('form#meeting-form input[type="checkbox"][name="parties"]');
        assert.equal(await boxes.count(), 2, 'both parties can take part');
        for (const box of await boxes.all()) assert.ok(await box.isChecked(), 'every party takes part by default');
        await mediationAction(mediator, `${mediationPath}/meetings`);
        assert.equal(await stage(mediator), 'Mediation meeting');

        const meetings = mediator.locator('ul.meetings > li');
        assert.equal(await meetings.count(), 1);
        const meeting = meetings.first();
        const text = (await meeting.textContent()).replace(/\s+/g, ' ');
        assert.ok(text.includes('2025-01-10 10:00–11:30 (Scheduled)'), `the meeting's time and status: ${text}`);
        assert.ok(text.includes(PLACE), 'the meeting\'s place');
        assert.deepEqual((await meeting.locator('span.tag').allTextContents()).map((n) => n.trim()).sort(),
          [COMPLAINANT, OTHER_PARTY].sort(), 'both parties take part');

        const link = meeting.locator('a[href$="/ics"]');
        const href = await link.getAttribute('href');
        assert.match(href, new RegExp(`^${mediationPath}/meetings/\\d+/ics$`));
        meetingPath = href.replace(/\/ics$/, '');
        assert.equal(await meeting.getAttribute('id'), `meeting-${meetingPath.split('/').at(-1)}`);
        // A download fires no "response" event: the file itself shows what the server sent.
        const [download] = await Promise.all([mediator.waitForEvent('download'), link.click()]);
        assert.equal(new URL(download.url()).pathname, href);
        assert.equal(download.suggestedFilename(), `meeting-${meetingPath.split('/').at(-1)}.ics`);
        const file = path.join(dime.dir, download.suggestedFilename());
        await download.saveAs(file);
        assert.equal(await download.failure(), null);
        const ics = await readFile(file, 'utf8');
        const unfolded = ics.replace(/\r?\n[ \t]/g, ''); // RFC 5545 folds long lines
        assert.match(unfolded, /^BEGIN:VCALENDAR\r?\n/);
        assert.ok(unfolded.includes('DTSTART;TZID=Europe/Oslo:20250110T100000'), `the start in Oslo time:\n${ics}`);
        assert.ok(unfolded.includes('DTEND;TZID=Europe/Oslo:20250110T113000'), `the end after 90 minutes:\n${ics}`);
        assert.match(unfolded, /^UID:\S+$/m, 'the event has a UID');
        assert.ok(unfolded.includes('Storgata 1'), 'the place is in the calendar file');
        for (const secret of [COMPLAINANT, OTHER_PARTY, REPORT.narrative, sent.reference]) {
          assert.ok(!unfolded.includes(secret), `no case content in the calendar file: ${secret}`);
        }
      });

      await step('the meeting (in the past) is marked held; the agreement form appears', async () => {
        assert.equal(await mediator.locator('form#agreement-form').count(), 0, 'no agreement before a meeting was held');
        await mediationAction(mediator, `${meetingPath}/held`);
        const meeting = mediator.locator(`li#meeting-${meetingPath.split('/').at(-1)}`);
        assert.ok((await meeting.textContent()).includes('(Held)'), 'the meeting is held');
        assert.equal(await meeting.locator('form').count(), 0, 'a held meeting cannot be moved, cancelled or held again');
        await mediator.locator('form#agreement-form').waitFor();
        assert.equal(await mediator.locator('form#no-agreement-form').count(), 1, '"no agreement" is the other way out');
      });

      await step('an agreement with a date that has passed is refused and keeps what was written', async () => {
        await mediator.locator('textarea#item_apology').fill(APOLOGY);
        await mediator.locator('textarea#item_training').fill(TRAINING);
        await mediator.locator('input#fulfil_by').fill('2020-01-01');
        await mediationAction(mediator, `${mediationPath}/agreement`, 422);
        await mediator.locator('div.error-summary a[href="#fulfil_by"]').waitFor();
        await mediator.locator('#agreement-form p.field-error#fulfil_by-error').waitFor();
        const date = mediator.locator('input#fulfil_by');
        assert.equal(await date.inputValue(), '2020-01-01', 'the typed date is kept');
        assert.equal(await date.getAttribute('aria-invalid'), 'true');
        assert.match(await date.getAttribute('aria-describedby'), /\bfulfil_by-error\b/);
        assert.equal(await mediator.locator('textarea#item_apology').inputValue(), APOLOGY, 'the apology is kept');
        assert.equal(await mediator.locator('textarea#item_training').inputValue(), TRAINING, 'the training is kept');
        assert.equal(await mediator.locator('textarea#item_compensation').inputValue(), '');
        assert.equal(await mediator.locator('#agreement-form textarea[aria-invalid="true"]').count(), 0, 'the texts were fine');
        assert.deepEqual(await summaryLinkProblems(mediator), [], 'the error summary leads to the date');
        assert.equal(await stage(mediator), 'Mediation meeting', 'nothing was recorded');
        await assertAccessible(mediator, 'the mediation page with an agreement error');
        assert.deepEqual(await idAndLabelProblems(mediator), [], 'ids and labels of the mediation page with an error');
      });

      await step('the agreement is recorded and can be downloaded as PDF for signature', async () => {
        await mediator.locator('input#fulfil_by').fill(fulfilBy);
        await mediationAction(mediator, `${mediationPath}/agreement`);
        assert.equal(await mediator.locator('div.error-summary').count(), 0, 'the error is gone');
        assert.equal(await stage(mediator), 'Agreement: follow-up');
        assert.equal((await mediator.locator('dd#follow-up').textContent()).trim(), fulfilBy);
        const agreed = mediator.locator('dl#agreement-text');
        assert.deepEqual((await agreed.locator('dd.narrative').allTextContents()).map((d) => d.trim()), [APOLOGY, TRAINING]);
        assert.equal(await mediator.locator('form#agreement-form').count(), 0, 'an agreement is recorded once');
        await mediator.locator('form#outcome-form').waitFor();
        await assertAccessible(mediator, 'the mediation page after the agreement');
        assert.deepEqual(await idAndLabelProblems(mediator), [], 'ids and labels of the mediation page after the agreement');

        const pdfPath = `${mediationPath}/agreement/pdf`;
        const link = mediator.locator(`section#agreement a[href="${pdfPath}"]`);
        const [download] = await Promise.all([mediator.waitForEvent('download'), link.click()]);
        assert.equal(new URL(download.url()).pathname, pdfPath);
        assert.equal(download.suggestedFilename(), `agreement-${mediationPath.split('/').at(-1)}.pdf`);
        const file = path.join(dime.dir, download.suggestedFilename());
        await download.saveAs(file);
        assert.equal(await download.failure(), null);
        assert.equal((await readFile(file)).subarray(0, 5).toString('latin1'), '%PDF-');
        const text = await pdfText(file);
        for (const expected of [COMPLAINANT, OTHER_PARTY, APOLOGY, TRAINING, reference, fulfilBy, MEDIATOR.name]) {
          assert.ok(text.includes(expected), `the PDF holds "${expected}"; it reads:\n${text}`);
        }
        assert.ok(!text.includes(REPORT.narrative), 'the PDF is the agreement, not the case');
      });

      await step('the follow-up closes the mediation as fulfilled', async () => {
        await mediator.locator('select#outcome').selectOption('fulfilled');
        await mediationAction(mediator, `${mediationPath}/outcome`);
        assert.equal(await stage(mediator), 'Closed: Agreement fulfilled');
        assert.equal((await mediator.locator('ol.stages li[aria-current="step"]').textContent()).trim(), 'Closed');
        for (const id of ['outcome-form', 'note-form', 'party-form', 'withdrawal-form', 'mediator-form']) {
          assert.equal(await mediator.locator(`form#${id}`).count(), 0, `a closed mediation has no form#${id}`);
        }
        assert.ok((await mediator.locator('ol.timeline').textContent()).includes('Mediation closed: Agreement fulfilled'));
        await assertAccessible(mediator, 'the closed mediation page');
        assert.deepEqual(await idAndLabelProblems(mediator), [], 'ids and labels of the closed mediation page');
      });

      await step('the advisor sees the result on the case: the mediation closed and the referral decided', async () => {
        await advisor.goto(casePath);
        const listed = (await advisor.locator('ul#case-mediations li').allTextContents()).map((l) => l.trim());
        assert.deepEqual(listed,
          [`${reference}: Closed (Agreement fulfilled), agreement to be fulfilled by ${fulfilBy}`]);
        const referral = advisor.locator('section[aria-labelledby="referrals-title"] ul.referrals li')
          .filter({ has: advisor.locator(`a[href="${referralPath}"]`) });
        assert.equal(await referral.count(), 1, 'the referral is listed on the case page');
        const body = (await advisor.locator('select#body option[value="mediation_bench"]').textContent()).trim();
        assert.equal((await referral.locator('a').textContent()).trim(), body);
        assert.equal((await referral.textContent()).trim(),
          `${body}: Decided (Settled or agreement reached), ${today()}`);
        await advisor.goto(referralPath);
        assert.equal((await advisor.locator('dd#referral-status-now').textContent()).trim(),
          'Decided: Settled or agreement reached');
        await advisor.goto(casePath);
        assert.ok(!(await advisor.locator('body').textContent()).includes(APOLOGY), 'the agreement itself stays at the bench');
      });

      await step('the coordinator\'s figures count the whole way', async () => {
        await coordinator.goto('/mediations');
        const row = mediationRow(coordinator, reference);
        await row.waitFor();
        const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
        assert.equal(cells[0], 'Closed: Agreement fulfilled');
        assert.equal(cells[3], MEDIATOR.name);
        const counts = await figures(coordinator.locator('table#mediation-figures'));
        assert.equal(counts.Opened, '1');
        assert.equal(counts['Both parties consented'], '1');
        assert.equal(counts['A meeting was held'], '1');
        assert.equal(counts.Agreements, '1');
        assert.equal(counts['Agreement rate'], '100 %');
        assert.equal(counts['Fulfilment rate'], '100 %');
        await assertAccessible(coordinator, '/mediations (coordinator, with a closed mediation)');
      });
    });
});

// A bench that e-mails invitations (the meeting forms then have a box for it): the SMTP server is a port where nobody
// listens, so the invitations are queued and their sending fails, which must not stop the mediator's work.
describe('a mediation started at the bench, with e-mail invitations on', () => {
  let dime;
  let browser;
  let baseURL;

  before(async () => {
    // `dime serve` reads these from its environment (see src/cli/serve.cpp); only this server gets them.
    const saved = { smtp: process.env.DIME_SMTP_URL, from: process.env.DIME_MAIL_FROM };
    process.env.DIME_SMTP_URL = `smtp://127.0.0.1:${await freePort()}`;
    process.env.DIME_MAIL_FROM = 'bench@test.example';
    try {
      // The advisor gives the office its key pair, which every mediation's key is sealed to.
      dime = await startDime('dime-browser-mediation-mail-', OFFICE, [ADVISOR, MEDIATOR]);
    } finally {
      for (const [name, value] of [['DIME_SMTP_URL', saved.smtp], ['DIME_MAIL_FROM', saved.from]]) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    ({ browser, baseURL } = dime);
  }, { timeout: 60_000 });

  after(() => dime?.close());

  test('a mediator starts a mediation, plans a meeting with invitations, and its forms keep what was chosen',
    { timeout: 180_000 }, async (t) => {
      const context = await englishContext(browser, baseURL);
      t.after(() => context.close());
      const page = await context.newPage();
      const person = { name: 'Kari Nordmann', email: 'kari@test.example' };
      const other = { name: 'Ola Hansen', organisation: 'Hansen Bygg AS', email: 'ola@test.example' };
      const brief = 'Kari came to the bench directly: at the building site she was told that women do not carry tools.';
      let mediationPath;
      const { step, check } = stepsOf(t);

      await step('the mediator starts a mediation at /mediations/new (a form with problems first)', async () => {
        await signIn(page, MEDIATOR);
        await page.goto('/mediations');
        await Promise.all([page.waitForURL((url) => url.pathname === '/mediations/new'),
          page.locator('main a[href="/mediations/new"]').click()]);
        await assertAccessible(page, '/mediations/new');
        assert.deepEqual(await idAndLabelProblems(page), [], 'ids and labels of /mediations/new');

        await page.locator('#complainant_name').fill(person.name);
        await page.locator('#brief').fill(brief);
        const refused = await submitWith(page, page.locator('form#start button[type="submit"]'), '/mediations');
        assert.equal(refused.status(), 422);
        await page.locator('div.error-summary[role="alert"]').waitFor();
        for (const field of ['other_kind', 'other_name', 'no_conflict']) {
          await page.locator(`div.error-summary a[href="#${field}"]`).waitFor();
          assert.equal(await page.locator(`#${field}`).getAttribute('aria-invalid'), 'true', `#${field} is marked invalid`);
        }
        assert.equal(await page.locator('#complainant_name').inputValue(), person.name, 'the name is kept');
        assert.equal(await page.locator('#brief').inputValue(), brief, 'the brief is kept');
        assert.deepEqual(await summaryLinkProblems(page), [], 'the error summary leads to the fields');
        await assertAccessible(page, '/mediations/new with errors');

        await page.locator('#complainant_email').fill(person.email);
        await page.locator('#other_kind').selectOption('business');
        await page.locator('#other_name').fill(other.name);
        await page.locator('#other_organisation').fill(other.organisation);
        await page.locator('#other_email').fill(other.email);
        await page.locator('#no_conflict').check();
        const shown = page.waitForResponse((r) => r.request().method() === 'GET' && /^\/mediations\/\d+$/.test(new URL(r.url()).pathname));
        const started = await submitWith(page, page.locator('form#start button[type="submit"]'), '/mediations');
        assert.equal(started.status(), 303);
        assert.equal((await shown).status(), 200);
        mediationPath = new URL(page.url()).pathname;
        assert.match(mediationPath, /^\/mediations\/\d+$/);
        assert.match(await page.locator('h1').textContent(), /\bMB-[0-9A-HJKMNP-TV-Z]{8}$/);
        assert.equal(await page.locator('form#declaration').count(), 0, 'who starts it declared no conflict already');
        assert.equal(await stage(page), 'Referred to the bench');
        assert.equal((await page.locator('p#brief').textContent()).trim(), brief);
        assert.deepEqual(Object.keys(await parties(page)).sort(), [`${other.name}, ${other.organisation}`, person.name].sort());
      });

      await step('both parties consent and the meeting form offers to e-mail the invitation', async () => {
        for (const [name, how] of [[person.name, 'in_person'], [other.name, 'in_writing']]) {
          await page.locator('select#party').selectOption(await consentOption(page, name));
          await page.locator('#consent_on').fill(today());
          await page.locator('#consent_how').selectOption(how);
          await mediationAction(page, `${mediationPath}/consents`);
        }
        assert.equal(await stage(page), 'Both parties consent');
        await page.locator('form#meeting-form').waitFor();
        const invite = page.locator('form#meeting-form input[type="checkbox"][name="email"]');
        assert.equal(await invite.count(), 1, 'with e-mail on, the meeting form has the invitation box');
        assert.ok(await invite.isChecked(), 'the invitation box is ticked by default');
        await assertAccessible(page, 'the mediation page with the meeting form, e-mail on');
      });

      await check('a meeting form with problems keeps who takes part and whether to e-mail them', async () => {
        await page.goto(mediationPath);
        const form = page.locator('form#meeting-form');
        const otherBox = form.locator('input[type="checkbox"][name="parties"]').nth(1); // the other party's
        await form.locator('input#starts').fill('2025-01-10T10:00');
        await form.locator('input#place').fill(''); // the problem: no place
        await otherBox.uncheck();
        await form.locator('input[type="checkbox"][name="email"]').uncheck();
        await mediationAction(page, `${mediationPath}/meetings`, 422);
        await page.locator('div.error-summary a[href="#place"]').waitFor();
        assert.equal(await form.locator('input#starts').inputValue(), '2025-01-10T10:00', 'the time is kept');
        const boxes = form.locator('input[type="checkbox"][name="parties"]');
        const kept = {
          parties: await Promise.all((await boxes.all()).map((b) => b.isChecked())),
          email: await form.locator('input[type="checkbox"][name="email"]').isChecked(),
        };
        assert.deepEqual(kept, { parties: [true, false], email: false },
          'the party left out is still left out, and the invitation box still unticked');
      });

      await check('the error summary of a meeting without participants leads to the participants', async () => {
        await page.goto(mediationPath);
        const form = page.locator('form#meeting-form');
        await form.locator('input#starts').fill('2025-01-10T10:00');
        await form.locator('input#place').fill(PLACE);
        for (const box of await form.locator('input[type="checkbox"][name="parties"]').all()) await box.uncheck();
        await mediationAction(page, `${mediationPath}/meetings`, 422);
        await page.locator('p.field-error#parties-error').waitFor();
        assert.deepEqual(await summaryLinkProblems(page), []);
        await assertAccessible(page, 'the mediation page with a meeting error');
      });

      await step('the meeting is planned with e-mail invitations (which cannot be sent) and is held', async () => {
        await page.goto(mediationPath);
        const form = page.locator('form#meeting-form');
        await form.locator('input#starts').fill('2025-01-10T10:00');
        await form.locator('input#minutes').fill('60');
        await form.locator('input#place').fill(PLACE);
        assert.ok(await form.locator('input[type="checkbox"][name="email"]').isChecked());
        await mediationAction(page, `${mediationPath}/meetings`);
        assert.equal(await stage(page), 'Mediation meeting');
        const meeting = page.locator('ul.meetings > li');
        assert.equal(await meeting.count(), 1);
        assert.ok((await meeting.textContent()).replace(/\s+/g, ' ').includes('2025-01-10 10:00–11:00 (Scheduled)'));
        const held = await meeting.locator('form[action$="/held"]').getAttribute('action');
        await mediationAction(page, held);
        assert.ok((await meeting.textContent()).includes('(Held)'));
        await page.locator('form#agreement-form').waitFor();
      });

      await check('with e-mail on, every id on the mediation page is unique and every control has a label', async () => {
        await page.goto(mediationPath);
        await page.locator('form#meeting-form input[type="checkbox"][name="email"]').waitFor();
        assert.deepEqual(await idAndLabelProblems(page), []);
      });

      await check('the error summary of an agreement without any item leads to the items', async () => {
        await page.goto(mediationPath);
        await page.locator('input#fulfil_by').fill(daysFromToday(30));
        await mediationAction(page, `${mediationPath}/agreement`, 422);
        await page.locator('p.field-error#items-error').waitFor();
        assert.equal(await page.locator('input#fulfil_by').inputValue(), daysFromToday(30), 'the date is kept');
        assert.deepEqual(await summaryLinkProblems(page), []);
        await assertAccessible(page, 'the mediation page with an agreement without items');
      });
    });
});
