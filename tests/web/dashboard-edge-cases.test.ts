/**
 * Dashboard in chromium, in a time zone west of UTC (America/Los_Angeles): cases where a page
 * showed something other than what the gateway holds — a key's expiry date, log rows after
 * "older requests" and a poll, a combo target's "served" count, plugin toasts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
let yaml = '';
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => (yaml = `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o, gpt-4o-mini] }
combos:
  pair:
    strategy: fill-first
    models: [up/gpt-4o-mini, up/gpt-4o, up/gpt-*]
`), undefined, { timezoneId: 'America/Los_Angeles' });
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const chat = (model: string) => h.t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content: 'hi' }] } });
const api = async <T,>(path: string): Promise<T> => (await h.ctx.request.get(h.t.url + path)).json() as Promise<T>;

describe.skipIf(!!skip)('dashboard edge cases (browser in America/Los_Angeles)', () => {
  test('a key\'s expiry date is the end of that local day, and the form shows the same date back', async () => {
    const { page } = h;
    await h.open('/keys');
    await page.getByTestId('new-key-button').click();
    await page.getByTestId('key-name').fill('tz');
    await page.locator('input[name="expires"]').fill('2030-06-15');
    await page.getByTestId('key-submit').click();
    await page.getByTestId('key-secret').waitFor();
    await page.getByRole('button', { name: 'I copied it' }).click();
    const key = () => api<{ keys: Array<{ name: string; expiresAt: number | null }> }>('/api/keys').then((r) => r.keys.find((k) => k.name === 'tz')!);
    const endOfDay = Date.parse('2030-06-15T23:59:59-07:00'); // PDT
    expect((await key()).expiresAt).toBe(endOfDay);
    await page.getByTestId('key-tz').getByRole('button', { name: 'Edit' }).click();
    expect(await page.locator('input[name="expires"]').inputValue()).toBe('2030-06-15');
    await page.getByTestId('key-submit').click();
    await page.getByTestId('key-form').waitFor({ state: 'detached' });
    expect((await key()).expiresAt).toBe(endOfDay);
  });

  test('rows loaded with "older requests" stay when the poll brings new ones in at the top', async () => {
    const { page } = h;
    for (let i = 0; i < 130; i += 10) await Promise.all(Array.from({ length: 10 }, () => chat('up/gpt-4o')));
    h.t.gw.usage.flush();
    await h.open('/logs');
    const rows = page.getByTestId('log-row');
    await until(async () => (await rows.count()) === 100, 'the first page');
    await page.getByRole('button', { name: 'Older requests' }).click();
    await until(async () => (await rows.count()) === 130, 'the older rows');
    const before = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-request-id')));
    for (let i = 0; i < 10; i++) await chat('up/gpt-4o');
    h.t.gw.usage.flush();
    await until(async () => (await rows.count()) !== 130, 'the poll', 9000).catch(() => undefined);
    const after = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-request-id')));
    expect(after).toHaveLength(140);
    expect(new Set(after).size).toBe(140);
    expect(after.slice(10)).toEqual(before);
  }, 30_000);

  test('a combo target counts only the requests it served (no prefix match)', async () => {
    const { page } = h;
    for (let i = 0; i < 3; i++) expect((await chat('pair')).status).toBe(200);
    h.t.gw.usage.flush();
    await h.open('/combos');
    const target = (name: string) => page.getByTestId('combo-pair').locator(`li[data-item="${name}"]`);
    await until(async () => (await target('up/gpt-4o-mini').textContent())?.includes('3 served'), 'the served count');
    expect(await target('up/gpt-*').textContent()).toContain('3 served');
    expect(await target('up/gpt-4o').textContent()).not.toContain('served');
  });

  test('plugin toasts: a reload error is its message; a config the plugin fails to set up with is an error', async () => {
    const { page } = h;
    const dir = join(h.t.dataDir, 'plugins');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'fussy.ts'), `import * as v from ${JSON.stringify(join(ROOT, 'node_modules/valibot/dist/index.mjs'))};
export default { name: 'fussy', kind: 'observer', apiVersion: 1, description: 'fails on demand',
  config: v.object({ fail: v.optional(v.boolean()) }),
  setup(ctx) { if (ctx.config?.fail) throw new Error('fussy refuses to start'); } };
`);
    await h.t.gw.reload();
    await h.open('/plugins');
    const toasts = page.getByTestId('toast');

    const file = h.t.gw.configFile;
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nrequest: { deadline_ms: -5 }\n`);
    await page.getByTestId('plugins-reload').click();
    await until(async () => (await toasts.count()) > 0, 'the reload toast');
    const reloadText = (await toasts.last().textContent())!;
    expect(reloadText).not.toContain('[object Object]');
    expect(reloadText).toContain('switchyard.yaml');
    expect(await toasts.last().getAttribute('class')).toContain('err');
    writeFileSync(file, yaml);
    await h.t.gw.reload();

    await page.getByTestId('plugin-fussy').getByTestId('plugin-configure').click();
    await page.getByRole('button', { name: /JSON/ }).click();
    await page.getByTestId('plugin-config-json').fill('{ "fail": true }');
    await page.getByTestId('plugin-config-save').click();
    await until(async () => (await toasts.last().textContent())?.includes('fussy'), 'the save toast');
    const saved = toasts.last();
    expect(await saved.textContent()).toContain('fussy refuses to start');
    expect(await saved.getAttribute('class')).toContain('err');
  }, 30_000);
});
