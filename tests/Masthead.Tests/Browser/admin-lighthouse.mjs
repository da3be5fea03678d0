// Lighthouse's accessibility and best-practices scores for admin screens, signed in as the given user.
//   node admin-lighthouse.mjs <chromium> <base-url> <login> <password> <path>...
// Signs in once in Chromium, then runs the Lighthouse CLI on each path with that session's cookie.
// Prints {"<path>": {"accessibility": {score, failing: [...]}, "best-practices": {...}}} as JSON.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const [executablePath, base, login, password, ...paths] = process.argv.slice(2);
const flags = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const browser = await chromium.launch({ executablePath, args: flags.slice(1), timeout: 60_000 });
let cookie;
try {
  const page = await browser.newPage();
  await page.goto(base + '/login');
  await page.fill('#user_login', login);
  await page.fill('#user_pass', password);
  await Promise.all([page.waitForURL(url => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
  cookie = (await page.context().cookies()).map(c => `${c.name}=${c.value}`).join('; ');
} finally {
  await browser.close();
}

const report = {};
for (const path of paths) {
  const { stdout } = await run('node', [
    require.resolve('lighthouse/cli/index.js'), base + path, '--output=json', '--output-path=stdout', '--quiet',
    '--only-categories=accessibility,best-practices', `--chrome-flags=${flags.join(' ')}`,
    `--extra-headers=${JSON.stringify({ Cookie: cookie })}`,
  ], { env: { ...process.env, CHROME_PATH: executablePath }, maxBuffer: 64 * 1024 * 1024 });
  const lhr = JSON.parse(stdout);
  report[path] = Object.fromEntries(['accessibility', 'best-practices'].map(id => [id, {
    score: lhr.categories[id].score,
    failing: lhr.categories[id].auditRefs.map(a => lhr.audits[a.id])
      .filter(a => typeof a.score === 'number' && a.score < 1)
      .map(a => `${a.id}: ${(a.details?.items ?? []).slice(0, 3).map(i => i.description ?? i.source ?? JSON.stringify(i).slice(0, 200)).join(' | ')}`),
  }]));
  if (lhr.finalDisplayedUrl && new URL(lhr.finalDisplayedUrl).pathname.startsWith('/login')) {
    throw new Error(`${path} sent Lighthouse to the sign-in page: the session cookie was not accepted`);
  }
}
process.stdout.write(JSON.stringify(report));
