// Browser test of DiMe's casework: a real Chromium against a real `dime serve`. A report arrives through the JSON API;
// an advisor finds it in the queue (whose filters work without JavaScript), acknowledges, assigns and codes it,
// writes to the person, keeps an internal note and a task, refers the case to the tribunal with the person's consent
// (edits the complaint draft, downloads it as PDF, marks it sent) and closes it with an outcome; the person reads the
// office's message (and not the note) with the receipt; a coordinator sees the deadlines page, which an advisor may
// not, and reads the case in right-to-left Arabic. Every staff page is checked for WCAG 2.1 AA with axe-core.
// Run: cd tests/browser && npm install && DIME_BIN=/path/to/dime node --test casework.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  assertAccessible, pageAction, startDime, idAndLabelProblems, pdfText, queueRow, referralAction, signIn, submitWith, today,
} from './support.mjs';

const OFFICE = 'Casework Test Office';
// The advisor is added first and so creates the office's key pair; the coordinator, added after, gets a copy of the
// office key when the advisor (a holder) signs in, which the first step does.
const ADVISOR = { email: 'advisor@test.example', name: 'Test Advisor', password: 'correct horse battery staple', role: 'advisor' };
const COORDINATOR = { email: 'coordinator@test.example', name: 'Test Coordinator', password: 'another long test password',
  role: 'coordinator' };

const REPORT = {
  reporter_type: 'self',
  narrative: 'The landlord said on the phone that the flat was free, but when he saw my name he said it was taken.',
  event_date: '2025-03-14',
  municipality: 'Oslo',
  place_kind: 'housing',
  area: 'housing',
  grounds: ['ethnicity', 'religion'],
  party_kind: 'landlord',
  wishes: ['advice', 'counted'],
  contact_mode: 'none',
  consent: true,
};

const MESSAGE = 'Thank you for your report. Could you tell us the address of the flat and when you called?';
const NOTE = 'Internal: the same landlord appears in an earlier case from 2024; check it before replying.';
const TASK = 'Ask the landlord for a written statement';
// Appended to the first section of the complaint draft: Norwegian letters must survive the form, the database and the PDF.
const EDIT = 'Vitnet Bjørn Ærø så det på gården i Tromsø, og søsteren hennes hørte samtalen på høyttaler.';

