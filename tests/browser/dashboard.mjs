// The dashboard in a real browser: sign in through a /dashboard link, read
// the KPIs and charts, download a CSV, page and search the public board,
// and take screenshots at desktop and phone width.
//
// Started by tests/browser.rs with one JSON argument:
//   { "login": URL, "base": URL, "community": ID, "lang": "en"|"zh-CN",
//     "expected": { "members": N, "checkins": N, "gives": N, "topic_replies": N,
//                   "challenge_entries": N, "searched": NAME },
//     "shots": DIR }
// Exits 0 when every check passed; otherwise prints what failed and exits 1.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const scenario = JSON.parse(process.argv[2] ?? '{}');
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};

// Chromium as the machine's doc says it runs here: no background traffic.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const profile = mkdtempSync(join(tmpdir(), 'hearth-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_FLAGS,
  acceptDownloads: true,
  viewport: { width: 1280, height: 900 },
});

// Nothing may leave the machine: every request goes to 127.0.0.1 (or is
// the page's own data: or about: content).
const outside = [];
context.on('request', (request) => {
  const url = new URL(request.url());
  if (!['data:', 'about:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
    outside.push(request.url());
  }
});
const consoleErrors = [];
const watch = (page) => {
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
};

const lang = scenario.lang;
const shot = async (page, name) => {
  for (const [device, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(scenario.shots, `${name}-${lang}-${device}.png`), fullPage: true });
    if (device === 'phone') {
      // A phone never scrolls the page sideways: wide tables scroll inside their box.
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      check(!wide, `${name} scrolls sideways at phone width`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
};

try {
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);

  // The link's page uses nothing up; its button signs in.
  const offer = await page.goto(scenario.login);
  check(offer.status() === 200, `the login page answered ${offer.status()}`);
  check((await page.getAttribute('html', 'lang')) === lang, 'the login page has the community language');
  await Promise.all([page.waitForURL(`**/admin/${scenario.community}`), page.click('form button[type=submit]')]);
  check(new URL(page.url()).pathname === `/admin/${scenario.community}`, `after Continue: ${page.url()}`);
  check((await page.getAttribute('html', 'lang')) === lang, 'the dashboard has the community language');

  // KPIs match what `hearth export` says of the scripted month.
  for (const [tile, expected] of Object.entries(scenario.expected.kpis)) {
    const value = await page.getAttribute(`#kpi-${tile}`, 'data-value');
    check(value === String(expected), `KPI ${tile}: page shows ${value}, export says ${expected}`);
    const shown = (await page.textContent(`#kpi-${tile} dd`)).trim();
    check(shown.replace(/,/g, '') === String(expected), `KPI ${tile} reads ${shown}`);
  }

  // Every chart is there, drawn, and says in words what it shows.
  const charts = await page.$$('figure.chart');
  check(charts.length === 6, `${charts.length} charts on the dashboard`);
  for (const chart of charts) {
    const id = await chart.getAttribute('id');
    check((await chart.$('svg')) !== null, `${id} has an SVG`);
    const caption = ((await chart.textContent('figcaption')) ?? '').trim();
    check(caption.length > 10, `${id} has a text alternative`);
    const box = await (await chart.$('svg'))?.boundingBox();
    check(box && box.width > 200 && box.height > 80, `${id} is drawn at a readable size`);
  }
  await shot(page, 'dashboard');

  // Download the days table: a BOM, a header, one row a day.
  await page.click('#chart-activity details summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#chart-activity a.csv')]);
  const csv = readFileSync(await download.path());
  check(csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf, 'the CSV starts with a UTF-8 BOM');
  const lines = csv.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  check(lines.length === 31, `the 30-day CSV has ${lines.length - 1} rows`);
  const csvCheckins = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[1]), 0);
  check(csvCheckins === scenario.expected.kpis.checkins, `the CSV counts ${csvCheckins} check-ins`);
  check(download.suggestedFilename() === `${scenario.community}-days.csv`, download.suggestedFilename());

  // The ledger audit pages and filters.
  await page.goto(`${scenario.base}/admin/${scenario.community}/ledger?kind=peer_award`);
  const gives = await page.$$('main table tbody tr');
  check(gives.length === Math.min(50, scenario.expected.kpis.gives), `${gives.length} gives in the audit`);
  await shot(page, 'ledger');

  // The public board: 50 a page, a next page, search by name, a member card.
  await page.goto(`${scenario.base}/c/${scenario.community}`);
  const firstPage = await page.$$('table.board tbody tr');
  check(firstPage.length === 50, `${firstPage.length} rows on the board's first page`);
  await shot(page, 'board');
  await Promise.all([page.waitForURL('**page=2**'), page.click('nav.pager a[rel=next]')]);
  const secondPage = await page.$$('table.board tbody tr');
  check(
    secondPage.length === scenario.expected.kpis.members - 50,
    `${secondPage.length} rows on the second page, ${scenario.expected.kpis.members} members in all`,
  );
  await page.fill('input[name=q]', scenario.expected.searched);
  await Promise.all([page.waitForURL('**q=**'), page.click('form.search button')]);
  const found = await page.$$eval('table.board tbody th a', (links) => links.map((a) => a.textContent));
  check(found.length >= 1 && found.every((name) => name.includes(scenario.expected.searched)), `search found ${found}`);
  await Promise.all([page.waitForURL('**/m/**'), page.click('table.board tbody th a')]);
  const weeks = await page.$$('table.calendar tr:first-child td');
  check(weeks.length === 12, `${weeks.length} weeks in the calendar`);
  const days = await page.$$('table.calendar td.day');
  check(days.length > 77 && days.length <= 84, `${days.length} days in the 12-week calendar, up to today`);
  const checked = await page.$$('table.calendar td.day.on');
  check(checked.length > 0, 'the searched member checked in on some days');
  await shot(page, 'member');

  check(outside.length === 0, `requests left 127.0.0.1: ${outside.join(', ')}`);
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
} catch (error) {
  failures.push(`the scenario stopped: ${error.stack ?? error}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`${failures.length} browser checks failed (${lang}):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`browser checks passed (${lang}); screenshots in ${scenario.shots}`);
