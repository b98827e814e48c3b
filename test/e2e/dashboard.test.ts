/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the local stack (`npm start`
 * on ports of its own, with test/e2e/dashboard.runway.yaml: the demo's hello.local behind an approval gate): sign in
 * with a one-click test user on the Auth emulator, watch a demo rollout move live (and measure how long a transition
 * takes from Firestore to the screen), approve it, roll the next one back from its page, read the DORA numbers of a
 * seeded history, filter the history; everything by keyboard, on a phone-sized screen, and with no serious or critical
 * axe-core violation. Screenshots and the reports go to .runway/test-results/ (git-ignored).
 *
 * Waits are polls with deadlines, never timed assertions: a deadline only fails a transition that never shows.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Firestore } from 'firebase-admin/firestore';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rollout } from '../../functions/src/domain/rollout.js';
import {
  ARTIFACTS,
  axeViolations,
  interactiveElements,
  launchChromium,
  screenshot,
  tabOrder,
  type AxeViolation,
} from '../support/browser.js';
import { runway } from '../support/cli.js';
import { DORA_EXPECTED, DORA_TARGET, seedDoraHistory } from '../support/doraHistory.js';
import { publishDemoBuild } from '../../scripts/lib/demoBuild.js';
import { useLocalStack } from '../support/e2eStack.js';
import {
  latencyReport,
  recordTransitions,
  seenTransitions,
  writeLatencyReport,
  type Seen,
} from '../support/latency.js';

const TARGET_ID = 'hello.local';
const DEADLINE_MS = 120_000;
const REPORT_DIR = path.join(ARTIFACTS, 'dashboard');

const e2e = useLocalStack('dashboard', { configFile: 'test/e2e/dashboard.runway.yaml' });
const running = e2e.stack;
let db: Firestore;
let browser: Browser | undefined;
let desktop: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const axeByView: Record<string, AxeViolation[]> = {};
const seen: Seen[] = [];
const measured: string[] = [];
let committed = 0;

const url = (hash = '') => `http://${running().hosting}/${hash}`;

beforeAll(async () => {
  db = e2e.db();
  browser = await launchChromium();
  desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await desktop.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  fs.writeFileSync(path.join(REPORT_DIR, 'axe.json'), `${JSON.stringify(axeByView, null, 2)}\n`);
  await browser?.close();
});

/** Polls until `probe` gives a value; past the deadline, fails with the end of the suite's log. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `no ${what} within ${DEADLINE_MS / 1000} s. Last lines of ${running().logFile}:\n${running().logTail(60)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Publishes a Cloud Build notification for demo image `tag`, as `runway demo` does; returns the rollout id. */
async function release(tag: string): Promise<string> {
  const buildId = randomUUID();
  await publishDemoBuild(running(), { buildId, service: 'hello', tag });
  return `${TARGET_ID}@${buildId}`;
}

async function rollout(id: string): Promise<Rollout | undefined> {
  return (await db.collection('rollouts').doc(id).get()).data() as Rollout | undefined;
}

/** Waits until the page shows `selector` (a transition on screen), or the deadline; then says where the rollout is. */
async function shows(p: Page, selector: string, what: string, rolloutId?: string): Promise<void> {
  await p
    .locator(selector)
    .first()
    .waitFor({ state: 'attached', timeout: DEADLINE_MS })
    .catch(async (error: unknown) => {
      const r = rolloutId ? await rollout(rolloutId) : undefined;
      const where = r ? ` ${rolloutId} is ${r.phase} at step ${r.step}${r.ending ? ` (${r.ending.reason})` : ''}.` : '';
      throw new Error(`the page never showed ${what} (${selector}).${where} ${String(error)}`);
    });
}

/** Runs axe on the page; keeps every violation for the report; fails on serious and critical ones. */
async function checkAccessibility(p: Page, view: string): Promise<void> {
  const violations = await axeViolations(p);
  axeByView[view] = violations;
  const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(severe, `${view}: ${JSON.stringify(severe, null, 2)}`).toEqual([]);
}

/** Loads the page afresh at `hash` (a change of the hash alone would leave the focus where it was). */
async function fresh(p: Page, hash: string): Promise<void> {
  await p.goto('about:blank');
  await p.goto(url(hash));
  // The signed-in shell (its header), not the start-up screen.
  await p.locator('header.top').waitFor();
  await p.locator('main h1').first().waitFor();
}

