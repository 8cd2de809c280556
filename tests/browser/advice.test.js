// Issue 16, items 1 and 2 on the page: "When to get help" names at most 10
// signs and keeps the rest behind a "Show N more signs" control (a native
// <details>: a button to the keyboard and to screen readers, and a plain
// tap on a phone), at 360x740, 390x844 and 1280x800, closed and open, with
// axe-core finding no violations in either state and nothing wider than the
// screen. Screenshots: advice-more-{closed,open}-WIDTHxHEIGHT.png under
// build/screenshots/ (or NOROTRIAGE_SCREENSHOT_DIR).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { newPage, screenshotDir } = require('./helpers/browser');
const { useServerAndBrowser } = require('./helpers/fixture');
const ui = require('./helpers/ui');

const env = useServerAndBrowser();

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const VIEWPORTS = [{ width: 360, height: 740 }, { width: 390, height: 844 }, { width: 1280, height: 800 }];

// As v2.test.js: answers for the choice questions a test does not care about.
const V2_DEFAULTS = {
  abdominal_pain: 'cramps', diabetes: 'none', thirst: 'normal', alertness: 'alert', sciatica: 'none',
  leg_numbness: 'none', leg_weakness: 'none', back_pain_site: 'lower', back_pain_trend: 'better',
  leg_aches_trend: 'better', skin_pinch: 'normal',
};

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
  }), TAGS);
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ')})`);
}

async function screenshot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(screenshotDir(), `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
}

test('the safety net: at most 10 signs, the rest behind an accessible "more" control', { timeout: 180000 }, async () => {
  const { context, page, problems } = await newPage(env.browser, { viewport: VIEWPORTS[1] });
  try {
    await ui.startInterview(page, env.server.url);
    await ui.runInterview(page, { ...V2_DEFAULTS, ...ui.HEALTHY_BACK_ACHE, sex: 'male', age_years: 35 }, { maxScreens: 60 });
    assert.equal(await ui.view(page), 'result');
    const help = page.locator('section.s-help');
    const named = help.locator(':scope > ul.safety-list > li');
    const more = help.locator('details.more-signs');
    const summary = more.locator('summary');
    const hidden = more.locator('ul.safety-list > li');
    const shown = await named.count();
    assert.ok(shown >= 1 && shown <= 10, `${shown} signs named`);
    assert.equal(await more.count(), 1, 'no "more" control');
    const extra = await hidden.count();
    assert.ok(extra >= 1);
    assert.equal((await summary.textContent()).trim(), `Show ${extra} more sign${extra === 1 ? '' : 's'} to watch for`);
    // Every sign once, across both lists.
    const texts = [...await named.allTextContents(), ...await hidden.allTextContents()];
    assert.equal(new Set(texts).size, texts.length, 'a sign is named twice');
    // What to do: home care for a well adult, nothing about ambulances.
    const todo = await page.locator('section.s-todo').textContent();
    assert.match(todo, /warm pack/i);
    assert.doesNotMatch(todo, /Call an ambulance now/);

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      const size = `${viewport.width}x${viewport.height}`;
      // Closed: the rest is hidden.
      assert.equal(await more.evaluate((d) => d.open), false, `${size}: open at first`);
      assert.equal(await hidden.first().isVisible(), false, `${size}: the rest is visible while closed`);
      const box = await summary.boundingBox();
      assert.ok(box && box.height >= 44, `${size}: the control is ${box && box.height}px tall (a finger needs 44)`);
      assert.deepEqual(await axeViolations(page), [], `${size}: axe (closed)`);
      let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${size}: ${overflow}px wider than the screen`);
      await screenshot(page, `advice-more-closed-${size}`);

      // Open with a tap (phone) or, on the desktop, from the keyboard.
      if (viewport.width >= 1000) {
        await summary.focus();
        await page.keyboard.press('Enter');
      } else {
        await summary.click();
      }
      await hidden.first().waitFor({ state: 'visible' });
      assert.equal(await more.evaluate((d) => d.open), true, `${size}: did not open`);
      assert.equal(await hidden.count(), extra);
      assert.deepEqual(await axeViolations(page), [], `${size}: axe (open)`);
      overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${size}: ${overflow}px wider than the screen (open)`);
      await screenshot(page, `advice-more-open-${size}`);
      await summary.click();
      await hidden.first().waitFor({ state: 'hidden' });
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
