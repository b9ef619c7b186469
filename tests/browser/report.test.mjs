// Browser test of DiMe's public side: a real Chromium against a real `dime serve` sends reports through the
// five-step form (without JavaScript, in right-to-left Arabic, in Norwegian; anonymously, on someone's behalf,
// as a union representative), follows them up with the receipt, and checks every page for WCAG 2.1 AA with axe-core.
// Run: cd tests/browser && npm install && DIME_BIN=/path/to/dime node --test report.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAccessible, startDime,
} from './support.mjs';

const OFFICE = 'Report Test Office';
// Creating the first advisor also creates the office's key pair, so that the office can receive reports.
const ADVISOR = { email: 'advisor@test.example', name: 'Test Advisor', password: 'correct horse battery staple' };

const RECEIPT_FORMAT = /^\d{4} \d{4} \d{4} \d{4}$/;
const WRONG_RECEIPT = '1111 2222 3333 4444';

/** A small but well-formed PDF (libmagic must recognise it as application/pdf, or the server refuses it). */
function minimalPdf() {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << >> >>',
    '<< /Length 0 >>\nstream\n\nendstream',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

// ---- helpers: pages ----
// Elements are found by id, name and value, not by their (translated) texts, so that the tests do not depend on
// the translations; only English pages are also checked by their visible texts.

/**
 * Clicks a submit button the way a person does and waits until the server has answered the POST to `pathname`
 * and the page it answered with (after any redirect) has loaded; resolves to the POST's response.
 */
async function submitWith(page, button, pathname) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === pathname),
    page.waitForEvent('load'),
    button.click(),
  ]);
  return response;
}

/** Presses one of the report form's buttons (action "next", "back" or "send") and checks the answer's status. */
async function reportAction(page, action, expectedStatus) {
  const response = await submitWith(page, page.locator(`form[action="/report"] button[name="action"][value="${action}"]`), '/report');
  assert.equal(response.status(), expectedStatus, `POST /report (${action}) answered ${response.status()}`);
  return response;
}

/** The step the report form is on, from its hidden "step" input. */
async function currentStep(page) {
  return Number(await page.locator('form[action="/report"] input[type="hidden"][name="step"]').inputValue());
}

/** Presses Continue and checks that the form moved on to step `next`. */
async function continueTo(page, next) {
  await reportAction(page, 'next', 200);
  assert.equal(await currentStep(page), next, `Continue should lead to step ${next}`);
}

async function assertLanguage(page, lang, dir, label) {
  const html = page.locator('html');
  assert.equal(await html.getAttribute('lang'), lang, `html[lang] on ${label}`);
  assert.equal(await html.getAttribute('dir'), dir, `html[dir] on ${label}`);
}

/** Clicks the footer's button for `lang` and waits for the page to come back in that language. */
async function chooseLanguage(page, lang) {
  const response = await submitWith(page, page.locator(`footer button[name="lang"][value="${lang}"]`), '/language');
  assert.equal(response.status(), 303, 'the language choice redirects back');
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
}

// The five steps. `r` is a report: { reporterType, affectedConsent, narrative, eventDate, eventPeriod, municipality,
// placeKind, area, grounds, partyKind, partyName, witnesses, wishes, contactMode, name, email, phone, notifyEmail }.

async function fillStep1(page, r) {
  await page.locator(`#reporter_type-${r.reporterType}`).check();
  if (r.affectedConsent) await page.locator(`#affected_consent-${r.affectedConsent}`).check();
}

async function fillStep2(page, r, { narrative = true } = {}) {
  if (narrative) await page.locator('#narrative').fill(r.narrative);
  if (r.eventDate) await page.locator('#event_date').fill(r.eventDate);
  if (r.eventPeriod) await page.locator('#event_period').fill(r.eventPeriod);
  if (r.municipality) await page.locator('#municipality').fill(r.municipality);
  await page.locator('#place_kind').selectOption(r.placeKind);
  await page.locator('#area').selectOption(r.area);
}

async function fillStep3(page, r) {
  for (const code of r.grounds) await page.locator(`#grounds-${code}`).check();
  await page.locator('#party_kind').selectOption(r.partyKind);
  if (r.partyName) await page.locator('#party_name').fill(r.partyName);
  if (r.witnesses) await page.locator('#witnesses').fill(r.witnesses);
}

