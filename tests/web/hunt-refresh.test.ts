/**
 * Bug hunt, pages that refresh on a timer (providers 10 s, combos 10 s, plugins 4 s, keys 15 s):
 * a refresh must not take away what the user is doing — a key being typed, a login in progress
 * in the OAuth dialog, a combo's unsaved order, the keyboard focus. The browser's clock is faked
 * (`page.clock`) so each refresh happens on demand. The loaders keep unchanged data's objects
 * (`keepUnchanged`, tested first, without a browser) and cards are keyed by name.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { keepUnchanged } from '../../web/src/lib/keep-unchanged.ts';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
let claude: MockClaude;
const yaml = () => readFileSync(h.t.gw.configFile, 'utf8');
beforeAll(async () => {
  if (skip) return;
  claude = await startMockClaude();
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o, gpt-4o-mini] }
  cc: { base_url: "${claude.url}", allow_private_network: true, oauth: ${claude.oauthYaml()} }
combos:
  pair:
    strategy: fill-first
    models: [up/gpt-4o-mini, up/gpt-4o]
plugins:
  - api-key
  - telemetry
`);
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
  await claude?.stop();
});

/** A new tab with a fake clock, closed by the test. Uncaught errors land in `h.pageErrors`. */
async function clockedPage(path: string): Promise<Page> {
  const page = await h.ctx.newPage();
  page.on('pageerror', (e) => h.pageErrors.push(String(e)));
  await page.clock.install();
  await page.goto(h.t.url + path);
  await page.waitForSelector('#root > *');
  return page;
}

/** Moves the page's clock past one refresh and waits until `route` answered. */
async function refresh(page: Page, ms: number, route: string): Promise<void> {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === route && r.request().method() === 'GET');
  await page.clock.runFor(ms);
  await answered;
  await page.waitForTimeout(100); // the answer rendered
}

/** `<row's test id>/<focused control>` of the table row holding the focus. */
const focusedTestId = (page: Page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? `${a.closest('tr')?.getAttribute('data-testid')}/${a.textContent || a.getAttribute('data-testid')}` : null;
});

describe('keepUnchanged (the loaders\' refresh)', () => {
  test('an equal answer is the previous object itself', () => {
    const prev = { providers: [{ name: 'a', models: ['x'] }], n: 1 };
    expect(keepUnchanged(prev, structuredClone(prev))).toBe(prev);
  });

  test('only what changed is new: an unchanged item keeps its object, wherever it moved', () => {
    const a = { id: 'a', spend: 1 }, b = { id: 'b', spend: 2 };
    const prev = { keys: [a, b] };
    const next = keepUnchanged(prev, { keys: [{ id: 'new', spend: 0 }, { id: 'a', spend: 5 }, { id: 'b', spend: 2 }] });
    expect(next).not.toBe(prev);
    expect(next.keys[2]).toBe(b);
    expect(next.keys[1]).not.toBe(a);
    expect(next.keys[1]).toEqual({ id: 'a', spend: 5 });
  });

  test('equal items are matched once each (no object shared by two rows)', () => {
    const prev = [{ v: 1 }, { v: 1 }];
    const next = keepUnchanged(prev, [{ v: 1 }, { v: 1 }, { v: 1 }]);
    expect(next[0]).toBe(prev[0]!);
    expect(next[1]).toBe(prev[1]!);
    expect(next[2]).not.toBe(prev[0]!);
    expect(next[2]).not.toBe(prev[1]!);
  });

  test('a key added, removed or changed in type makes a new object', () => {
    const prev = { a: 1, b: { c: [1] } };
    expect(keepUnchanged(prev, { a: 1 })).toEqual({ a: 1 });
    expect(keepUnchanged(prev, { a: 1, b: { c: [1] }, d: null })).not.toBe(prev);
    const arr = keepUnchanged<unknown>(prev, [1]);
    expect(arr).toEqual([1]);
    expect(keepUnchanged(prev, { a: 1, b: { c: [1] } }).b).toBe(prev.b);
  });

  test('without a previous value, or for plain values, the new value as it is', () => {
    const next = { a: 1 };
    expect(keepUnchanged(undefined, next)).toBe(next);
    expect(keepUnchanged(3, 4)).toBe(4);
    expect(keepUnchanged(null, null)).toBe(null);
  });
});

