/**
 * Bug hunt, the YAML edited by hand while the dashboard is open (the gateway hot-reloads it):
 * the pages must show the new config, and a save from a form loaded before the edit must not
 * write the old values back over it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
const yaml = () => readFileSync(h.t.gw.configFile, 'utf8');
/** Edits the config file as a person would, and waits for the gateway to apply it. */
const handEdit = async (edit: (text: string) => string) => {
  writeFileSync(h.t.gw.configFile, edit(yaml()));
  await h.t.gw.reload();
};
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o] }
aliases:
  fast: up/gpt-4o
plugins:
  - api-key
  - thinking-budget
`);
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe.skipIf(!!skip)('hunt: hand edits of the YAML', () => {
  test('the settings page shows a setting edited by hand; saving another one keeps it, and keeps what is being typed', async () => {
    const { page } = h;
    await h.open('/settings');
    const level = page.getByTestId('log-level');
    await level.waitFor();
    expect(await level.inputValue()).toBe('info');
    await page.getByTestId('usage-days').fill('40'); // being edited when the file changes
    await handEdit((text) => `${text}logging: { level: debug }\n`);
    await until(async () => (await level.inputValue()) === 'debug', 'the hand-edited level on the page');
    expect(await page.getByTestId('usage-days').inputValue()).toBe('40');
    await page.getByTestId('settings-save').click();
    await until(() => parse(yaml()).logging?.retention?.usage_days === 40, 'the saved retention in the YAML');
    expect(parse(yaml()).logging.level).toBe('debug');
    expect(h.t.gw.config().logging.level).toBe('debug');
  });

  test('a settings plugin\'s config edited by hand shows in its form', async () => {
    const { page } = h;
    await h.open('/settings');
    const mode = page.getByTestId('settings-thinking-budget').locator('select[name="mode"]');
    await mode.waitFor();
    expect(await mode.inputValue()).toBe('');
    await handEdit((text) => text.replace('  - thinking-budget\n', '  - thinking-budget: { mode: auto }\n'));
    await until(async () => (await mode.inputValue()) === 'auto', 'the hand-edited mode in the form');
  });

  test('an alias added by hand appears on the open combos page', async () => {
    const page = await h.ctx.newPage();
    await page.clock.install();
    await page.goto(h.t.url + '/combos');
    const aliases = page.locator('section.card', { has: page.getByRole('heading', { name: 'Aliases' }) });
    await aliases.getByText('fast').waitFor();
    await handEdit((text) => text.replace('aliases:\n', 'aliases:\n  by-hand: up/gpt-4o\n'));
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/aliases'), { timeout: 3000 }).catch(() => null);
    await page.clock.runFor(10_500); // the combos above refresh every 10 s
    await answered;
    await until(async () => (await aliases.textContent())?.includes('by-hand'), 'the hand-written alias', 2000);
    await page.close();
    expect(h.pageErrors).toEqual([]);
  });
});
