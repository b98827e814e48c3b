/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The browser of the dashboard's tests: Debian's Chromium (`apt-get install -y chromium`) driven by playwright-core,
 * headless, with the flags this machine's closed network needs. There is no fallback: without Chromium the tests fail
 * and say how to install it (a skipped browser test is a defect). Also: axe-core in the page, screenshots to the
 * git-ignored artifacts directory, and the page's tab order.
 */
import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from './cli.js';

/** Where the browser tests leave screenshots and reports. */
export const ARTIFACTS = path.join(REPO, '.runway', 'test-results');
export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');

/** The Chromium binary: RUNWAY_CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.RUNWAY_CHROMIUM || '/usr/bin/chromium';

/** Launches headless Chromium, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `the dashboard's browser tests need Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` ` +
        '(Debian), or point RUNWAY_CHROMIUM at a Chromium binary',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Saves a full-page screenshot as `.runway/test-results/screenshots/NAME.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** One axe violation, as the report keeps it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is; returns every violation. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}

/**
 * Presses Tab from the top of the page until the focus comes back to the first element (at most `limit` times); returns
 * a description of every element that received the focus, in order.
 */
export async function tabOrder(page: Page, limit = 250): Promise<string[]> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const key = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      el.dataset.tabbed ??= String(document.querySelectorAll('[data-tabbed]').length);
      return `${el.dataset.tabbed} ${el.tagName.toLowerCase()} ${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}`;
    });
    // A date field takes several presses (one per part) without the focus leaving it.
    if (key === null || key === seen[seen.length - 1]) continue;
    if (key === seen[0]) break;
    seen.push(key);
  }
  return seen;
}

/** Interactive elements a keyboard user must reach: visible links, enabled buttons and form fields, disclosures. */
export async function interactiveElements(page: Page): Promise<{ tabbed: number; missing: string[] }> {
  return page.evaluate(() => {
    const all = [...document.querySelectorAll<HTMLElement>('a[href], button, select, input, textarea, summary')];
    const visible = all.filter((el) => {
      if ((el as HTMLButtonElement).disabled) return false;
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    });
    const missing = visible
      .filter((el) => el.dataset.tabbed === undefined && !el.closest('.skip'))
      .map((el) => `${el.tagName.toLowerCase()} ${(el.textContent ?? '').trim().slice(0, 40)}`);
    return { tabbed: visible.length - missing.length, missing };
  });
}
