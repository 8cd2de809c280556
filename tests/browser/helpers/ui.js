// Drives the page as a person would: reads the screen shown (its findings
// and kinds from the page's data attributes), answers it, presses Next.
'use strict';

const assert = require('node:assert/strict');

// A healthy adult with back ache that began with vomiting two days ago.
const HEALTHY_BACK_ACHE = {
  age_years: 34,
  back_pain: true,
  leg_aches: false,
  leg_cramps: false,
  weight_kg: 70,
  pre_illness_weight_kg: null,
  sciatica: 'none',
  leg_numbness: 'none',
  leg_weakness: 'none',
  hours_since_urine: 3,
  alertness: 'alert',
  thirst: 'normal',
  skin_pinch: 'normal',
  keeps_fluids_down: true,
  temperature_c: 37,
  back_pain_site: 'lower',
  days_since_onset: 2,
  vomits_24h: 1,
  stools_24h: 1,
  gi_ongoing: false,
  back_pain_days: 2,
  back_pain_score: 4,
  back_pain_trend: 'better',
  back_pain_began_with_vomiting: true,
  back_pain_mechanical: true,
  sex: 'female',
  pregnancy_weeks: 0,
};

// What a person without that sign would answer when a test does not say.
const DEFAULT_CHOICES = {
  sciatica: 'none', leg_numbness: 'none', leg_weakness: 'none', alertness: 'alert', thirst: 'normal',
  skin_pinch: 'normal', back_pain_site: 'lower', back_pain_trend: 'better', leg_aches_trend: 'better',
  sex: 'female',
};

function valueFor(answers, q) {
  if (Object.prototype.hasOwnProperty.call(answers, q.finding)) return answers[q.finding];
  if (q.type === 'bool' || q.type === undefined) return false;
  if (q.type === 'choice') return DEFAULT_CHOICES[q.finding] ?? null;
  if (q.type === 'date') return undefined; // keep what the page filled in
  return null; // numbers: "I don't know"
}

async function view(page) {
  return page.locator('main').getAttribute('data-view');
}

async function screenInfo(page) {
  return page.$eval('form.screen', (f) => ({
    id: f.dataset.screenId,
    kind: f.dataset.kind,
    stage: f.dataset.stage,
    title: (f.querySelector('h1') || {}).textContent,
    questions: Array.from(f.querySelectorAll('[data-finding]')).map((e) => ({
      finding: e.dataset.finding, type: e.dataset.type || 'bool',
    })),
  }));
}

// Waits until the page shows something other than the screen `prevId`, and
// is no longer loading.
async function waitForChange(page, prevId) {
  await page.waitForFunction((prev) => {
    const main = document.querySelector('main');
    if (!main || main.hasAttribute('aria-busy')) return false;
    if (main.dataset.view !== 'interview') return true;
    const f = main.querySelector('form.screen');
    return !!f && f.dataset.screenId !== prev;
  }, prevId, { timeout: 15000 });
}

// Fills in the current screen from `answers` (defaults for the rest).
async function fillScreen(page, answers) {
  const s = await screenInfo(page);
  const form = page.locator('form.screen');
  if (s.kind === 'checklist') {
    const vals = s.questions.map((q) => valueFor(answers, q));
    if (vals.every((v) => v === null)) {
      await form.locator('input[data-exclusive="unknown"]').check();
    } else if (vals.every((v) => v !== true)) {
      await form.locator('input[data-exclusive="none"]').check();
    } else {
      for (let i = 0; i < s.questions.length; i += 1) {
        if (vals[i] === true) await form.locator(`.check-item[data-finding="${s.questions[i].finding}"] input`).check();
      }
    }
    return s;
  }
  for (const q of s.questions) {
    const v = valueFor(answers, q);
    const field = form.locator(`.field[data-finding="${q.finding}"]`);
    if (q.type === 'number' || q.type === 'integer') {
      if (v === null) await field.locator('input[type="checkbox"]').check();
      else await field.locator('input.input-number').fill(String(v));
    } else if (q.type === 'date') {
      if (v !== undefined) await field.locator('input[type="date"]').fill(v);
    } else {
      const value = v === null ? '__unknown__' : JSON.stringify(v);
      await field.locator(`input[type="radio"][value='${value}']`).check();
    }
  }
  return s;
}

async function pressNext(page, screenId) {
  await page.locator('form.screen').getByRole('button', { name: 'Next', exact: true }).click();
  await waitForChange(page, screenId);
}

// Answers screens until the interview ends. `onScreen(info)` runs on each
// screen before it is answered. Returns the screens seen.
async function runInterview(page, answers, { onScreen, maxScreens = 40 } = {}) {
  const seen = [];
  while ((await view(page)) === 'interview') {
    assert.ok(seen.length < maxScreens, `the interview did not end within ${maxScreens} screens`);
    const info = await screenInfo(page);
    if (onScreen) await onScreen(info);
    await fillScreen(page, answers);
    seen.push(info);
    await pressNext(page, info.id);
  }
  return seen;
}

async function startInterview(page, baseUrl) {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.locator('form.screen').waitFor();
}

// The date `days` from `iso` (YYYY-MM-DD), in UTC.
function addDays(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

module.exports = {
  HEALTHY_BACK_ACHE, view, screenInfo, waitForChange, fillScreen, pressNext, runInterview, startInterview, addDays,
};
