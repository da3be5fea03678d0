// Drives the admin in headless Chromium as people do: an administrator logs in, writes a post in the editor and
// publishes it, then looks for it on the home page; an author tries to open the Users screen. axe-core checks the
// editor. Prints what it saw as JSON for the test to judge.
//   node newsroom-flow.mjs <chromium> <base-url> <admin-password> <author-login> <author-password> <title>
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const [executablePath, base, adminPassword, authorLogin, authorPassword, title] = process.argv.slice(2);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 60_000,
});

async function logIn(page, login, password) {
  await page.goto(base + '/login');
  await page.fill('#user_login', login);
  await page.fill('#user_pass', password);
  await Promise.all([page.waitForURL(url => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
}

const seen = {};
try {
  const admin = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await admin.newPage();
  await logIn(page, 'admin', adminPassword);
  await page.goto(base + '/admin/posts/new');
  await page.fill('#title', title);
  await page.fill('#content', '<p>Written in a real browser, published with one click.</p>');
  await Promise.all([page.waitForURL(/\/edit\?message=/), page.click('button[value=publish]')]);
  seen.afterPublish = (await page.textContent('[role=status]'))?.trim();
  // Keep typing: the editor script autosaves (the test site sets a one-second interval).
  await page.fill('#content', '<p>Written in a real browser, published with one click.</p><p>And a later paragraph.</p>');
  await page.waitForFunction(() => document.getElementById('autosave-status').textContent.includes('autosaved'), null, { timeout: 15_000 });
  seen.autosaveStatus = await page.textContent('#autosave-status');
  // Injecting axe is the test's doing; the admin's CSP rightly forbids inline script.
  const audit = await browser.newPage({ bypassCSP: true, storageState: await admin.storageState() });
  await audit.goto(page.url());
  await audit.addScriptTag({ content: axeSource });
  seen.editorViolations = (await audit.evaluate(() => window.axe.run(document))).violations
    .map(v => ({ id: v.id, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }));
  await page.goto(base + '/');
  seen.homeTitles = await page.$$eval('main .entry-title', nodes => nodes.map(n => n.textContent.trim()));

  const author = await browser.newContext();
  const authorPage = await author.newPage();
  await logIn(authorPage, authorLogin, authorPassword);
  const response = await authorPage.goto(base + '/admin/users');
  seen.authorUsersStatus = response.status();
  seen.authorUsersPath = new URL(authorPage.url()).pathname;
  seen.authorSeesUserTable = (await authorPage.$('table')) !== null;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen));
