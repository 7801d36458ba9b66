/**
 * Shared set-up of the dashboard browser tests: a built dashboard (web/dist, rebuilt when a
 * source file is newer than the build), Debian's chromium driven by playwright-core, a real
 * gateway on 127.0.0.1 with a mock OpenAI upstream, and helpers for screenshots and timing.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { buildDashboard, dashboardBuildNeeded } from '../../web/build-if-missing.ts';

export const ROOT = resolve(import.meta.dir, '../..');
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
export const PASSWORD = 'dashboard-test-password';
const DIST_INDEX = join(ROOT, 'web/dist/index.html');

/** The chromium binary (`command -v chromium`), or null when it is not installed. */
export function chromiumPath(): string | null {
  return Bun.which('chromium') ?? Bun.which('chromium-browser') ?? null;
}

/** Why the browser tests cannot run here (printed once), or null. */
export function skipReason(): string | null {
  return chromiumPath() ? null : 'chromium is not installed (apt-get install -y chromium): dashboard browser tests skipped';
}

let built: Promise<{ ms: number | null }> | undefined;

/**
 * Builds the dashboard with `vite build web` when web/dist is missing or older than a source
 * file. Runs once per test process. Resolves to the build time (null when nothing was built).
 */
export function ensureDashboardBuilt(): Promise<{ ms: number | null }> {
  built ??= (async () => {
    if (!dashboardBuildNeeded()) return { ms: null };
    const r = await buildDashboard();
    if (r.code !== 0 || !existsSync(DIST_INDEX)) throw new Error(`dashboard build failed (${r.code}):\n${r.output}`);
    return { ms: r.ms };
  })();
  return built;
}

export interface Harness {
  t: TestGateway;
  up: MockOpenAI;
  ctx: BrowserContext;
  page: Page;
  /** Console errors and failed page loads seen in the browser (a test may assert none). */
  pageErrors: string[];
  /** Opens a dashboard path and waits for the app to render. */
  open(path: string): Promise<void>;
  /** Writes docs/screenshots/<name>.png of the current page (full page; `viewport` for dialogs). */
  shot(name: string, area?: 'full' | 'viewport'): Promise<void>;
  /** Sets the dashboard password through a setup token and leaves this browser logged in. */
  login(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Mock upstream + gateway with `yaml(upstreamUrl)` + a fresh chromium profile. `timezoneId`
 * (IANA name) sets the browser's time zone; default: the machine's.
 */
export async function startHarness(
  yaml: (upstreamUrl: string) => string, viewport = { width: 1280, height: 860 }, opts: { timezoneId?: string } = {},
): Promise<Harness> {
  await ensureDashboardBuilt();
  const up = await startMockOpenAI();
  const t = await startTestGateway(yaml(up.url));
  const profile = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath()!,
    headless: true,
    viewport,
    locale: 'en-US',
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync'],
  });
  ctx.setDefaultTimeout(8000);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const h: Harness = {
    t, up, ctx, page, pageErrors,
    async open(path) {
      await page.goto(t.url + path);
      await page.waitForSelector('#root > *');
    },
    async shot(name, area = 'full') {
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: area === 'full' });
    },
    async login() {
      const { token } = t.gw.dashboard.createSetupToken();
      const res = await ctx.request.post(`${t.url}/api/auth/setup`, { data: { token, password: PASSWORD }, headers: { origin: t.url } });
      if (res.status() !== 200) throw new Error(`setup failed: ${res.status()} ${await res.text()}`);
    },
    async close() {
      await ctx.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      await t.stop();
      await up.stop();
    },
  };
  return h;
}

/** Polls until `check` returns a truthy value, or throws `what` after `ms`. */
export async function until<T>(check: () => T | Promise<T>, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}
