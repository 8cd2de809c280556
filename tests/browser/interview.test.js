// (a) A healthy adult with back ache after vomiting goes through the whole
// interview, one screen at a time, to a self-care result.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { newPage } = require('./helpers/browser');
const { useServerAndBrowser } = require('./helpers/fixture');
const ui = require('./helpers/ui');

const env = useServerAndBrowser();

test('a back-pain interview reaches a self-care result', { timeout: 60000 }, async () => {
  const { context, page, problems } = await newPage(env.browser);
  try {
    await ui.startInterview(page, env.server.url);

    // The first screen: "About you" (age first, sex, weight), each "why" behind a disclosure.
    let info = await ui.screenInfo(page);
    assert.equal(info.kind, 'form');
    assert.deepEqual(info.questions.map((q) => q.finding), ['age_years', 'sex', 'weight_kg']);
    const why = page.locator('details.why').first();
    assert.equal(await why.evaluate((d) => d.open), false);
    await why.locator('summary').click();
    assert.equal(await why.evaluate((d) => d.open), true);
    await assert.doesNotReject(why.getByText('depends on your age').waitFor());

    // Next with nothing given: an error at the field, focus on it.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    const error = page.locator('.error-message:not([hidden])').first();
    await error.waitFor();
    assert.match(await error.textContent(), /Enter your age/i);
    assert.equal(await page.evaluate(() => document.activeElement.id), await page.locator('input.input-number').first().getAttribute('id'));

    // About you, then the complaint checklist; Back returns with the answers kept.
    await page.getByLabel('How old are you, in years?').fill('34');
    await ui.fillScreen(page, { ...ui.HEALTHY_BACK_ACHE, age_years: 34 });
    await ui.pressNext(page, info.id);
    info = await ui.screenInfo(page);
    assert.equal(info.kind, 'checklist');
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await ui.waitForChange(page, info.id);
    assert.equal(await page.getByLabel('How old are you, in years?').inputValue(), '34');
    await ui.pressNext(page, 'opening:form:age_years+sex+weight_kg');

    // A reload keeps the answers (sessionStorage) and the screen.
    await page.reload();
    await page.locator('form.screen[data-kind="checklist"]').waitFor();
    assert.equal((await ui.screenInfo(page)).id, info.id);

    // "I don't know" and "None of these" exclude the ticks.
    await page.getByLabel('Pain in your back').check();
    await page.getByLabel('None of these').check();
    assert.equal(await page.getByLabel('Pain in your back').isChecked(), false);
    await page.getByLabel('Pain in your back').check();
    assert.equal(await page.getByLabel('None of these').isChecked(), false);

    const screens = await ui.runInterview(page, ui.HEALTHY_BACK_ACHE);
    const kinds = new Set(screens.map((s) => s.kind));
    assert.ok(kinds.has('checklist') && kinds.has('form'), [...kinds].join(','));
    // No emergency banner at any point for these answers.
    assert.equal(await page.locator('#emergency .emergency-banner').count(), 0);

    // The result: the disposition first, in colour and in words.
    assert.equal(await ui.view(page), 'result');
    const box = page.locator('main .disposition');
    assert.equal(await box.getAttribute('data-disposition'), 'self_care');
    assert.match(await box.textContent(), /Self-care at home/);
    const headings = await page.locator('main h2').allTextContents();
    for (const h of ['What to do now', 'Fluids', 'Pain relief and medicines', 'What to expect', 'When to get help']) {
      assert.ok(headings.includes(h), `missing section "${h}" in ${JSON.stringify(headings)}`);
    }
    const paracetamol = page.locator('[data-medicine="paracetamol"]');
    assert.match(await paracetamol.textContent(), /You can take this/);
    assert.match(await paracetamol.locator('.dose').first().textContent(), /500 to 1,000 mg each time/);
    assert.match(await page.locator('.s-fluids').textContent(), /ml/);

    // The summary for a doctor: navigation hidden, the answers shown.
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    assert.equal(await page.locator('.site-header').isVisible(), false);
    assert.equal(await page.locator('.follow').isVisible(), false);
    assert.equal(await page.locator('.answers-table').isVisible(), true);
    assert.match(await page.locator('.answers-table').textContent(), /How old are you, in years\?\s*34/);
    assert.equal(await page.locator('.print-title').first().isVisible(), true);
    await page.emulateMedia({ media: 'screen' });

    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
