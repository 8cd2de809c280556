// (d) axe-core on every page state (WCAG 2.0/2.1 A and AA, and axe's best
// practices) reports no violations; the page works with the keyboard alone;
// and the page's own rules: lang, one h1, a label for every input.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { newPage, DESKTOP } = require('./helpers/browser');
const { useServerAndBrowser } = require('./helpers/fixture');
const { axeViolations } = require('./helpers/axe');
const { walkStates } = require('./helpers/walk');
const ui = require('./helpers/ui');


const env = useServerAndBrowser();

async function ownRules(page) {
  return page.evaluate(() => {
    const out = [];
    if (document.documentElement.lang !== 'en') out.push('html has no lang="en"');
    const h1 = document.querySelectorAll('main h1');
    if (h1.length !== 1) out.push(`main has ${h1.length} h1 elements`);
    for (const input of document.querySelectorAll('input, select, textarea')) {
      if (!input.labels || input.labels.length === 0) out.push(`input without a label: ${input.outerHTML.slice(0, 80)}`);
    }
    for (const fs of document.querySelectorAll('main fieldset')) {
      if (!fs.querySelector(':scope > legend')) out.push('fieldset without a legend');
    }
    return out;
  });
}

// The narrowest phones in common use are 360 px wide.
const NARROW_PHONE = { width: 360, height: 740 };

for (const [name, viewport] of [['phone 360 px', NARROW_PHONE], ['desktop', DESKTOP]]) {
  test(`axe finds no violations in any page state (${name})`, { timeout: 60000 }, async () => {
    const { context, page, problems } = await newPage(env.browser, { viewport });
    const found = [];
    const states = [];
    try {
      await walkStates(page, env.server.url, async (state) => {
        states.push(state);
        for (const v of await axeViolations(page)) found.push(`[${state}] ${v}`);
        if (state !== 'result-print') for (const v of await ownRules(page)) found.push(`[${state}] ${v}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) found.push(`[${state}] the page is ${overflow}px wider than the screen`);
      });
      assert.ok(states.length >= 14, states.join(', '));
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('the interview works with the keyboard alone', { timeout: 60000 }, async () => {
  const { context, page, problems } = await newPage(env.browser);
  try {
    await page.goto(`${env.server.url}/`);
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
    // The skip link comes first; then, after the header, Start.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the main content');
    const focusStyle = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(focusStyle, 'none', 'focus must be visible');
    for (let i = 0; i < 10; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement.textContent === 'Start')) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Start');
    await page.keyboard.press('Enter');
    await page.locator('form.screen').waitFor();
    // Focus moves to the new screen's heading; Tab reaches the input.
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'input-number');
    await page.keyboard.type('29');
    // The rest of "About you" (sex, weight), then Enter on Next.
    await ui.fillScreen(page, { ...ui.HEALTHY_BACK_ACHE, age_years: 29 });
    await page.locator('form.screen').getByRole('button', { name: 'Next', exact: true }).focus();
    await page.keyboard.press('Enter');
    await ui.waitForChange(page, 'opening:form:age_years+sex+weight_kg');
    // The checklist: Tab to the first box, Space ticks it, Enter on Next.
    assert.equal((await ui.screenInfo(page)).kind, 'checklist');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    assert.equal(await page.getByLabel('Pain in your back').isChecked(), true);
    let guard = 0;
    while (!(await page.evaluate(() => document.activeElement.textContent === 'Next')) && guard < 30) {
      await page.keyboard.press('Tab');
      guard += 1;
    }
    await page.keyboard.press('Enter');
    await ui.waitForChange(page, 'opening:checklist:back_pain+leg_aches+leg_cramps');
    assert.equal((await ui.screenInfo(page)).stage, 'emergency');
    // The "why" disclosure opens from the keyboard too.
    guard = 0;
    while (!(await page.evaluate(() => document.activeElement.tagName === 'SUMMARY')) && guard < 40) {
      await page.keyboard.press('Tab');
      guard += 1;
    }
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.parentElement.open), true);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
