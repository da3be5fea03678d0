// Opens each page in headless Chromium and runs axe-core on it; prints {"<path>": [violations…]} as JSON.
//   node axe-audit.mjs <chromium> <base-url> <path>...
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const [executablePath, base, ...paths] = process.argv.slice(2);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 60_000,
});
const report = {};
try {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1366, height: 900 }]) {
    // Injecting axe is the test's doing; the site's own CSP rightly forbids inline script.
    const page = await browser.newPage({ viewport, bypassCSP: true });
    for (const path of paths) {
      await page.goto(base + path, { waitUntil: 'load', timeout: 30_000 });
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(() => window.axe.run(document));
      report[`${path} @${viewport.width}px`] = result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
      }));
    }
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
