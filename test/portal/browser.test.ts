// The site built from the bundled example, in a real browser (playwright-core driving Debian's
// chromium, which .ci/run installs): a citizen goes forum → meeting → item → case, searches a word
// from an item's text and finds the item, and follows the feed links. axe-core reports no WCAG 2.1
// AA violation on any kind of page; screenshots at 390 and 1280 px go to out/portal-screenshots/.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import ical from 'node-ical';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteServer } from '../../src/portal/server.js';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../../src/package-paths.js';
import { publish } from './helpers.js';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
export const CHROMIUM = process.env.DAGSORDEN_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
const SHOTS = join(PACKAGE_ROOT, 'out', 'portal-screenshots');

let browser: Browser;
let server: ReturnType<typeof createSiteServer>;
let base = '';

beforeAll(async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'dagsorden-browser-')), 'out');
  // As `npm start` does: the agenda of 24 March and the 2021 minutes, then the minutes of 9 November.
  for (const now of ['2022-03-18T12:00', '2022-11-09T13:00']) expect((await publish(BUNDLED_WORKBOOK, out, now)).code).toBe(0);
  server = createSiteServer(join(out, 'site'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  await mkdir(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
});

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
}

async function axe(page: Page): Promise<AxeResult['violations']> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    () => (window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<AxeResult> } }).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations;
}

async function shoot(page: Page, kind: string): Promise<void> {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SHOTS, `${kind}-${width}.png`), fullPage: true });
    // Readable at 390 px: nothing wider than the window, so no sideways scrolling.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${kind} at ${width} px`).toBeLessThanOrEqual(0);
  }
}

async function check(page: Page, kind: string): Promise<void> {
  expect(await axe(page), kind).toEqual([]);
  await shoot(page, kind);
}

describe('the public site in a browser', () => {
  it('the accessibility check finds violations where there are some (it can fail)', async () => {
    const page = await browser.newPage();
    await page.setContent('<html><head><title>x</title></head><body><img src="a.png"><a href="#"></a></body></html>');
    const ids = (await axe(page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt', 'link-name']));
    await page.close();
  });

  it('forum → meeting → item → case, with no accessibility violations on any kind of page', async () => {
    const page = await browser.newPage();
    await page.goto(base);
    expect(await page.getAttribute('html', 'lang')).toBe('da');
    await check(page, 'forside');

    await page.getByRole('link', { name: 'Chefforum' }).first().click();
    expect(await page.locator('h1').textContent()).toBe('Chefforum');
    await check(page, 'forum');

    await page.getByRole('link', { name: /24\. marts 2022/ }).click();
    expect(await page.locator('h1').textContent()).toBe('Dagsorden Chefforum 24-03-2022');
    await check(page, 'moede');

    await page.locator('#punkt-2 ~ p a', { hasText: 'Punktets egen side' }).first().click();
    expect(page.url()).toBe(`${base}moeder/cf-2022-03-24/punkt-2/`);
    expect(await page.locator('h1').textContent()).toMatch(/^Punkt 2: /);
    await check(page, 'punkt');

    const caseNumber = (await page.locator('.case a').textContent())!;
    await page.locator('.case a').click();
    expect(await page.locator('h1').textContent()).toBe(`Sag ${caseNumber}`);
    expect(await page.locator('.case-items a').first().getAttribute('href')).toBeTruthy();
    await check(page, 'sag');

    await page.getByRole('link', { name: 'Sager', exact: true }).first().click();
    await check(page, 'sager');

    // A closed item's own page: the 2021 minutes hold one.
    await page.goto(`${base}moeder/cf-2021-03-04/`);
    const closed = page.locator('h2', { hasText: 'Lukket' });
    expect(await closed.count()).toBe(1);
    const id = await closed.getAttribute('id');
    await page.goto(`${base}moeder/cf-2021-03-04/${id!}/`);
    await check(page, 'lukket-punkt');
    await page.close();
  }, 120_000);

  it('searching a word from an item\'s text finds that item', async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByRole('link', { name: 'Søg', exact: true }).click();
    const box = page.getByRole('textbox', { name: 'Søg i punkter' });
    await box.fill('Lækrogen');
    const result = page.locator('.pagefind-ui__result-link').first();
    await result.waitFor();
    expect(await result.getAttribute('href')).toBe('/moeder/cf-2022-03-24/punkt-2/');
    await check(page, 'soeg');
    await result.click();
    await page.waitForURL(`${base}moeder/cf-2022-03-24/punkt-2/`);
    expect(await page.locator('main').textContent()).toContain('Lækrogen');
    await page.close();
  }, 120_000);

  it('searching a word from an item of an earlier year finds that item, and only that one', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}soeg/`);
    await page.getByRole('textbox', { name: 'Søg i punkter' }).fill('afdelingsopdelt');
    const result = page.locator('.pagefind-ui__result-link').first();
    await result.waitFor();
    expect(await result.getAttribute('href')).toBe('/moeder/cf-2021-03-04/punkt-4/');
    expect(await page.locator('.pagefind-ui__result-link').count()).toBe(1);
    await page.close();
  }, 120_000);

  it('the feed links lead to an Atom feed and a calendar that parse', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}fora/chefforum/`);
    const atomHref = await page.getByRole('link', { name: /Nyhedsfeed \(Atom\)/ }).getAttribute('href');
    const atom = await page.request.get(new URL(atomHref!, page.url()).href);
    expect(atom.headers()['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = parseFeed(await atom.text());
    expect(feed.items.map((i) => i.title)).toContain('Referat Chefforum 09-11-2022');
    // The feed's entries lead back to pages of the site.
    const entry = feed.items.find((i) => i.title === 'Referat Chefforum 09-11-2022')!;
    await page.goto(new URL(new URL(entry.url!).pathname, base).href);
    expect(await page.locator('h1').textContent()).toBe('Referat Chefforum 09-11-2022');

    await page.goto(`${base}fora/chefforum/`);
    expect(await page.getByRole('link', { name: /i din kalender \(webcal\)/ }).getAttribute('href')).toBe('webcal://localhost:8080/fora/chefforum/moeder.ics');
    const icsHref = await page.getByRole('link', { name: /kalenderfilen/ }).getAttribute('href');
    const ics = await page.request.get(new URL(icsHref!, page.url()).href);
    expect(ics.headers()['content-type']).toBe('text/calendar; charset=utf-8');
    const events = Object.values(ical.sync.parseICS(await ics.text())).filter((c) => c?.type === 'VEVENT');
    expect(events).toHaveLength(3);

    // The case feed, from a case page's link.
    await page.goto(`${base}sager/`);
    await page.locator('.cases a').first().click();
    const caseFeed = await page.request.get(new URL((await page.getByRole('link', { name: /Følg sagen/ }).getAttribute('href'))!, page.url()).href);
    expect(parseFeed(await caseFeed.text()).items.length).toBeGreaterThan(0);
    await page.close();
  }, 120_000);
});
