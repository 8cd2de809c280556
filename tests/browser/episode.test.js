// (c) Following a recovery: an episode started from a result, three daily
// check-ins on three days (the page's clock is moved on a day each time),
// the history and the recovery chart (fetched with the Bearer token and
// inlined), then the record deleted.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { newPage, screenshotDir } = require('./helpers/browser');
const { useServerAndBrowser } = require('./helpers/fixture');
const ui = require('./helpers/ui');

const env = useServerAndBrowser();

async function setDay(page, iso) {
  await page.clock.setFixedTime(new Date(`${iso}T12:00:00Z`));
}

async function checkIn(page, date, answers) {
  await page.getByRole('button', { name: 'Check in for today', exact: true }).click();
  await page.locator('form.screen[data-screen-id="daily:today"]').waitFor();
  // Checked in the day before: the check-in is today's, its date not asked.
  assert.equal(await page.locator('input[type="date"]').count(), 0, date);
  await ui.runInterview(page, answers);
  assert.equal(await ui.view(page), 'checkin-result');
  assert.match(await page.locator('.saved-note').textContent(), /is saved/);
  await page.getByRole('button', { name: 'See my recovery chart', exact: true }).click();
  await page.locator('main[data-view="episode"] #chart-slot svg').waitFor();
}

test('an episode with three check-ins shows its history and chart', { timeout: 60000 }, async () => {
  const { context, page, problems } = await newPage(env.browser);
  try {
    const today = new Date().toISOString().slice(0, 10);
    const first = ui.addDays(today, -2);
    await setDay(page, first);

    // Day 1 of following (2 days after the stomach bug began): the interview.
    await ui.startInterview(page, env.server.url);
    await ui.runInterview(page, ui.HEALTHY_BACK_ACHE);
    assert.equal(await ui.view(page), 'result');
    assert.equal(await page.locator('#onset-date').inputValue(), ui.addDays(first, -2));
    const score = page.getByLabel('How bad is the back pain now, from 0 (none) to 10 (the worst)?');
    if (await score.count()) await score.fill('6');
    await page.getByRole('button', { name: 'Follow my recovery', exact: true }).click();
    await page.locator('main[data-view="episode"]').waitFor();
    assert.equal(await page.locator('.checkin').count(), 1);

    // The page keeps {id, token} in localStorage.
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('norotriage.episode')));
    assert.match(stored.id, /^[0-9a-f]+$/);
    assert.ok(stored.token.length >= 32);

    // Two more days, two more check-ins, the pain going down.
    const day = { ...ui.HEALTHY_BACK_ACHE, back_pain_trend: 'better', vomits_24h: 0, stools_24h: 0 };
    delete day.back_pain_days;
    await setDay(page, ui.addDays(first, 1));
    await checkIn(page, ui.addDays(first, 1), { ...day, back_pain_score: 5 });
    await setDay(page, today);
    await checkIn(page, today, { ...day, back_pain_score: 3 });

    // The recovery page: three check-ins, the course so far, the chart.
    const items = page.locator('.checkin');
    assert.equal(await items.count(), 3);
    assert.match(await items.first().textContent(), /Back pain\s*3 out of 10/);
    // Getting better, with no warning signs: self-care each day.
    assert.deepEqual(await items.locator('.level-tag').allTextContents(), Array(3).fill('Self-care at home'));
    assert.ok(await page.locator('.history-list li').count() >= 1);
    const svg = page.locator('#chart-slot svg');
    assert.equal(await svg.isVisible(), true);
    const desc = await svg.locator('desc').textContent();
    assert.match(desc, /score 5/);
    assert.match(desc, /score 3/);
    const size = await svg.boundingBox();
    assert.ok(size.width > 300 && size.height > 150, JSON.stringify(size));
    assert.ok(await page.locator('.disposition').count() >= 1, 'today’s advice is shown');
    await page.screenshot({ path: path.join(screenshotDir(), 'phone-episode-three-checkins.png'), fullPage: true });

    // The chart needs the token: without it, 404.
    const noToken = await page.request.get(`${env.server.url}/v1/episodes/${stored.id}/chart.svg`);
    assert.equal(noToken.status(), 404);

    // Delete: confirmed, gone from the service and from the browser.
    await page.getByRole('button', { name: 'Delete my record', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, delete my record', exact: true }).click();
    await page.locator('main[data-view="deleted"]').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('norotriage.episode')), null);
    const gone = await page.request.get(`${env.server.url}/v1/episodes/${stored.id}`, {
      headers: { Authorization: `Bearer ${stored.token}` },
    });
    assert.equal(gone.status(), 404);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
