/**
 * Bug hunt, the browser's console and network log during normal use: with the default plugins
 * (no telemetry, no quota) the overview and providers pages asked those plugins' routes on
 * every refresh and got 404s; a login link whose `next=` resolved off-site threw from the
 * history API and left a blank page.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { ConsoleMessage, Response } from 'playwright-core';
import { PASSWORD, skipReason, startHarness, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

const PAGES = ['/', '/providers', '/combos', '/plugins', '/usage', '/logs', '/logs/live', '/keys', '/playground', '/settings', '/tools'];

let h: Harness;
const failed: string[] = [];
const onResponse = (r: Response) => {
  if (r.status() >= 400) failed.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
};
const onConsole = (m: ConsoleMessage) => {
  if (m.type() === 'error') failed.push(`console: ${m.text()}`);
};
beforeAll(async () => {
  if (skip) return;
  // No `plugins:` section: only what loads by default.
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o] }
`);
  await h.login();
  h.page.on('response', onResponse);
  h.page.on('console', onConsole);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe.skipIf(!!skip)('hunt: a clean console', () => {
  test('every page loads and refreshes without a 4xx/5xx or a console error (default plugins only)', async () => {
    const { page } = h;
    expect((await h.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', messages: [{ role: 'user', content: 'hi' }] } })).status).toBe(200);
    for (const path of PAGES) {
      await h.open(path);
      await page.waitForTimeout(400); // the page's requests answered
    }
    await h.open('/');
    await page.getByTestId('stat-requests').waitFor();
    await page.waitForTimeout(5500); // one refresh of the overview
    expect(failed).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  }, 30_000);

  test('a login link whose next= resolves to another site lands on the overview, without an exception', async () => {
    const { page } = h;
    await h.ctx.clearCookies();
    await page.goto(`${h.t.url}/login?next=${encodeURIComponent('/\\evil.example/x')}`);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('stat-requests').waitFor();
    expect(new URL(page.url()).href).toBe(`${h.t.url}/`);
    expect(h.pageErrors).toEqual([]);
    expect(failed).toEqual([]);
  });
});