describe.skipIf(!!skip)('hunt: a refresh keeps what the user is doing', () => {
  test('a provider card keeps a key being typed and the chosen test model when the provider changed meanwhile', async () => {
    const page = await clockedPage('/providers');
    const card = page.getByTestId('provider-up');
    await card.getByTestId('new-key').fill('sk-half-typed-key');
    await card.getByRole('textbox', { name: 'label' }).fill('work');
    await card.getByRole('combobox', { name: 'Model' }).selectOption('gpt-4o-mini');
    // Someone adds a model to the provider in the YAML; the page refreshes.
    writeFileSync(h.t.gw.configFile, yaml().replace('models: [gpt-4o, gpt-4o-mini] }', 'models: [gpt-4o, gpt-4o-mini, gpt-4.1] }'));
    await h.t.gw.reload();
    await refresh(page, 10_500, '/api/providers');
    await card.locator('option[value="gpt-4.1"]').waitFor({ state: 'attached' });
    expect(await card.getByTestId('new-key').inputValue()).toBe('sk-half-typed-key');
    expect(await card.getByRole('textbox', { name: 'label' }).inputValue()).toBe('work');
    expect(await card.getByRole('combobox', { name: 'Model' }).inputValue()).toBe('gpt-4o-mini');
    await page.close();
  });

  test('an OAuth login in progress survives the refresh and completes', async () => {
    const page = await clockedPage('/providers');
    const card = page.getByTestId('provider-cc');
    await card.getByTestId('oauth-connect').click();
    const modal = page.getByTestId('oauth-modal');
    await modal.getByRole('button', { name: 'Sign in in the browser' }).click();
    const authUrl = (await modal.getByRole('link', { name: 'Open sign-in page' }).getAttribute('href'))!;
    const back = (await fetch(authUrl, { redirect: 'manual' })).headers.get('location')!; // the user approving at the provider
    await refresh(page, 10_500, '/api/providers'); // meanwhile, the providers list refreshes
    expect(await modal.count()).toBe(1);
    await modal.locator('input').fill(back);
    await modal.getByRole('button', { name: 'Finish' }).click();
    await modal.waitFor({ state: 'detached' });
    await until(async () => (await card.getByTestId('accounts').textContent())?.includes('oauth'), 'the connected account on the card');
    await page.close();
  });

  test('a combo\'s unsaved order survives a refresh that brings new "served" counts', async () => {
    const page = await clockedPage('/combos');
    const card = page.getByTestId('combo-pair');
    await card.locator('li[data-item="up/gpt-4o"]').getByTestId('move-up').click();
    const order = () => card.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')));
    expect(await order()).toEqual(['up/gpt-4o', 'up/gpt-4o-mini']);
    expect((await h.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'pair', messages: [{ role: 'user', content: 'hi' }] } })).status).toBe(200);
    h.t.gw.usage.flush();
    await refresh(page, 10_500, '/api/combos');
    await card.getByText('1 served').waitFor();
    expect(await order()).toEqual(['up/gpt-4o', 'up/gpt-4o-mini']);
    await card.getByTestId('combo-save').click();
    await until(() => parse(yaml()).combos.pair.models[0] === 'up/gpt-4o', 'the saved order in the YAML');
    await page.close();
  });

  test('a combo changed in the YAML by hand replaces a form that has no unsaved edits', async () => {
    const page = await clockedPage('/combos');
    const strategy = page.getByTestId('combo-pair').getByTestId('combo-strategy');
    expect(await strategy.inputValue()).toBe('fill-first');
    writeFileSync(h.t.gw.configFile, yaml().replace('strategy: fill-first', 'strategy: round-robin'));
    await h.t.gw.reload();
    await refresh(page, 10_500, '/api/combos');
    await until(async () => (await strategy.inputValue()) === 'round-robin', 'the new strategy in the form');
    await page.close();
  });

  test('the keyboard focus stays on a plugin\'s switch and on a key\'s button through refreshes', async () => {
    const page = await clockedPage('/plugins');
    await page.getByTestId('plugin-telemetry').getByTestId('plugin-toggle').focus();
    await refresh(page, 4500, '/api/plugins');
    expect(await focusedTestId(page)).toBe('plugin-telemetry/plugin-toggle');

    const made = await h.ctx.request.post(`${h.t.url}/api/keys`, { data: { name: 'idle' }, headers: { origin: h.t.url } });
    expect(made.status()).toBe(201);
    await page.goto(h.t.url + '/keys');
    await page.getByTestId('key-idle').getByRole('button', { name: 'Edit' }).focus();
    // Traffic on another key changes that key's row; the focused row did not change.
    const before = await page.getByTestId('key-test').textContent();
    expect((await h.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', messages: [{ role: 'user', content: 'hi' }] } })).status).toBe(200);
    h.t.gw.usage.flush();
    await refresh(page, 15_500, '/api/keys');
    await until(async () => (await page.getByTestId('key-test').textContent()) !== before, 'the other key\'s new count');
    expect(await focusedTestId(page)).toBe('key-idle/Edit');
    await page.close();
    expect(h.pageErrors).toEqual([]);
  });
});
