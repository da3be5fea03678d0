// Screenshots of admin screens at a phone's and a desktop's width, for people to look at.
//   node screenshots.mjs <chromium> <base-url> <login> <password> <out-dir> <path>...   (login "-": signed out)
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const [executablePath, base, login, password, outDir, ...paths] = process.argv.slice(2);
await mkdir(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 60_000,
});
const seen = [];
try {
  for (const width of [390, 1366]) {
    const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 } });
    const page = await context.newPage();
    if (login !== '-') {
      await page.goto(base + '/login');
      await page.fill('#user_login', login);
      await page.fill('#user_pass', password);
      await Promise.all([page.waitForURL(url => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
    }
    for (const path of paths) {
      const response = await page.goto(base + path);
      const name = `${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root'}-${width}.png`;
      await page.screenshot({ path: `${outDir}/${name}`, fullPage: true });
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      seen.push({ path, width, status: response.status(), file: name, sideways });
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