/** Tomorrow as YYYY-MM-DD in UTC, the server's calendar for due dates. */
function tomorrow() {
  return new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

// ---- helpers: pages ----
// Elements are found by id, name and value, not by their (translated) texts, so that the tests do not depend on
// the translations; only English pages are also checked by their visible texts.

/** A form of the case page: see pageAction in support.mjs. */
const caseAction = pageAction;

/** The status shown at the top of the case page (with the outcome of a closed case). */
async function caseStatus(page) {
  return (await page.locator('dd#case-status').textContent()).trim();
}

/** The terms and descriptions of a description list as { term: description }, texts trimmed. */
async function descriptions(list) {
  return list.evaluate((dl) => Object.fromEntries([...dl.querySelectorAll(':scope > dt')]
    .map((dt) => [dt.textContent.trim(), dt.nextElementSibling?.textContent.trim()])));
}

/** Clicks the footer's button for `lang` and waits for the page to come back in that language. */
async function chooseLanguage(page, lang) {
  const response = await submitWith(page, page.locator(`footer button[name="lang"][value="${lang}"]`), '/language');
  assert.equal(response.status(), 303, 'the language choice redirects back');
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
}

/** Presses the queue's "Show cases" button (a GET form) and waits for the filtered queue. */
async function showCases(page) {
  const response = await submitWith(page, page.locator('form[action="/cases"][role="search"] button[type="submit"]'),
    '/cases', 'GET');
  assert.equal(response.status(), 200);
  await page.locator('#count').waitFor();
}

// ---- the tests ----

describe('casework in a real browser', () => {
  let dime; // startDime: dir, baseURL, browser
  let browser;
  let baseURL;

  before(async () => {
    dime = await startDime('dime-browser-casework-', OFFICE, [ADVISOR, COORDINATOR]); // in this order: see ADVISOR and COORDINATOR
    ({ browser, baseURL } = dime);
  }, { timeout: 60_000 }); // a cap for a server that never says "listening", not a wait

  after(() => dime?.close());

  test('a report is worked on from the queue to its close; the person, a coordinator and Arabic see their part',
    { timeout: 180_000 }, async (t) => {
      const advisorContext = await browser.newContext({ baseURL, locale: 'en', extraHTTPHeaders: { 'Accept-Language': 'en' } });
      t.after(() => advisorContext.close());
      const page = await advisorContext.newPage();
      let sent; // { receipt, reference } of the report
      let caseId;
      let casePath;
      // The steps build on each other: after a failure the rest are skipped rather than failing with time-outs.
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

      await step('a report arrives; the queue shows it as new and its filters work without JavaScript', async () => {
        const answer = await fetch(`${baseURL}/api/v1/reports`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(REPORT),
        });
        assert.equal(answer.status, 201, `POST /api/v1/reports: ${answer.status}`);
        sent = await answer.json();
        assert.match(sent.receipt, /^\d{16}$/, 'the API gives the receipt as 16 digits');
        assert.ok(sent.reference, 'the answer holds the case reference');

        await signIn(page, ADVISOR);
        const shown = await page.goto('/cases');
        assert.equal(shown.status(), 200);
        const row = queueRow(page, sent.reference);
        await row.waitFor();
        await row.locator('span.tag.new').waitFor();
        await assertAccessible(page, '/cases');

        // The filters are a plain GET form: try them in a context without JavaScript.
        const noScript = await browser.newContext({ baseURL, locale: 'en', javaScriptEnabled: false,
          extraHTTPHeaders: { 'Accept-Language': 'en' } });
        try {
          const plain = await noScript.newPage();
          await signIn(plain, ADVISOR);
          await plain.goto('/cases');
          await plain.locator('form[role="search"] #status').selectOption('received');
          await showCases(plain);
          const url = new URL(plain.url());
          assert.equal(url.pathname, '/cases');
          assert.equal(url.searchParams.get('status'), 'received');
          await queueRow(plain, sent.reference).waitFor();
          assert.equal(await plain.locator('form[role="search"] #status').inputValue(), 'received', 'the filter is kept');

          await plain.locator('form[role="search"] #ground').selectOption('disability');
          await showCases(plain);
          assert.equal(new URL(plain.url()).searchParams.get('ground'), 'disability');
          assert.equal(await queueRow(plain, sent.reference).count(), 0, 'a case without that ground is filtered out');
          assert.equal(await plain.locator('form[role="search"] #ground').inputValue(), 'disability');
          assert.equal(await plain.locator('form[role="search"] #status').inputValue(), 'received');
        } finally {
          await noScript.close();
        }
      });

      await step('the advisor opens the case from the queue and reads the narrative', async () => {
        await page.goto('/cases');
        await Promise.all([
          page.waitForURL(/\/cases\/\d+$/),
          queueRow(page, sent.reference).getByRole('link', { name: sent.reference, exact: true }).click(),
        ]);
        casePath = new URL(page.url()).pathname;
        caseId = casePath.split('/').at(-1);
        assert.ok((await page.locator('h1').textContent()).includes(sent.reference), 'the heading names the case');
        assert.equal((await page.locator('#narrative').textContent()).trim(), REPORT.narrative);
        await assertAccessible(page, 'the case page');
      });

      await step('the advisor acknowledges, assigns to themselves and codes the case (with a wrong date first)', async () => {
        await caseAction(page, `${casePath}/acknowledge`);
        assert.equal(await page.locator(`form[action="${casePath}/acknowledge"]`).count(), 0, 'acknowledged only once');
        // Only the start: the exact text (no ": " after it) is checked by the to-do test below.
        assert.match(await caseStatus(page), /^In assessment\b/);
        // The acknowledgement is a message to the person.
        assert.equal(await page.locator('ol#messages li.from-office').count(), 1);

        await page.locator('select#assignee').selectOption({ label: ADVISOR.name });
        await caseAction(page, `${casePath}/assign`);
        assert.equal((await page.locator('select#assignee option:checked').textContent()).trim(), ADVISOR.name);

        const coding = `${casePath}/coding`;
        await page.locator('#ground-ethnicity').check();
        await page.locator('#form-harassment').check();
        await page.locator('#area').selectOption('housing');
        await page.locator('#event_earliest').fill('14.03.2025');
        await caseAction(page, coding, 422);
        await page.locator('div.error-summary a[href="#event_earliest"]').waitFor();
        await page.locator('p.field-error#event_earliest-error').waitFor();
        const date = page.locator('#event_earliest');
        assert.equal(await date.inputValue(), '14.03.2025', 'the typed date is kept');
        assert.equal(await date.getAttribute('aria-invalid'), 'true');
        assert.match(await date.getAttribute('aria-describedby'), /\bevent_earliest-error\b/);
        await assertAccessible(page, 'the case page with a coding error');

        // Choose again what the error page lost (see the to-do test below); check() leaves a checked box as it is.
        await page.locator('#ground-ethnicity').check();
        await page.locator('#form-harassment').check();
        await page.locator('#area').selectOption('housing');
        await date.fill('2025-03-14');
        await caseAction(page, coding);
        assert.equal(await page.locator('div.error-summary').count(), 0, 'the error is gone');
        assert.ok(await page.locator('#ground-ethnicity').isChecked());
        assert.ok(await page.locator('#form-harassment').isChecked());
        assert.equal(await page.locator('#area').inputValue(), 'housing');
        assert.equal(await date.inputValue(), '2025-03-14');
        const basis = page.locator('section[aria-labelledby="coding-title"] h3 + ul li');
        await basis.first().waitFor();
        assert.ok((await page.locator('section[aria-labelledby="coding-title"] h3').textContent()).includes('Legal basis'));
      });

      await step('the advisor writes to the person, keeps an internal note and does a task', async () => {
        await page.locator('#message').fill(MESSAGE);
        await caseAction(page, `${casePath}/messages`);
        await page.locator('ol#messages li.from-office p.body', { hasText: MESSAGE }).waitFor();
        assert.equal(await page.locator('#message').inputValue(), '', 'the message box is empty again');

        await page.locator('#note').fill(NOTE);
        await caseAction(page, `${casePath}/notes`);
        await page.locator('ol#notes li p.body', { hasText: NOTE }).waitFor();

        const due = tomorrow();
        await page.locator('#title').fill(TASK);
        await page.locator('#due_on').fill(due);
        await caseAction(page, `${casePath}/tasks`);
        const task = page.locator('ul#tasks li', { hasText: TASK });
        await task.waitFor();
        assert.ok((await task.textContent()).includes(due), 'the task shows its due date');
        const done = task.locator(`form[action^="${casePath}/tasks/"][action$="/done"]`);
        await caseAction(page, await done.getAttribute('action'));
        await page.locator('ul#tasks li.done', { hasText: TASK }).waitFor();
        assert.equal(await page.locator('ul#tasks li', { hasText: TASK }).locator('form').count(), 0, 'a done task has no button');
      });

      await step('the person, without JavaScript, reads the office\'s message with the receipt, but not the note', async () => {
        const person = await browser.newContext({ baseURL, locale: 'en', javaScriptEnabled: false,
          extraHTTPHeaders: { 'Accept-Language': 'en' } });
        try {
          const their = await person.newPage();
          await their.goto('/follow-up');
          await their.locator('#receipt').fill(sent.receipt);
          const opened = await submitWith(their, their.locator('form[action="/follow-up"] button[name="action"][value="view"]'),
            '/follow-up');
          assert.equal(opened.status(), 200);
          assert.equal((await their.locator('dl.summary dd').first().textContent()).trim(), sent.reference);
          await their.locator('ol.messages li.from-office p.body', { hasText: MESSAGE }).waitFor();
          const everything = await their.locator('body').textContent();
          assert.ok(!everything.includes(NOTE), 'the internal note is not shown to the person');
          assert.ok(!everything.includes(TASK), 'the task is not shown to the person');
          assert.ok(!everything.includes(ADVISOR.name), 'the advisor\'s name is not shown to the person');
        } finally {
          await person.close();
        }
      });

      let referralPath;
      let editedWhatHappened;
      await step('the advisor prepares a referral to the tribunal, which needs the person\'s consent', async () => {
        await page.goto(casePath);
        const referrals = `${casePath}/referrals`;
        assert.equal(await page.locator(`form#referral-form[action="${referrals}"]`).count(), 1);
        assert.equal(await page.locator('section[aria-labelledby="referrals-title"] ul.referrals').count(), 0,
          'no referrals yet');
        await page.locator('select#consent_how').selectOption('');
        await page.locator('input#consent_on').fill('');
        await caseAction(page, referrals, 422);
        for (const field of ['consent_how', 'consent_on']) {
          await page.locator(`div.error-summary a[href="#${field}"]`).waitFor();
          await page.locator(`#referral-form p.field-error#${field}-error`).waitFor();
          const control = page.locator(`#${field}`);
          assert.equal(await control.getAttribute('aria-invalid'), 'true', `#${field} is marked invalid`);
          assert.match(await control.getAttribute('aria-describedby'), new RegExp(`\\b${field}-error\\b`));
        }
        assert.equal(await page.locator('p.field-error#body-error').count(), 0, 'the body was fine');
        await assertAccessible(page, 'the case page with a referral error');

        await page.locator('select#body').selectOption('diskrimineringsnemnda');
        await page.locator('select#consent_how').selectOption('in_writing');
        await page.locator('input#consent_on').fill(today());
        referralPath = await referralAction(page, referrals);
        assert.ok(referralPath.startsWith(`${referrals}/`), 'the referral belongs to the case');
      });

      await step('the advisor edits the complaint draft, with Norwegian letters, and it is kept', async () => {
        const keys = ['what_happened', 'prohibition', 'timeline', 'place', 'people', 'power_of_attorney', 'documents'];
        for (const key of keys) {
          await page.locator(`form[action="${referralPath}/draft"] textarea#section_${key}`).waitFor();
        }
        const whatHappened = page.locator('textarea#section_what_happened');
        const drafted = await whatHappened.inputValue();
        assert.ok(drafted.includes(REPORT.narrative), 'the draft starts from the report\'s narrative');
        await assertAccessible(page, 'the referral page');
        assert.deepEqual(await idAndLabelProblems(page), [], 'ids and labels of the referral page');

        editedWhatHappened = `${drafted.trimEnd()}\n\n${EDIT}`;
        await whatHappened.fill(editedWhatHappened);
        assert.equal(await referralAction(page, `${referralPath}/draft`), referralPath);
        assert.equal(await whatHappened.inputValue(), editedWhatHappened, 'the edited text is kept');
        assert.ok((await whatHappened.inputValue()).includes(EDIT));
      });

      await step('the advisor downloads the document as PDF, with the edit and the case reference', async () => {
        const pdfPath = `${referralPath}/pdf`;
        const link = page.locator('a#pdf');
        assert.equal(await link.getAttribute('href'), pdfPath);
        // A download fires no "response" event: the file itself shows what the server sent.
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        assert.equal(new URL(download.url()).pathname, pdfPath);
        assert.equal(download.suggestedFilename(), `referral-${referralPath.split('/').at(-1)}.pdf`);
        const file = path.join(dime.dir, download.suggestedFilename());
        await download.saveAs(file);
        assert.equal(await download.failure(), null);
        assert.equal((await readFile(file)).subarray(0, 5).toString('latin1'), '%PDF-');
        const text = await pdfText(file);
        assert.ok(text.includes(EDIT), `the PDF holds the edited sentence with æøå; it reads:\n${text}`);
        assert.ok(text.includes(sent.reference), 'the PDF names the case');
      });

      await step('the advisor marks the referral sent: the document is final and the case is referred', async () => {
        await page.locator('select#referral_status').selectOption('sent');
        assert.equal(await referralAction(page, `${referralPath}/status`), referralPath);
        assert.equal((await page.locator('dd#referral-status-now').textContent()).trim(), 'Sent');
        assert.equal(await page.locator(`form[action="${referralPath}/draft"]`).count(), 0, 'a sent document is final');
        await page.locator('#document p.narrative', { hasText: EDIT }).waitFor();

        await Promise.all([page.waitForURL((url) => url.pathname === casePath),
          page.locator(`main a[href="${casePath}"]`).first().click()]);
        assert.equal(await caseStatus(page), 'Referred');
        const body = (await page.locator('select#body option[value="diskrimineringsnemnda"]').textContent()).trim();
        const listed = page.locator('section[aria-labelledby="referrals-title"] ul.referrals li')
          .filter({ has: page.locator(`a[href="${referralPath}"]`) });
        assert.equal(await listed.count(), 1, 'the referral is listed on the case page');
        assert.equal((await listed.locator('a').textContent()).trim(), body);
        assert.match((await listed.textContent()).trim(), new RegExp(`: Sent, ${today()}$`));
      });

      await step('the advisor gives advice and closes the case, which needs an outcome', async () => {
        await page.goto(casePath);
        // From "referred" (see the step before) a case can still move on to "advice given".
        await page.locator('select#status').selectOption('advice_given');
        await caseAction(page, `${casePath}/status`);
        assert.match(await caseStatus(page), /^Advice given\b/);

        await page.locator('select#status').selectOption('closed');
        await page.locator('select#outcome').selectOption('');
        await caseAction(page, `${casePath}/status`, 422);
        await page.locator('div.error-summary a[href="#outcome"]').waitFor();
        await page.locator('p.field-error#outcome-error').waitFor();
        assert.equal(await page.locator('select#outcome').getAttribute('aria-invalid'), 'true');
        assert.match(await caseStatus(page), /^Advice given\b/, 'the case is still open');
        await assertAccessible(page, 'the case page with a status error');

        await page.locator('select#status').selectOption('closed');
        await page.locator('select#outcome').selectOption('advice');
        await caseAction(page, `${casePath}/status`);
        assert.equal(await caseStatus(page), 'Closed: Advice, information or support');
      });

      await step('the coordinator sees the deadlines page; the advisor may not', async () => {
        const coordinator = await browser.newContext({ baseURL, locale: 'en', extraHTTPHeaders: { 'Accept-Language': 'en' } });
        t.after(() => coordinator.close());
        const theirs = await coordinator.newPage();
        await signIn(theirs, COORDINATOR);
        const shown = await theirs.goto('/deadlines');
        assert.equal(shown.status(), 200);
        await theirs.locator('#count').waitFor();
        await assertAccessible(theirs, '/deadlines');

        const refused = await page.goto('/deadlines');
        assert.equal(refused.status(), 403, 'an advisor is not a coordinator');
      });

      await step('the coordinator reads the case in Arabic, right to left', async () => {
        const coordinator = await browser.newContext({ baseURL, locale: 'en', extraHTTPHeaders: { 'Accept-Language': 'en' } });
        t.after(() => coordinator.close());
        const theirs = await coordinator.newPage();
        await signIn(theirs, COORDINATOR);
        const shown = await theirs.goto(casePath);
        assert.equal(shown.status(), 200, 'the coordinator got a copy of the office key');
        assert.equal((await theirs.locator('#narrative').textContent()).trim(), REPORT.narrative);
        await chooseLanguage(theirs, 'ar');
        assert.equal(new URL(theirs.url()).pathname, casePath, 'the language choice returns to the case');
        assert.equal(await theirs.locator('html').getAttribute('dir'), 'rtl');
        assert.equal(await theirs.locator(`html[dir="rtl"] footer button[name="lang"][value="ar"]`).getAttribute('aria-current'), 'true');
        assert.equal((await theirs.locator('#narrative').textContent()).trim(), REPORT.narrative);
        await assertAccessible(theirs, `the case page ${caseId} in Arabic`);
      });
    });

  // Empty values leave no traces on the pages, ids are unique, and a form with problems keeps every choice.
  test('the queue and case page of a new, anonymous, unassigned case', { timeout: 120_000 }, async (t) => {
    const answer = await fetch(`${baseURL}/api/v1/reports`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...REPORT, narrative: 'A second report, which nobody works on.' }),
    });
    assert.equal(answer.status, 201);
    const { reference } = await answer.json();
    const context = await browser.newContext({ baseURL, locale: 'en', extraHTTPHeaders: { 'Accept-Language': 'en' } });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, ADVISOR);
    await page.goto('/cases');
    const row = queueRow(page, reference);
    await row.waitFor();

    await t.test('the queue says "Nobody yet" for an unassigned case', async () => {
      const cells = await row.locator('td').allTextContents(); // status, received, grounds, area, assigned to, deadlines
      assert.equal(cells[4].trim(), 'Nobody yet');
    });

    await Promise.all([page.waitForURL(/\/cases\/\d+$/), row.getByRole('link', { name: reference, exact: true }).click()]);
    const casePath = new URL(page.url()).pathname;

    await t.test('the case page shows no leftovers of empty values', async () => {
      assert.equal(await caseStatus(page), 'Received', 'no ": " after the status of a case without an outcome');
      const top = await descriptions(page.locator('main > dl.summary'));
      assert.equal(top['Assigned to'], 'Nobody yet');
      const reported = await descriptions(page.locator('section[aria-labelledby="report-title"] dl.summary'));
      assert.equal(reported['Who reported'], 'It happened to me', 'no "()" without an answer about consent');
      assert.equal(reported['Who did it'], 'A landlord or housing company', 'no ":" without a name');
      for (const term of ['Name', 'E-mail', 'Phone']) {
        assert.ok(!(term in reported), `no empty "${term}" row for an anonymous report`);
      }
    });

    await t.test('every id on the case page is unique and every form control has a label', async () => {
      assert.deepEqual(await idAndLabelProblems(page), []);
    });

    await t.test('a coding error keeps the grounds, forms and area that were chosen', async () => {
      await page.locator('#ground-disability').check();
      await page.locator('#form-direct_discrimination').check();
      await page.locator('#area').selectOption('housing');
      await page.locator('#event_earliest').fill('31.02.2025');
      await caseAction(page, `${casePath}/coding`, 422);
      assert.equal(await page.locator('#event_earliest').inputValue(), '31.02.2025');
      assert.ok(await page.locator('#ground-disability').isChecked(), 'the ground is still ticked');
      assert.ok(await page.locator('#form-direct_discrimination').isChecked(), 'the form is still ticked');
      assert.equal(await page.locator('#area').inputValue(), 'housing', 'the area is still chosen');
    });

    await t.test('a referral error keeps the body and the way of consent that were chosen', async () => {
      await page.locator('select#body').selectOption('diskrimineringsnemnda');
      await page.locator('select#consent_how').selectOption('in_writing');
      await page.locator('input#consent_on').fill('14.03.2025');
      await caseAction(page, `${casePath}/referrals`, 422);
      await page.locator('p.field-error#consent_on-error').waitFor();
      assert.equal(await page.locator('input#consent_on').inputValue(), '14.03.2025', 'the typed day is kept');
      assert.equal(await page.locator('select#consent_how').inputValue(), 'in_writing', 'the way of consent is kept');
      assert.equal(await page.locator('select#body').inputValue(), 'diskrimineringsnemnda', 'the body is kept');
    });
  });
});
