// Opens a post page holding hundreds of XSS payloads posted as comments, in headless Chromium with the page's
// Content-Security-Policy switched off (so it is the HTML itself that is tested, not the policy that backs it up),
// and traps every way a payload announces itself: alert/confirm/prompt/print, a dialog, window.__xss.
// Prints {"comments": n, "xss": bool, "dialogs": [...], "errors": [...]} as JSON.
//   node comment-xss.mjs <chromium> <url>
import { chromium } from 'playwright-core';

const [executablePath, url] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 60_000,
});
const seen = { dialogs: [], errors: [] };
try {
  const page = await browser.newPage({ bypassCSP: true, viewport: { width: 1366, height: 900 } });
  await page.addInitScript(() => {
    const caught = () => { window.__xss = true; };
    window.alert = caught;
    window.confirm = caught;
    window.prompt = caught;
    window.print = caught;
  });
  page.on('dialog', async dialog => { seen.dialogs.push(dialog.message()); await dialog.dismiss(); });
  page.on('pageerror', error => seen.errors.push(String(error)));
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  // Give timers, lazy handlers and focus tricks their chance; then hover and click every comment link.
  await page.waitForTimeout(1500);
  await page.evaluate(() => {
    for (const el of document.querySelectorAll('.comment-content *')) {
      for (const type of ['mouseover', 'focus', 'click', 'animationstart']) {
        el.dispatchEvent(new Event(type, { bubbles: true }));
      }
    }
  });
  await page.waitForTimeout(500);
  seen.comments = await page.evaluate(() => document.querySelectorAll('.comment').length);
  seen.xss = await page.evaluate(() => window.__xss === true);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen));
