// Issue 16 item 3 on the page, at phone size (390x844): plan B per 15
// minutes in ml and cups, after each vomit, the daily need in cups; a child's
// doses in ml of each liquid with "use the syringe"; an adult's in tablets.
// The page's own result view (web/result.js) renders what the real server's
// POST /v1/assess returns. Screenshots: amounts-child.png, amounts-adult.png and
// close-ups of the fluids and the paracetamol boxes.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { newPage, screenshotDir, PHONE } = require('./helpers/browser');
const { useServerAndBrowser } = require('./helpers/fixture');

const env = useServerAndBrowser();

// Loads the page, then shows the result for `findings` with the page's own
// result view in <main>; returns the text of the fluids and medicines.
async function showResult(page, findings) {
  await page.goto(`${env.server.url}/`);
  await page.evaluate(async (f) => {
    const { dispositionBox, resultSections } = await import('/app/result.js');
    const res = await fetch('/v1/assess', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ findings: f }),
    });
    const result = await res.json();
    const main = document.querySelector('main');
    main.replaceChildren(dispositionBox(result), ...resultSections(result));
  }, findings);
  await page.locator('.s-medicines').waitFor();
}

async function screenshot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(screenshotDir(), `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
}

async function noSideways(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width} px wide`);
}

test('a child with some dehydration: sips per 15 minutes, and doses in ml with the syringe', { timeout: 60000 }, async () => {
  const { context, page, problems } = await newPage(env.browser, { viewport: PHONE });
  try {
    await showResult(page, { age_years: 3, weight_kg: 14, dry_mouth: true, dark_urine: true, gi_ongoing: true });
    const fluids = await page.locator('.s-fluids').textContent();
    assert.match(fluids, /adding up|add up/);
    assert.match(fluids, /Every 15 minutes: about 65 ml \(¼ cup\), in small sips\./);
    assert.match(fluids, /After each vomit: wait 10 minutes, then about 30 ml more/);
    assert.match(fluids, /1,200 ml a day \(1\.2 litres, about 4¾ cups\)/);
    const para = await page.locator('[data-medicine="paracetamol"]').textContent();
    assert.match(para, /\(120 mg in 5 ml\): 8\.5 ml each time \(204 mg\), no more than 4 times in 24 hours/);
    assert.match(para, /\(250 mg in 5 ml\): 4 ml each time \(200 mg\)/);
    assert.match(para, /Use the syringe that comes with the medicine/);
    assert.doesNotMatch(para, /\b0 ml/);
    await noSideways(page);
    await screenshot(page, 'amounts-child');
    await page.locator('.s-fluids').screenshot({ path: path.join(screenshotDir(), 'amounts-child-fluids.png') });
    await page.locator('[data-medicine="paracetamol"]').screenshot({ path: path.join(screenshotDir(), 'amounts-child-paracetamol.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an adult: 250 ml (1 cup) every 15 minutes, and tablets', { timeout: 60000 }, async () => {
  const { context, page, problems } = await newPage(env.browser, { viewport: PHONE });
  try {
    await showResult(page, { age_years: 40, weight_kg: 80, dry_mouth: true, dark_urine: true });
    assert.match(await page.locator('.s-fluids').textContent(), /Every 15 minutes: about 250 ml \(1 cup\)/);
    await showResult(page, { age_years: 40, weight_kg: 80 });
    const para = await page.locator('[data-medicine="paracetamol"]').textContent();
    assert.match(para, /As tablets: 1 or 2 tablets \(500 mg each\) each time, no more than 8 tablets in 24 hours/);
    const ibu = await page.locator('[data-medicine="ibuprofen"]').textContent();
    assert.match(ibu, /1 or 2 tablets \(200 mg each\) each time, no more than 6 tablets/);
    assert.doesNotMatch(para, /ml each time/);
    await noSideways(page);
    await screenshot(page, 'amounts-adult');
    await page.locator('[data-medicine="paracetamol"]').screenshot({ path: path.join(screenshotDir(), 'amounts-adult-paracetamol.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
