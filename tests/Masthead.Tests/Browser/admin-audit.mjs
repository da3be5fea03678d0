// Every admin screen in headless Chromium, as each of several users: the answer's status, axe-core's violations,
// whether the page scrolls sideways, and a full-page screenshot, at a phone's and a desktop's width.
//   node admin-audit.mjs <chromium> <base-url> <screenshot-dir> '<json: [{"login": "admin"|"-", "password": "…", "paths": ["/admin", …]}]>'
// Prints [{who, path, width, status, sideways, violations, file}] as JSON.
import { createRequire } from 'node:module';
import { mkdir, readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const [executablePath, base, outDir, plan] = process.argv.slice(2);
const visits = JSON.parse(plan);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 60_000,
});
const seen = [];
try {
  for (const { login, password, paths } of visits) {
    const who = login === '-' ? 'signed-out' : login;
    await mkdir(`${outDir}/${who}`, { recursive: true });
    for (const width of [390, 1366]) {
      // Injecting axe is the test's doing; the site's own CSP rightly forbids inline script.
      const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 }, bypassCSP: true });
      const page = await context.newPage();
      if (login !== '-') {
        await page.goto(base + '/login');
        await page.fill('#user_login', login);
        await page.fill('#user_pass', password);
        await Promise.all([page.waitForURL(url => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
      }
      for (const path of paths) {
        const response = await page.goto(base + path, { waitUntil: 'load', timeout: 30_000 });
        const file = `${who}/${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root'}-${width}.png`;
        await page.screenshot({ path: `${outDir}/${file}`, fullPage: true });
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(() => window.axe.run(document));
        seen.push({
          who, path, width, status: response.status(), sideways, file,
          violations: result.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`),
        });
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen));
