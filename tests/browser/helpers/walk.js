// Walks the page through every state a person can see, calling
// `onState(name, page)` at each: the start page, each kind of interview
// screen (with an error, with a "why" open), the emergency banner, the
// result (on screen and as printed), the recovery page, a check-in, the
// delete confirmation, and an emergency result. Used by the accessibility
// test (axe at each state) and the screenshot test.
'use strict';

const assert = require('node:assert/strict');
const ui = require('./ui');

const CAUDA_EQUINA_LABEL = 'Numbness between your legs or around your bottom';

async function walkStates(browserPage, baseUrl, onState) {
  const page = browserPage;
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
  await onState('start', page);

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.locator('form.screen').waitFor();
  await page.locator('details.why summary').first().click();
  await onState('question', page);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.locator('.error-message:not([hidden])').first().waitFor();
  await onState('question-error', page);
  await ui.fillScreen(page, ui.HEALTHY_BACK_ACHE);
  await ui.pressNext(page, 'opening:form:age_years+sex+weight_kg');

  await onState('checklist', page);
  let info = await ui.fillScreen(page, ui.HEALTHY_BACK_ACHE);
  await ui.pressNext(page, info.id);

  // The emergency checklist; a tick of cauda equina raises the banner.
  info = await ui.screenInfo(page);
  assert.equal(info.stage, 'emergency');
  await onState('emergency-checklist', page);
  await page.getByLabel(CAUDA_EQUINA_LABEL).check();
  await page.locator('#emergency .emergency-banner').waitFor();
  await onState('emergency-banner', page);
  await page.getByLabel(CAUDA_EQUINA_LABEL).uncheck();
  await page.locator('#emergency .emergency-banner').waitFor({ state: 'detached' });
  await ui.fillScreen(page, ui.HEALTHY_BACK_ACHE);
  await ui.pressNext(page, info.id);

  // On to the first short form.
  while ((await ui.screenInfo(page)).kind !== 'form') {
    info = await ui.fillScreen(page, ui.HEALTHY_BACK_ACHE);
    await ui.pressNext(page, info.id);
  }
  await page.locator('form.screen details.why summary').nth(1).click();
  await onState('form', page);

  await ui.runInterview(page, ui.HEALTHY_BACK_ACHE);
  assert.equal(await ui.view(page), 'result');
  await onState('result', page);
  await page.locator('details.answers summary').click();
  await page.emulateMedia({ media: 'print' });
  await onState('result-print', page);
  await page.emulateMedia({ media: 'screen' });

  // Follow the recovery: the episode page with its chart.
  await page.getByRole('button', { name: 'Follow my recovery', exact: true }).click();
  await page.locator('main[data-view="episode"] #chart-slot svg').waitFor();
  await onState('episode', page);

  // A check-in: the day's own questions, then the interview goes on. Today
  // has a check-in (the one following began with), so the page offers to
  // update it, and before saving shows its answers and asks.
  await page.getByRole('button', { name: 'Update today’s check-in', exact: true }).click();
  await page.locator('form.screen[data-screen-id="daily:today"]').waitFor();
  await onState('checkin-today', page);
  const day = { ...ui.HEALTHY_BACK_ACHE, back_pain_score: 3, back_pain_trend: 'better' };
  delete day.back_pain_days;
  await ui.runInterview(page, day);
  assert.equal(await ui.view(page), 'same-day');
  await onState('same-day', page);
  await page.getByRole('button', { name: 'Update today’s check-in', exact: true }).click();
  await page.locator('main[data-view="checkin-result"]').waitFor();
  await onState('checkin-result', page);
  await page.getByRole('button', { name: 'See my recovery chart', exact: true }).click();
  await page.locator('main[data-view="episode"] #chart-slot svg').waitFor();

  // Delete: a confirmation, then gone.
  await page.getByRole('button', { name: 'Delete my record', exact: true }).click();
  await page.getByRole('button', { name: 'Yes, delete my record', exact: true }).waitFor();
  await onState('delete-confirm', page);
  await page.getByRole('button', { name: 'Yes, delete my record', exact: true }).click();
  await page.locator('main[data-view="deleted"]').waitFor();
  await onState('deleted', page);

  // An emergency: the interview stops, the result says so first.
  await page.getByRole('button', { name: 'Start again', exact: true }).first().click();
  await ui.startInterview(page, baseUrl);
  await ui.runInterview(page, { ...ui.HEALTHY_BACK_ACHE, saddle_numbness: true });
  assert.equal(await page.locator('main .disposition').getAttribute('data-disposition'), 'emergency');
  await onState('result-emergency', page);
}

module.exports = { walkStates, CAUDA_EQUINA_LABEL };
