// (b) An emergency sign raises the banner the moment it is given: ticking
// "numbness between your legs…" with back pain (cauda equina) shows a
// role="alert" banner with what to do, before Next is pressed.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { newPage } = require('./helpers/browser');
const { useServerAndBrowser } = require('./helpers/fixture');
const ui = require('./helpers/ui');
const { CAUDA_EQUINA_LABEL } = require('./helpers/walk');

const env = useServerAndBrowser();

// Answers the opening screens (about you: age, sex, weight; the complaint) as a person with back pain.
async function toEmergencyChecklist(page) {
  await ui.startInterview(page, env.server.url);
  await page.getByLabel('How old are you, in years?').fill('45');
  await page.getByLabel('Male (boy or man)').check();
  await page.getByLabel('How much do you weigh now, in kilograms?').fill('80');
  await ui.pressNext(page, 'opening:form:age_years+sex+weight_kg');
  let info = await ui.screenInfo(page);
  await page.getByLabel('Pain in your back').check();
  await ui.pressNext(page, info.id);
  info = await ui.screenInfo(page);
  assert.equal(info.stage, 'emergency');
  assert.equal(info.kind, 'checklist');
  return info;
}

test('ticking a cauda equina sign raises the emergency banner before Next', { timeout: 60000 }, async () => {
  const { context, page, problems } = await newPage(env.browser);
  try {
    const info = await toEmergencyChecklist(page);
    const banner = page.locator('#emergency[role="alert"] .emergency-banner');
    assert.equal(await banner.count(), 0);

    // Count the Next presses the page sends: none may happen.
    const started = Date.now();
    await page.getByLabel(CAUDA_EQUINA_LABEL).check();
    await banner.waitFor({ state: 'visible', timeout: 5000 });
    const ms = Date.now() - started;
    assert.ok(ms < 3000, `the banner took ${ms} ms`);

    // Still the same screen: Next was never pressed.
    assert.equal(await ui.view(page), 'interview');
    assert.equal((await ui.screenInfo(page)).id, info.id);

    // What it says: the emergency, what to do, and which sign.
    const alert = page.getByRole('alert').filter({ has: page.locator('.emergency-banner') });
    const text = await alert.textContent();
    assert.match(text, /This could be an emergency/);
    assert.match(text, /Call an ambulance or go to the emergency department now/);
    assert.match(text, /nerves at the base of the spine/i);
    // Prominent: at the top of the page, in the first screenful.
    const box = await banner.boundingBox();
    assert.ok(box && box.y < 400, `banner at y=${box && box.y}`);

    // A tick taken back takes the banner away.
    await page.getByLabel(CAUDA_EQUINA_LABEL).uncheck();
    await banner.waitFor({ state: 'detached', timeout: 5000 });

    // Ticked again, "Show my advice now" gives the emergency result.
    await page.getByLabel(CAUDA_EQUINA_LABEL).check();
    await banner.waitFor({ state: 'visible', timeout: 5000 });
    await page.getByRole('button', { name: 'Show my advice now' }).click();
    await page.locator('main[data-view="result"]').waitFor();
    const disposition = page.locator('main .disposition');
    assert.equal(await disposition.getAttribute('data-disposition'), 'emergency');
    assert.match(await disposition.textContent(), /Emergency: get help now/);
    assert.equal(await page.locator('#emergency .emergency-banner').isVisible(), true);
    assert.match(await page.locator('.s-flags').textContent(), /nerves at the base of the spine/i);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an emergency answer on a form raises the banner while typing', { timeout: 60000 }, async () => {
  const { context, page, problems } = await newPage(env.browser);
  try {
    let info = await toEmergencyChecklist(page);
    await page.locator('form.screen input[data-exclusive="none"]').check();
    await ui.pressNext(page, info.id);
    // Answer checklists "none" until the first form, then pick severe tummy pain.
    while ((info = await ui.screenInfo(page)).kind !== 'form') {
      await ui.fillScreen(page, {});
      await ui.pressNext(page, info.id);
    }
    const field = page.locator('.field[data-finding="abdominal_pain"]');
    assert.equal(await field.count(), 1, 'expected the tummy pain question on the first form');
    await field.getByLabel(/hard to move or talk/).check();
    await page.locator('#emergency .emergency-banner').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal((await ui.screenInfo(page)).id, info.id);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
