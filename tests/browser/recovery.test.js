// Following a recovery as a person does, over days, on a 360-px phone, a
// 390-px phone and a desktop (issue 16, item 7):
//   - reopening the page shows the start page, where the followed recovery is
//     offered as "Continue my recovery" (never yesterday's advice as today's);
//   - a daily check-in asks only what changes (20 questions or fewer on a
//     typical day), and still asks the warning signs every day;
//   - a second check-in on one day shows that day's answers and updates it,
//     instead of adding a day;
//   - the chart fits the screen, its text is 12 px or more, and its review
//     lines are at the days the advice gives ("in N more days").
// axe-core on every state; a screenshot of every state in build/screenshots.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { newPage, screenshotDir, PHONE, DESKTOP } = require('./helpers/browser');
const { useServerAndBrowser } = require('./helpers/fixture');
const { axeViolations } = require('./helpers/axe');
const ui = require('./helpers/ui');

const NARROW_PHONE = { width: 360, height: 740 };

// Signs that could mean an emergency, asked every day (knowledge/findings.yaml:
// the "warning" group and the nerve signs of a back pain).
const WARNING_SIGNS = [
  'saddle_numbness', 'bladder_control_change', 'bowel_control_loss', 'neck_stiffness', 'severe_headache',
  'non_blanching_rash', 'breathlessness', 'chest_pain', 'seizure', 'fainted', 'deep_fast_breathing',
  'coughing_blood', 'swallowing_difficulty', 'sudden_severe_pain', 'light_sensitivity',
];

const env = useServerAndBrowser();

async function setDay(page, iso) {
  await page.clock.setFixedTime(new Date(`${iso}T12:00:00Z`));
}

// The chart as drawn: its size, the smallest text in CSS px, the texts that
// stick out of the chart or the screen, and how far the slot scrolls.
async function chartFacts(page) {
  return page.$eval('#chart-slot', (slot) => {
    const svg = slot.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const scale = box.width / vb.width;
    let smallest = Infinity;
    const outside = [];
    for (const t of svg.querySelectorAll('text')) {
      const size = parseFloat(t.getAttribute('font-size')) * scale;
      smallest = Math.min(smallest, size);
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.right > window.innerWidth) {
        outside.push(`${t.textContent} [${Math.round(r.left)}..${Math.round(r.right)}]`);
      }
    }
    return {
      width: box.width, viewBoxWidth: vb.width, smallest, outside,
      scrolls: slot.scrollWidth - slot.clientWidth,
      desc: svg.querySelector('desc').textContent,
    };
  });
}

