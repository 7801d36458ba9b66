/**
 * Bug hunt, operator actions: an expired client key had no buttons at all (the API extends,
 * rotates and revokes it), and "Reset to defaults" in a plugin's config wiped the whole config,
 * secrets included, at one click without asking.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
const yaml = () => readFileSync(h.t.gw.configFile, 'utf8');
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o] }
plugins:
  - api-key
  - circuit-breaker: { failures: 7 }
`);
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

interface Key { id: string; name: string; state: string; expiresAt: number | null }
const keys = async () => ((await (await h.ctx.request.get(`${h.t.url}/api/keys`)).json()) as { keys: Key[] }).keys;

describe.skipIf(!!skip)('hunt: operator actions', () => {
  test('an expired key can be given a later expiry, or rotated, from the keys page', async () => {
    const { page } = h;
    // Keys are never created expired: made, then expired on purpose (PATCH).
    for (const name of ['old-laptop', 'old-ci']) {
      const res = await h.ctx.request.post(`${h.t.url}/api/keys`, { data: { name }, headers: { origin: h.t.url } });
      expect(res.status()).toBe(201);
      const { key } = (await res.json()) as { key: { id: string } };
      const expired = await h.ctx.request.patch(`${h.t.url}/api/keys/${key.id}`, { data: { expiresAt: Date.now() - 1000 }, headers: { origin: h.t.url } });
      expect(expired.status()).toBe(200);
    }
    await h.open('/keys');
    const laptop = page.getByTestId('key-old-laptop');
    expect(await laptop.getAttribute('data-state')).toBe('expired');
    await laptop.getByRole('button', { name: 'Edit' }).click();
    await page.locator('input[name="expires"]').fill('2099-12-31');
    await page.getByTestId('key-submit').click();
    await page.getByTestId('key-form').waitFor({ state: 'detached' });
    await until(async () => (await laptop.getAttribute('data-state')) === 'active', 'the key active again');

    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('key-old-ci').getByTestId('rotate-key').click();
    await page.getByTestId('key-secret').waitFor();
    await page.getByRole('button', { name: 'I copied it' }).click();
    const ci = (await keys()).filter((k) => k.name === 'old-ci');
    expect(ci.map((k) => k.state).sort()).toEqual(['active', 'revoked']);
  });

  test('"Reset to defaults" in a plugin\'s config asks first; cancelled, nothing is written', async () => {
    const { page } = h;
    await h.open('/plugins');
    await page.getByTestId('plugin-circuit-breaker').getByTestId('plugin-configure').click();
    const form = page.getByTestId('plugin-config-form');
    await form.waitFor();
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
    await form.getByRole('button', { name: 'Reset to defaults' }).click();
    await until(() => asked !== '', 'the confirmation');
    expect(asked).toContain('circuit-breaker');
    await page.waitForTimeout(300);
    expect(parse(yaml()).plugins).toContainEqual({ 'circuit-breaker': { failures: 7 } });
    await page.keyboard.press('Escape');
    expect(h.pageErrors).toEqual([]);
  });
});