async function fillStep4(page, r) {
  for (const code of r.wishes) await page.locator(`#wishes-${code}`).check();
  await page.locator(`#contact_mode-${r.contactMode}`).check();
  if (r.name) await page.locator('#name').fill(r.name);
  if (r.email) await page.locator('#email').fill(r.email);
  if (r.phone) await page.locator('#phone').fill(r.phone);
  if (r.notifyEmail) await page.locator('#notify_email').fill(r.notifyEmail);
  await page.locator('#consent').check();
}

/**
 * Sends report `r` from GET /report through all five steps; `onPage(label)` runs on every page shown (to check the
 * language or accessibility). Resolves to the receipt page's { receipt, reference }.
 */
async function sendReport(page, r, onPage = async () => {}) {
  const fill = [fillStep1, fillStep2, fillStep3, fillStep4];
  await page.goto('/report');
  for (let step = 1; step <= 5; ++step) {
    assert.equal(await currentStep(page), step);
    await onPage(`report step ${step}`);
    if (step < 5) {
      await fill[step - 1](page, r);
      await continueTo(page, step + 1);
    }
  }
  assert.equal((await page.locator('form[action="/report"] p.narrative').textContent()).trim(), r.narrative,
    'step 5 shows the narrative to check before sending');
  await reportAction(page, 'send', 201);
  await onPage('the receipt page');
  return readReceipt(page);
}

/** The receipt and case reference from the receipt page. */
async function readReceipt(page) {
  const receipt = (await page.locator('#receipt').textContent()).trim();
  assert.match(receipt, RECEIPT_FORMAT);
  const reference = (await page.locator('main strong.secret').textContent()).trim();
  assert.ok(reference.length > 0, 'the receipt page shows the case reference');
  return { receipt, reference };
}

/** Opens /follow-up, enters `receipt` and presses the button; resolves to the POST's response. */
async function followUp(page, receipt) {
  await page.goto('/follow-up');
  await page.locator('#receipt').fill(receipt);
  return submitWith(page, page.locator('form[action="/follow-up"] button[name="action"][value="view"]'), '/follow-up');
}

/** Opens the report with its receipt and checks the report page: case reference and status. */
async function openReport(page, { receipt, reference }) {
  const response = await followUp(page, receipt);
  assert.equal(response.status(), 200, 'the right receipt opens the report');
  await page.locator('#status').waitFor();
  assert.ok((await page.locator('#status').textContent()).trim().length > 0, 'the report page shows a status');
  assert.equal((await page.locator('dl.summary dd').first().textContent()).trim(), reference,
    'the report page shows the case reference of the receipt page');
  await page.locator('form[action="/follow-up"] #message').waitFor();
}

/** Writes a message on the follow-up report page and checks that it is listed as the reporter's. */
async function sendMessage(page, text) {
  await page.locator('#message').fill(text);
  const response = await submitWith(page, page.locator('form[action="/follow-up"] button[name="action"][value="send"]'), '/follow-up');
  assert.equal(response.status(), 200, 'the message is accepted');
  await page.locator('main p.notice[role="status"]').waitFor();
  await page.locator('ol.messages li.from-you p.body', { hasText: text }).waitFor();
  assert.equal(await page.locator('#message').inputValue(), '', 'the message box is empty again');
}

// ---- the reports ----

const ANONYMOUS = {
  reporterType: 'self',
  narrative: 'The guard at the shopping centre followed only me and my friend and asked us to leave.\n'
    + 'He said "people like you steal".',
  eventDate: '2025-03-14',
  municipality: 'Oslo',
  placeKind: 'shop',
  area: 'goods_and_services',
  grounds: ['ethnicity', 'religion'],
  partyKind: 'business',
  partyName: 'Storsenter AS',
  witnesses: 'My friend saw it.',
  wishes: ['counted', 'advice'],
  contactMode: 'none',
};

const ON_BEHALF_IN_ARABIC = {
  reporterType: 'witness',
  affectedConsent: 'yes',
  narrative: 'رفض المالك تأجير الشقة لي بسبب أصلي',
  eventPeriod: 'ربيع 2025',
  municipality: 'Bergen',
  placeKind: 'housing',
  area: 'housing',
  grounds: ['ethnicity'],
  partyKind: 'landlord',
  wishes: ['advice', 'complaint'],
  contactMode: 'email',
  name: 'سارة أحمد',
  email: 'sara@test.example',
};

