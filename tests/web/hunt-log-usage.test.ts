/**
 * Bug hunt, the log and usage pages against what the gateway recorded: a half-typed log filter
 * was applied by the 5 s refresh (and "Older requests" mixed rows of two filters), the CSV
 * export stopped at the moment the page was opened, and the per-key chart named keys by an id
 * the keys page never shows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o, gpt-4o-mini] }
aliases:
  fast: up/gpt-4o-mini
plugins:
  - api-key
`);
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const chat = (model: string, key = h.t.key) => h.t.fetch('/v1/chat/completions', {
  method: 'POST', json: { model, messages: [{ role: 'user', content: 'hi' }] }, headers: { authorization: `Bearer ${key}` },
});
const models = (page: Page) => page.getByTestId('log-row').evaluateAll((els) => els.map((e) => e.children[2]!.textContent));

describe.skipIf(!!skip)('hunt: the log and usage pages list what was asked', () => {
  test('the CSV export covers requests made after the page was opened', async () => {
    const { page } = h;
    await h.open('/usage');
    await page.getByTestId('usage-totals').waitFor();
    await page.waitForTimeout(1100);
    const res = await chat('up/gpt-4o');
    const id = res.headers.get('x-request-id')!;
    h.t.gw.usage.flush();
    const download = page.waitForEvent('download');
    await page.getByTestId('csv-export').click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv.split('\n').map((line) => line.split(',')[0])).toContain(id);
  });

  test('the per-key chart names the keys as the keys page does', async () => {
    const { page } = h;
    const made = await h.ctx.request.post(`${h.t.url}/api/keys`, { data: { name: 'laptop' }, headers: { origin: h.t.url } });
    const { key, secret } = (await made.json()) as { key: { prefix: string }; secret: string };
    expect((await chat('up/gpt-4o', secret)).status).toBe(200);
    h.t.gw.usage.flush();
    await h.open('/usage');
    await page.getByTestId('usage-chart').waitFor();
    await page.getByTestId('usage-group').selectOption('key');
    const legend = page.getByTestId('usage-chart').locator('.legend');
    await until(async () => (await legend.textContent())?.includes(`laptop (${key.prefix}…)`), 'the key\'s name in the legend');
    expect(await legend.textContent()).not.toContain('key_');
  });

  test('a log filter applies when submitted, not while it is being typed', async () => {
    for (let i = 0; i < 4; i++) expect((await chat(i % 2 ? 'fast' : 'up/gpt-4o')).status).toBe(200);
    h.t.gw.usage.flush();
    // A fake clock runs the 5 s refresh at once. It is the context's: this test runs last.
    const clocked = await h.ctx.newPage();
    await clocked.clock.install();
    try {
      await clocked.goto(h.t.url + '/logs');
      await clocked.getByTestId('log-row').nth(3).waitFor();
      await clocked.getByTestId('filter-model').fill('fas'); // still typing
      const refreshed = clocked.waitForResponse((r) => new URL(r.url()).pathname === '/api/logs');
      await clocked.clock.runFor(5500);
      await refreshed;
      await clocked.waitForTimeout(100);
      expect(new Set(await models(clocked))).toEqual(new Set(['fast', 'up/gpt-4o']));
      await clocked.getByTestId('filter-model').fill('fast');
      await clocked.getByTestId('filter-model').press('Enter');
      await until(async () => (await models(clocked)).every((m) => m === 'fast'), 'the filtered list');
      expect(await models(clocked)).toHaveLength(2);
    } finally {
      await clocked.close();
    }
    expect(h.pageErrors).toEqual([]);
  });
});
