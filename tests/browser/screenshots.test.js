// (e) Screenshots of every page state at phone (390x844) and desktop
// (1280x800) widths, saved under build/screenshots/ (or
// NOROTRIAGE_SCREENSHOT_DIR) as <width>-<state>.png, for people to look at.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { newPage, screenshotDir, PHONE, DESKTOP } = require('./helpers/browser');
const { useServerAndBrowser } = require('./helpers/fixture');
const { walkStates } = require('./helpers/walk');

const env = useServerAndBrowser();

for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`screenshots at ${name} width (${viewport.width}x${viewport.height})`, { timeout: 60000 }, async () => {
    const dir = screenshotDir();
    const { context, page, problems } = await newPage(env.browser, { viewport });
    const saved = [];
    try {
      await walkStates(page, env.server.url, async (state) => {
        const file = path.join(dir, `${name}-${state}.png`);
        // Let transitions and fonts settle; the page has no animations.
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
        saved.push(file);
        // Nothing may be wider than the screen (no sideways scrolling).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${state}: the page is ${overflow}px wider than the ${name} screen`);
      });
      assert.ok(saved.length >= 14, `only ${saved.length} screenshots`);
      for (const f of saved) assert.ok(fs.statSync(f).size > 1000, `${f} looks empty`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