const UNION_IN_NORWEGIAN = {
  reporterType: 'union_representative',
  affectedConsent: 'unknown',
  narrative: 'Medlemmet vårt fikk ikke fast stilling etter at hun fortalte at hun er gravid og muslim.',
  eventDate: '2025-01-20',
  municipality: 'Trondheim',
  placeKind: 'workplace',
  area: 'working_life',
  grounds: ['pregnancy', 'union_membership', 'dont_know'],
  partyKind: 'employer',
  wishes: ['mediation', 'complaint'],
  contactMode: 'phone',
  phone: '+47 912 34 567',
};

// For the accessibility test: an English and an Arabic report, so that every page is seen in both directions.
const FOR_AXE = { ...ANONYMOUS, narrative: 'A taxi driver refused to take me because of my wheelchair.', grounds: ['disability'],
  placeKind: 'transport', area: 'public_services', partyKind: 'private_person', partyName: '', witnesses: '' };
const FOR_AXE_IN_ARABIC = { ...ON_BEHALF_IN_ARABIC, narrative: 'قال لي المدير إنني لا أناسب الفريق بسبب الحجاب.',
  placeKind: 'workplace', area: 'working_life', grounds: ['religion'], partyKind: 'employer' };

// ---- the tests ----

describe('reporting and following up in a real browser', () => {
  let dime;
  let browser;
  let baseURL;

  before(async () => {
    dime = await startDime('dime-browser-report-', OFFICE, [ADVISOR]);
    ({ browser, baseURL } = dime);
  }, { timeout: 60_000 }); // a cap for a server that never says "listening", not a wait

  after(() => dime?.close());

  test('without JavaScript, an anonymous report with a PDF is sent, corrected after an error, and followed up', { timeout: 120_000 }, async (t) => {
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false, locale: 'en',
      extraHTTPHeaders: { 'Accept-Language': 'en' } });
    t.after(() => context.close());
    const page = await context.newPage();
    const r = ANONYMOUS;

    // The start page leads to the form.
    await page.goto('/');
    await Promise.all([page.waitForURL('**/report'), page.locator('main a[href="/report"]').click()]);
    await page.getByRole('heading', { level: 1, name: 'Report discrimination' }).waitFor();
    await page.getByText('Step 1 of 5').waitFor();
    assert.equal(await currentStep(page), 1);

    await fillStep1(page, r);
    await continueTo(page, 2);
    await page.getByText('Step 2 of 5').waitFor();

    // Step 2 without the narrative: a 422 with an error summary that links to the field; the rest is kept.
    await fillStep2(page, r, { narrative: false });
    await reportAction(page, 'next', 422);
    assert.equal(await currentStep(page), 2, 'the form stays on step 2');
    const summary = page.locator('div.error-summary[role="alert"]');
    await summary.waitFor();
    assert.equal(await summary.locator('a').count(), 1, 'only the narrative is wrong');
    const link = summary.locator('a[href="#narrative"]');
    assert.equal((await link.textContent()).trim(), 'Tell us in your own words what happened.');
    await page.locator('p.field-error#narrative-error').waitFor();
    assert.equal(await page.locator('#narrative').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#narrative').getAttribute('aria-describedby'), /\bnarrative-error\b/);
    assert.equal(await page.locator('#event_date').inputValue(), r.eventDate);
    assert.equal(await page.locator('#municipality').inputValue(), r.municipality);
    assert.equal(await page.locator('#place_kind').inputValue(), r.placeKind);
    assert.equal(await page.locator('#area').inputValue(), r.area);
    await link.click(); // a plain link to the field: works without JavaScript
    await page.waitForURL('**/report#narrative');

    await page.locator('#narrative').fill(r.narrative);
    await continueTo(page, 3);
    assert.equal(await page.locator('div.error-summary').count(), 0, 'the error is gone');

    // Back keeps what was written, forward again.
    await reportAction(page, 'back', 200);
    assert.equal(await currentStep(page), 2);
    assert.equal(await page.locator('#narrative').inputValue(), r.narrative, 'Back keeps the narrative (incl. its line break)');
    assert.equal(await page.locator('#event_date').inputValue(), r.eventDate);
    await continueTo(page, 3);

    await fillStep3(page, r);
    await continueTo(page, 4);
    await fillStep4(page, r);
    await continueTo(page, 5);

    // Step 5: the summary, then a real PDF as evidence.
    await page.getByRole('heading', { level: 2, name: 'Check and send' }).waitFor();
    const facts = await page.locator('dl.summary').textContent();
    for (const text of ['Report Test Office', 'It happened to me', r.eventDate, 'Ethnicity', 'Religion', 'Advice about my rights',
      'Do not contact me. I will follow up with my receipt.']) {
      assert.ok(facts.includes(text), `the summary on step 5 shows ${JSON.stringify(text)}`);
    }
    assert.equal((await page.locator('p.narrative').textContent()).trim(), r.narrative);
    await page.locator('#files').setInputFiles({ name: 'letter.pdf', mimeType: 'application/pdf', buffer: minimalPdf() });
    await reportAction(page, 'send', 201);
    await page.getByRole('heading', { level: 1, name: 'Thank you. Your report has been sent.' }).waitFor();
    const sent = await readReceipt(page);

    // Follow up: the report, its status and the file; then a message.
    await Promise.all([page.waitForURL('**/follow-up'), page.locator('main a[href="/follow-up"]').click()]);
    await page.locator('#receipt').fill(sent.receipt);
    const opened = await submitWith(page, page.getByRole('button', { name: 'Open my report' }), '/follow-up');
    assert.equal(opened.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Your report' }).waitFor();
    assert.equal((await page.locator('#status').textContent()).trim(), 'Received: not read yet');
    assert.equal((await page.locator('dl.summary dd').first().textContent()).trim(), sent.reference);
    await page.getByText('No messages yet. An advisor will answer here.').waitFor();
    await page.locator('main li', { hasText: 'letter.pdf' }).waitFor();
    assert.equal((await page.locator('details p.narrative').textContent()).trim(), r.narrative);
    await sendMessage(page, 'I found the name of the guard: he is called Per. I can send a photo of the receipt too.');
    await page.getByText('Your message has been sent to the office.').waitFor();
    assert.equal(await page.locator('ol.messages li').count(), 1);
  });

  test('in Arabic (right to left), a witness reports with e-mail contact and sees the Arabic narrative again', { timeout: 120_000 }, async (t) => {
    const context = await browser.newContext({ baseURL, locale: 'en', extraHTTPHeaders: { 'Accept-Language': 'en' } });
    t.after(() => context.close());
    const page = await context.newPage();
    const r = ON_BEHALF_IN_ARABIC;

    await page.goto('/report');
    await assertLanguage(page, 'en', 'ltr', 'the report form before choosing');
    await chooseLanguage(page, 'ar');
    assert.equal(new URL(page.url()).pathname, '/report', 'the language choice returns to the form');
    await assertLanguage(page, 'ar', 'rtl', 'report step 1');
    assert.equal(await page.locator('footer button[name="lang"][value="ar"]').getAttribute('aria-current'), 'true');

    const sent = await sendReport(page, r, (label) => assertLanguage(page, 'ar', 'rtl', label));
    // The receipt stays readable left to right inside the right-to-left page.
    assert.equal(await page.locator('#receipt').getAttribute('dir'), 'ltr');

    await openReport(page, sent);
    await assertLanguage(page, 'ar', 'rtl', 'the follow-up report page');
    const reported = page.locator('main details');
    assert.equal(await reported.getAttribute('open'), null, '"What you reported" starts closed');
    await reported.locator('summary').click();
    await reported.locator('p.narrative').waitFor({ state: 'visible' });
    assert.equal((await reported.locator('p.narrative').textContent()).trim(), r.narrative);
    assert.ok((await page.locator('main').textContent()).includes(r.narrative));
    await sendMessage(page, 'هل يمكنكم مساعدتي في تقديم شكوى؟');
    await assertLanguage(page, 'ar', 'rtl', 'the follow-up report page after a message');
  });

  test('in Norwegian, a union representative reports with phone contact; a wrong receipt is refused', { timeout: 120_000 }, async (t) => {
    const context = await browser.newContext({ baseURL, locale: 'nb-NO', extraHTTPHeaders: { 'Accept-Language': 'nb-NO,nb;q=0.9' } });
    t.after(() => context.close());
    const page = await context.newPage();
    const r = UNION_IN_NORWEGIAN;

    const sent = await sendReport(page, r, async (label) => {
      await assertLanguage(page, 'nb', 'ltr', label);
      if (label === 'report step 5') {
        for (const code of ['pregnancy', 'union_membership', 'dont_know']) {
          // The chosen grounds travel as hidden fields to the last step.
          await page.locator(`form[action="/report"] input[type="hidden"][name="grounds"][value="${code}"]`).waitFor({ state: 'attached' });
        }
        assert.equal(await page.locator('form[action="/report"] input[type="hidden"][name="phone"]').inputValue(), r.phone);
        assert.equal(await page.locator('dl.summary .tag').count(), 3 + 2, 'three grounds and two wishes in the summary');
      }
    });

    // A wrong receipt: 422, an error summary linking to the field, nothing of any report shown.
    const refused = await followUp(page, WRONG_RECEIPT);
    assert.equal(refused.status(), 422, 'a wrong receipt is refused');
    await assertLanguage(page, 'nb', 'ltr', 'the follow-up page with an error');
    await page.locator('div.error-summary[role="alert"] a[href="#receipt"]').waitFor();
    await page.locator('p.field-error#receipt-error').waitFor();
    assert.equal(await page.locator('#receipt').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#status').count(), 0, 'no report is shown');

    // The right one works.
    await openReport(page, sent);
    await assertLanguage(page, 'nb', 'ltr', 'the follow-up report page');
    assert.equal((await page.locator('details p.narrative').textContent()).trim(), r.narrative);
  });

  test('every page of reporting and following up has no WCAG 2.1 AA violations, in English and in Arabic', { timeout: 240_000 }, async (t) => {
    // Each page is its own subtest, so that one run reports the violations of all pages.
    const check = (page, label) => t.test(`${label} has no axe violations`, () => assertAccessible(page, label));

    const english = await browser.newContext({ baseURL, locale: 'en', extraHTTPHeaders: { 'Accept-Language': 'en' } });
    t.after(() => english.close());
    const page = await english.newPage();

    await page.goto('/');
    await check(page, 'the start page /');

    // Errors on step 1 (nothing chosen) and step 2 (nothing written).
    await page.goto('/report');
    await reportAction(page, 'next', 422);
    await page.locator('div.error-summary a[href="#reporter_type"]').waitFor();
    await check(page, 'report step 1 with an error');
    await fillStep1(page, FOR_AXE);
    await continueTo(page, 2);
    await reportAction(page, 'next', 422);
    await page.locator('div.error-summary a[href="#narrative"]').waitFor();
    await check(page, 'report step 2 with errors');

    const sent = await sendReport(page, FOR_AXE, (label) => check(page, label));

    await page.goto('/follow-up');
    await check(page, '/follow-up');
    assert.equal((await followUp(page, WRONG_RECEIPT)).status(), 422);
    await check(page, '/follow-up with a wrong receipt');
    await openReport(page, sent);
    await check(page, 'the follow-up report page');
    await page.locator('main details summary').click();
    await page.locator('main details p.narrative').waitFor({ state: 'visible' });
    await sendMessage(page, 'One more thing: it was the taxi at the central station.');
    await check(page, 'the follow-up report page with a message, "What you reported" open');

    const arabic = await browser.newContext({ baseURL, locale: 'ar', extraHTTPHeaders: { 'Accept-Language': 'ar' } });
    t.after(() => arabic.close());
    const rtl = await arabic.newPage();
    await rtl.goto('/');
    await assertLanguage(rtl, 'ar', 'rtl', 'the Arabic start page');
    await check(rtl, 'the start page / in Arabic');
    const sentInArabic = await sendReport(rtl, FOR_AXE_IN_ARABIC, (label) => check(rtl, `${label} in Arabic`));
    await rtl.goto('/follow-up');
    await check(rtl, '/follow-up in Arabic');
    await openReport(rtl, sentInArabic);
    await check(rtl, 'the follow-up report page in Arabic');
  });
});