for (const [name, viewport] of [['360x740', NARROW_PHONE], ['390x844', PHONE], ['1280x800', DESKTOP]]) {
  test(`a recovery followed over days (${name})`, { timeout: 120000 }, async () => {
    const { context, page, problems } = await newPage(env.browser, { viewport });
    const found = [];
    const shot = async (state) => {
      for (const v of await axeViolations(page)) found.push(`[${state}] ${v}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) found.push(`[${state}] the page is ${overflow}px wider than the screen`);
      await page.screenshot({ path: path.join(screenshotDir(), `recovery-${name}-${state}.png`), fullPage: true });
    };
    try {
      const today = new Date().toISOString().slice(0, 10);
      const yesterday = ui.addDays(today, -1);

      // Yesterday: the interview, then "Follow my recovery" (its first check-in).
      await setDay(page, yesterday);
      await ui.startInterview(page, env.server.url);
      await ui.runInterview(page, {
        ...ui.HEALTHY_BACK_ACHE, leg_aches: true, leg_aches_score: 4, leg_aches_trend: 'same', abdominal_pain: 'none',
      });
      assert.equal(await ui.view(page), 'result');
      for (const [label, v] of [['How bad is the back pain now, from 0 (none) to 10 (the worst)?', '4'],
        ['How bad are the leg aches now, from 0 (none) to 10 (the worst)?', '4']]) {
        const score = page.getByLabel(label);
        if (await score.count()) await score.fill(v);
      }
      await page.getByRole('button', { name: 'Follow my recovery', exact: true }).click();
      await page.locator('main[data-view="episode"] #chart-slot svg').waitFor();

      // Today: the page is opened again. The start page, with the recovery offered.
      await setDay(page, today);
      await page.goto(`${env.server.url}/`);
      await page.locator('main[data-view="start"]').waitFor();
      assert.equal(await page.getByText('Today’s advice').count(), 0);
      await shot('reopened-start');
      await page.getByRole('button', { name: 'Continue my recovery', exact: true }).click();
      await page.locator('main[data-view="episode"] #chart-slot svg').waitFor();
      assert.equal(await page.locator('.checkin').count(), 1);
      await shot('recovery-page');

      // The daily check-in: count the questions it asks.
      await page.getByRole('button', { name: 'Check in for today', exact: true }).click();
      await page.locator('form.screen[data-screen-id="daily:today"]').waitFor();
      await shot('checkin-first-screen');
      const day = {
        ...ui.HEALTHY_BACK_ACHE, back_pain_score: 3, back_pain_trend: 'better', leg_aches: true,
        leg_aches_score: 3, leg_aches_trend: 'better', gi_ongoing: false, dark_urine: false, abdominal_pain: 'none',
      };
      delete day.back_pain_days;
      // A question is what the person answers: a field of a form, or a
      // checklist ("Do you have any of these?", answered with one tick or
      // "None of these"); the signs on checklists are counted apart.
      const asked = [];
      let questions = 0;
      const screens = await ui.runInterview(page, day, {
        onScreen: async (info) => {
          for (const q of info.questions) asked.push(q.finding);
          questions += info.kind === 'checklist' ? 1 : info.questions.length;
        },
      });
      assert.equal(await ui.view(page), 'checkin-result');
      await shot('checkin-result');
      const summary = screens.map((x) => `${x.kind}(${x.questions.map((q) => q.finding).join(' ')})`).join(' / ');
      assert.ok(questions <= 20, `a typical day asked ${questions} questions: ${summary}`);
      const warnings = asked.filter((f) => WARNING_SIGNS.includes(f));
      assert.ok(warnings.includes('saddle_numbness') && warnings.length >= 5,
        `warning signs asked: ${warnings.join(', ')} (of ${asked.join(', ')})`);
      for (const stable of ['age_years', 'sex', 'weight_kg', 'kidney_disease', 'anticoagulant', 'back_pain_began_with_vomiting']) {
        assert.ok(!asked.includes(stable), `${stable} is carried from the episode, not asked again`);
      }
      console.log(`# ${name}: the daily check-in asked ${questions} questions (${asked.length} findings) on ${screens.length} screens: ${summary}`);

      // The recovery page: the chart fits the screen, text >= 12 px, and its
      // review lines are at the days the advice gives.
      await page.getByRole('button', { name: 'See my recovery chart', exact: true }).click();
      await page.locator('main[data-view="episode"] #chart-slot svg').waitFor();
      const chart = await chartFacts(page);
      assert.ok(chart.smallest >= 11.95, `smallest chart text ${chart.smallest.toFixed(1)} px`);
      assert.deepEqual(chart.outside, [], 'texts outside the chart or the screen');
      assert.ok(chart.scrolls <= 0, `the chart scrolls ${chart.scrolls} px sideways`);
      const todayDay = Number((await page.locator('p.lead').textContent()).match(/Today is day (\d+)/)[1]);
      await shot('recovery-after-checkin');
      await page.getByRole('button', { name: 'Show all of today’s advice', exact: true }).click();
      await page.locator('main[data-view="advice"]').waitFor();
      // The review items: "Back pain: … That is in N more days."
      const items = await page.$$eval('main li', (lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
      for (const [pain, words] of [['Back pain', /back pain is not better by day (\d+)/], ['Leg aches', /leg aches are not better by day (\d+)/]]) {
        const line = chart.desc.match(words);
        assert.ok(line, `${pain}: no review line in the chart (${chart.desc})`);
        const item = items.find((t) => t.startsWith(`${pain}:`) && /That is in \d+ more days?/.test(t));
        assert.ok(item, `${pain}: no "in N more days" in the advice: ${items.join(' | ')}`);
        const n = Number(item.match(/That is in (\d+) more days?/)[1]);
        assert.equal(Number(line[1]), todayDay + n, `${pain}: the line (day ${line[1]}) and the text (day ${todayDay} + ${n}) disagree`);
      }
      await shot('advice-today');
      await page.getByRole('button', { name: 'Back to my recovery', exact: true }).click();
      await page.locator('main[data-view="episode"] #chart-slot svg').waitFor();

      // A second check-in today: the page offers to update it, shows the
      // earlier answers, and updates that day instead of adding one.
      await page.getByRole('button', { name: 'Update today’s check-in', exact: true }).click();
      await page.locator('form.screen[data-screen-id="daily:today"]').waitFor();
      await ui.runInterview(page, { ...day, back_pain_score: 5 });
      assert.equal(await ui.view(page), 'same-day');
      const earlier = await page.locator('main').textContent();
      assert.match(earlier, /How bad the back pain is \(0 to 10\)\s*3/);
      await shot('same-day');
      await page.getByRole('button', { name: 'Update today’s check-in', exact: true }).click();
      await page.locator('main[data-view="checkin-result"]').waitFor();
      assert.match(await page.locator('.saved-note').textContent(), /is updated/);
      await page.getByRole('button', { name: 'See my recovery chart', exact: true }).click();
      await page.locator('main[data-view="episode"] #chart-slot svg').waitFor();
      assert.equal(await page.locator('.checkin').count(), 2);
      assert.match(await page.locator('.checkin').first().textContent(), /Back pain\s*5 out of 10/);
      await shot('recovery-after-update');

      // Reopened once more: still the start page.
      await page.goto(`${env.server.url}/#recovery`);
      await page.reload();
      await page.locator('main[data-view="start"]').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Continue my recovery', exact: true }).count(), 1);
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