async function signIn(p: Page): Promise<void> {
  await p.goto(url());
  await p.getByRole('button', { name: 'Sign in as Ada Admin' }).click();
  await p.getByRole('heading', { name: 'Targets', level: 1 }).waitFor({ timeout: DEADLINE_MS });
}

/** Transitions this rollout went through: log entries that changed it. */
async function committedTransitions(rolloutId: string, until: number): Promise<number> {
  const snap = await db
    .collection('targets')
    .doc(TARGET_ID)
    .collection('log')
    .where('rolloutIds', 'array-contains', rolloutId)
    .get();
  return snap.docs.filter((d) => d.get('outcome.status') === 'applied' && Number(d.get('at')) <= until).length;
}

describe('the dashboard in Chromium against the local stack', () => {
  let approvedId = '';
  let rolledBackId = '';

  it('signs in with the one-click test user on the Auth emulator', async () => {
    await page.goto(url());
    await page.getByRole('heading', { name: 'Test users (local emulator)' }).waitFor({ timeout: DEADLINE_MS });
    await screenshot(page, 'sign-in');
    await checkAccessibility(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in as Ada Admin' }).click();
    await page.getByRole('heading', { name: 'Targets', level: 1 }).waitFor({ timeout: DEADLINE_MS });
    expect(await page.locator('[data-roles]').innerText()).toBe('admin in every environment');
  });

  it('shows a demo rollout progress live through its steps, to the approval gate', async () => {
    await recordTransitions(page);
    approvedId = await release('v2');
    const card = `[data-target="${TARGET_ID}"] [data-rollout="${approvedId}"]`;
    await shows(page, `${card}[data-phase="progressing"][data-step="0"]`, 'the first canary step', approvedId);
    await shows(page, `${card}[data-phase="progressing"][data-step="1"]`, 'the second canary step', approvedId);
    await screenshot(page, 'overview-progressing');
    await shows(page, `${card}[data-phase="awaiting_approval"]`, 'the approval gate', approvedId);
    expect(await page.locator(`${card} .weights-text`).innerText()).toBe('candidate 50% · stable 50%');
    await checkAccessibility(page, 'overview');
    const mine = (await seenTransitions(page)).filter((s) => s.rolloutId === approvedId);
    expect(mine.map((s) => s.phase)).toEqual(expect.arrayContaining(['progressing', 'awaiting_approval']));
  });

  it('approves it in the browser: it is promoted, then succeeds; the audit log names the person and the channel', async () => {
    const card = page.locator(`[data-rollout="${approvedId}"]`);
    await card.locator('button[data-action="approve"]').click();
    await card.getByRole('status').filter({ hasText: 'Done:' }).waitFor({ timeout: DEADLINE_MS });
    expect(await card.getByRole('status').innerText()).toBe(`Done: ${approvedId} approved by Ada Admin (dashboard)`);
    const ended = await waitFor('the approved rollout to succeed', async () => {
      const r = await rollout(approvedId);
      return r?.phase === 'succeeded' ? r : undefined;
    });
    expect(ended.approval?.decision).toMatchObject({ approved: true, actor: { id: 'test-admin', via: 'dashboard' } });
    const log = await db
      .collection('targets')
      .doc(TARGET_ID)
      .collection('log')
      .where('type', '==', 'command.approve')
      .get();
    expect(log.docs.map((d) => d.get('actor'))).toEqual([
      {
        kind: 'user',
        id: 'test-admin',
        name: 'Ada Admin',
        email: 'admin@runway.test',
        via: 'dashboard',
        roles: ['admin'],
      },
    ]);
    await shows(page, `[data-target="${TARGET_ID}"] .idle`, 'the target with nothing in flight');
    // Every transition of this rollout the overview showed, from the build to the end of the guard window.
    const mine = (await seenTransitions(page)).filter((s) => s.rolloutId === approvedId);
    const count = await committedTransitions(approvedId, Date.now());
    seen.push(...mine);
    committed += count;
    measured.push(
      `rollout ${approvedId.split('@')[1]?.slice(0, 8)} on the overview: ${mine.length} shown of ${count} committed`,
    );
  });

  it('rolls the next one back from its page, after a confirmation with a reason', async () => {
    rolledBackId = await release('v2');
    const link = page.locator(`[data-rollout="${rolledBackId}"] a`).first();
    await link.waitFor({ timeout: DEADLINE_MS });
    await link.click();
    await page.getByRole('heading', { name: rolledBackId, level: 1 }).waitFor();
    await recordTransitions(page);
    const now = `section[data-rollout="${rolledBackId}"]`;
    await shows(page, `${now}[data-phase="progressing"]`, 'the rollout progressing on its page', rolledBackId);
    await page.locator(`${now} button[data-action="rollback"]`).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Say why' }).waitFor();
    await dialog.getByLabel(/Reason/).fill('e2e: rolled back from the dashboard');
    await screenshot(page, 'rollback-dialog');
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await shows(page, `${now}[data-phase="rolled_back"]`, 'the rollout rolled back', rolledBackId);
    const timeline = page.locator('.timeline');
    await timeline.locator('li', { hasText: 'Roll back' }).first().waitFor();
    const item = await timeline.locator('li', { hasText: 'Reason: e2e: rolled back from the dashboard' }).innerText();
    expect(item).toContain('Ada Admin (dashboard)');
    const r = await rollout(rolledBackId);
    expect(r?.stop).toMatchObject({ trigger: 'person', actor: { id: 'test-admin', via: 'dashboard' } });
    // The traffic chart and the analysis charts (if a verdict came first), each with its table of numbers.
    expect(await page.locator('figure.chart canvas').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByText('Traffic on the candidate over time: the numbers').count()).toBe(1);
    const links = await page.locator('ul.links a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links.some((l) => l.startsWith('https://console.cloud.google.com/run/detail/europe-west1/hello/'))).toBe(
      true,
    );
    expect(links.some((l) => l.includes('cloud-build/builds/'))).toBe(true);
    expect(links.some((l) => l.includes('/metrics?project=demo-runway'))).toBe(true);
    await screenshot(page, 'rollout-detail');
    await checkAccessibility(page, 'rollout-detail');
    // The transitions its page showed, from when it was opened.
    const mine = (await seenTransitions(page)).filter((s) => s.rolloutId === rolledBackId);
    const opened = Math.min(...mine.map((m) => m.updatedAt));
    const count =
      (await committedTransitions(rolledBackId, Date.now())) - (await committedTransitions(rolledBackId, opened - 1));
    seen.push(...mine);
    committed += count;
    measured.push(
      `rollout ${rolledBackId.split('@')[1]?.slice(0, 8)} on its page: ${mine.length} shown of ${count} committed`,
    );
  });

  it('shows the DORA numbers of a seeded history, for the period chosen', async () => {
    await seedDoraHistory(db, Date.now());
    await fresh(page, `#/dora?env=production&target=${DORA_TARGET}&days=30`);
    await shows(page, `[data-dora="production:${DORA_TARGET}:30"][data-synced="true"]`, 'the DORA numbers');
    const values = async () =>
      Object.fromEntries(
        await page
          .locator('[data-metric]')
          .evaluateAll((els) =>
            els.map((el) => [el.getAttribute('data-metric'), el.querySelector('.stat-value')?.textContent]),
          ),
      ) as Record<string, string>;
    expect(await values()).toEqual(DORA_EXPECTED[30]);
    await screenshot(page, 'dora-30-days');
    await checkAccessibility(page, 'dora');
    await page.getByLabel('Period').selectOption('90');
    await shows(
      page,
      `[data-dora="production:${DORA_TARGET}:90"][data-synced="true"]`,
      'the DORA numbers over 90 days',
    );
    expect(await values()).toEqual(DORA_EXPECTED[90]);
    // A range of whole days: the 30 days up to today, both included, hold what the last 30 days do.
    const day = (ago: number) => {
      const d = new Date(Date.now() - ago * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const range = `${day(29)}..${day(0)}`;
    await fresh(page, `#/dora?env=production&target=${DORA_TARGET}&days=custom&from=${day(29)}&to=${day(0)}`);
    await shows(
      page,
      `[data-dora="production:${DORA_TARGET}:${range}"][data-synced="true"]`,
      'the DORA numbers of a range',
    );
    expect(await values()).toEqual(DORA_EXPECTED[30]);
    expect(await page.getByLabel('To (included)').inputValue()).toBe(day(0));
    expect(await page.locator('figure.chart canvas').count()).toBe(4);
  });

  it("filters a target's history", async () => {
    await fresh(page, `#/targets/${TARGET_ID}`);
    const rows = page.locator('tr[data-rollout-row]');
    await rows.nth(1).waitFor({ timeout: DEADLINE_MS });
    expect(await rows.count()).toBe(2);
    await page.getByLabel('Outcome').selectOption('rolled_back');
    await page.getByRole('status').filter({ hasText: '1 of 2 rollouts' }).waitFor();
    expect(await rows.getAttribute('data-rollout-row')).toBe(rolledBackId);
    await page.getByLabel('Outcome').selectOption('all');
    await page.getByLabel('Search').fill('nothing-matches-this');
    await page.getByRole('status').filter({ hasText: '0 of 2 rollouts' }).waitFor();
    await page.getByLabel('Search').fill('');
    await screenshot(page, 'history');
    await checkAccessibility(page, 'history');
  });

  it('grants and revokes a role with `runway users` against the Auth emulator', async () => {
    const env = { RUNWAY_STACK_DIR: running().dir };
    const grant = await runway(['users', 'grant', 'viewer@runway.test', 'deployer', 'local'], { env });
    expect(grant.stderr).toBe('');
    expect(grant.stdout).toMatch(
      /^viewer@runway\.test \(the local stack \(Auth emulator [\d.:]+\)\): viewer in every environment; deployer in local\n$/,
    );
    const revoke = await runway(['users', 'revoke', 'viewer@runway.test', 'deployer', 'local'], { env });
    expect(revoke.stdout).toContain('viewer in every environment\n');
    const unknown = await runway(['users', 'show', 'nobody@runway.test'], { env });
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('no user nobody@runway.test')]);
  });

  it('works by keyboard: the skip link, every control in the tab order, navigation, the dialog', async () => {
    for (const hash of ['#/', `#/targets/${TARGET_ID}`, `#/rollouts/${encodeURIComponent(rolledBackId)}`, '#/dora']) {
      await fresh(page, hash);
      await page.waitForTimeout(500);
      const order = await tabOrder(page);
      expect(order[0], `${hash}: the first stop is the skip link`).toMatch(/Skip to the content/);
      const { missing } = await interactiveElements(page);
      expect(missing, `${hash}: not reachable by Tab`).toEqual([]);
    }
    // The skip link moves the focus to the content.
    await fresh(page, '#/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Navigation: to the DORA view by keyboard; its heading gets the focus.
    const focusOn = async (name: string) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === name) return;
      }
      throw new Error(`${name} is not reachable by Tab`);
    };
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await focusOn('DORA metrics');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === 'DORA metrics',
    );
    // A destructive control: its dialog takes the focus, Escape closes it and gives the focus back.
    await fresh(page, '#/');
    await page.locator(`[data-target="${TARGET_ID}"] button[data-action="rollbackTarget"]`).waitFor();
    await focusOn('Roll back release');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Roll back release');
  });

  it('fits a phone-sized screen', async () => {
    if (!browser) throw new Error('no browser');
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const p = await phone.newPage();
      await signIn(p);
      for (const [hash, name] of [
        ['#/', 'phone-overview'],
        [`#/rollouts/${encodeURIComponent(approvedId)}`, 'phone-rollout'],
        [`#/dora?env=production&target=${DORA_TARGET}&days=30`, 'phone-dora'],
      ] as const) {
        await fresh(p, hash);
        await p.waitForTimeout(800);
        const { scrollWidth, innerWidth } = await p.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        expect(scrollWidth, `${name}: no sideways scrolling`).toBeLessThanOrEqual(innerWidth);
        await screenshot(p, name);
        await checkAccessibility(p, name);
      }
    } finally {
      await phone.close();
    }
  });

  it('wrote the Firestore → screen latency report, and the page raised no error', () => {
    expect(seen.length).toBeGreaterThan(0);
    const context = `${os.cpus().length} cores, ${os.type()} ${os.release()}, Chromium headless; ${measured.join('; ')}`;
    writeLatencyReport(REPORT_DIR, latencyReport(seen, committed, context));
    expect(pageErrors).toEqual([]);
  });
});
