// Approves the oldest pending request from toolgate's approval page in headless Chromium,
// the way a person would: open the page, enter the token, wait for the request to appear
// live, type a comment, click Approve, and read the result off the page.
//
//   node tests/web/approve.mjs URL TOKEN [COMMENT]
//
// Prints one JSON line: {"ok":true,"id",…,"shown":"Approved …"} when the page shows the
// request approved (exit 0), or {"ok":false,"id",…,"error":"…"} when the page shows the
// gateway's refusal (exit 1). Anything else (timeout, no browser, a Content-Security-Policy
// violation, the token in a URL) exits 2. The browser is the system Chromium (CHROMIUM,
// default /usr/bin/chromium); playwright-core downloads nothing.
import { chromium } from 'playwright-core';

const [url, token, comment = 'approved from the browser test'] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node approve.mjs URL TOKEN [COMMENT]');
  process.exit(2);
}
const TIMEOUT = 20000;
const problems = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // The sandbox needs user namespaces that containers (and root) often lack.
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
let code = 2;
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) {
      problems.push('CSP violation: ' + m.text());
    }
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('request', (r) => {
    if (r.url().includes(token)) problems.push('the token appeared in a URL: ' + r.method() + ' ' + r.url().split('?')[0]);
  });

  await page.goto(url, { timeout: TIMEOUT });
  await page.fill('#token', token);
  await page.click('#signin');
  await page.locator('#login').waitFor({ state: 'hidden', timeout: TIMEOUT });
  const card = page.locator('#pending li.approval').first();
  await card.waitFor({ timeout: TIMEOUT });
  const id = await card.getAttribute('data-id');
  const tool = await card.locator('.tool').textContent();
  await card.locator('input.comment').fill(comment);
  await card.locator('button.approve').click();

  // Either the activity log says it was approved, or the card shows the refusal.
  const approved = page.locator('#log li.approved', { hasText: id });
  const refused = card.locator('p.error:not([hidden])');
  await Promise.race([
    approved.waitFor({ timeout: TIMEOUT }),
    refused.waitFor({ timeout: TIMEOUT }),
  ]);
  const token_kept = await page.evaluate(() => sessionStorage.getItem('toolgate-admin-token') !== null);
  let result;
  if (await approved.count()) {
    result = { ok: true, id, tool, shown: (await approved.first().textContent()).trim(), token_kept };
    code = 0;
  } else {
    result = { ok: false, id, tool, error: (await refused.textContent()).trim(), token_kept };
    code = 1;
  }
  if (problems.length) {
    result.problems = problems;
    code = 2;
  }
  console.log(JSON.stringify(result));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.message ? e.message : e), problems }));
  code = 2;
} finally {
  await browser.close();
}
process.exit(code);
