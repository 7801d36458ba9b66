/**
 * Dashboard in chromium, as a keyboard-only user and in Portuguese: focus in dialogs, a form
 * opened again after a refused save, status words in pt-BR, dates in the chart's axis in the
 * viewer's language, counts in the language's plural forms, the playground's model prefilled.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o] }
plugins:
  - api-key
`);
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const chat = () => h.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', messages: [{ role: 'user', content: 'hi' }] } });
const focused = () => h.page.evaluate(() => {
  const a = document.activeElement as HTMLElement | null;
  return { inDialog: !!a?.closest('[role=dialog]'), testid: a?.getAttribute('data-testid') ?? null, tag: a?.tagName ?? null };
});
const setLang = async (lang: string) => {
  await h.open('/');
  await h.page.evaluate((l) => localStorage.setItem('sy.lang', l), lang);
};

describe.skipIf(!!skip)('dashboard: keyboard and pt-BR', () => {
  test('a dialog takes the focus, keeps Tab inside, and gives the focus back on Escape', async () => {
    const { page } = h;
    await setLang('en');
    await h.open('/keys');
    await page.getByTestId('new-key-button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('key-form').waitFor();
    expect(await focused()).toMatchObject({ inDialog: true, testid: 'key-name' });
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      expect((await focused()).inDialog).toBe(true);
    }
    await page.getByTestId('key-name').focus();
    await page.keyboard.press('Shift+Tab'); // the close button, first in the dialog
    await page.keyboard.press('Shift+Tab'); // wraps to the last control
    expect((await focused()).inDialog).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('key-form').waitFor({ state: 'detached' });
    expect((await focused()).testid).toBe('new-key-button');
  });

  test('the key form opened again does not show the error of the save refused before', async () => {
    const { page } = h;
    await h.open('/keys');
    await page.getByTestId('new-key-button').click();
    await page.getByTestId('key-name').fill('x'.repeat(101));
    await page.getByTestId('key-submit').click();
    await page.getByTestId('key-form').getByRole('alert').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('new-key-button').click();
    await page.getByTestId('key-form').waitFor();
    await Bun.sleep(100);
    expect(await page.getByTestId('key-form').getByRole('alert').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  test('pt-BR: request states and key states are translated', async () => {
    const { page } = h;
    expect((await chat()).status).toBe(200);
    h.up.script([{ status: 400 }]);
    expect((await chat()).status).toBe(400);
    h.t.gw.usage.flush();
    await setLang('pt-BR');
    await h.open('/logs');
    const badges = page.getByTestId('log-row').locator('.badge');
    await until(async () => (await badges.count()) >= 2, 'the log rows');
    expect(await badges.allTextContents()).toEqual(expect.arrayContaining(['erro 400', 'ok 200']));
    expect(await page.getByTestId('filter-status').locator('option').allTextContents())
      .toEqual(['qualquer status', 'ok', 'erro', 'erro no meio do stream', 'cancelada pelo cliente', 'recusada']);
    await page.getByTestId('log-row').first().click();
    expect(await page.getByTestId('log-detail').locator('.badge').first().textContent()).toBe('erro');
    await h.open('/keys');
    expect(await page.getByTestId('key-test').locator('.badge').textContent()).toBe('ativa');
    await setLang('en');
  });

  test('the usage chart\'s day labels follow the viewer\'s language (en-US: month/day)', async () => {
    const { page } = h;
    await setLang('en');
    await h.open('/usage');
    await page.getByLabel('Range').selectOption('7d');
    const today = new Date();
    const enLabel = `${today.getMonth() + 1}/${today.getDate()}`;
    const labels = () => page.getByTestId('usage-chart').locator('text').allTextContents();
    await until(async () => (await labels()).includes(enLabel), `the label ${enLabel}`).catch(() => undefined);
    expect(await labels()).toContain(enLabel);
    await setLang('pt-BR');
    await h.open('/usage');
    await page.getByLabel('Período').first().selectOption('7d');
    const ptLabel = new RegExp(`^0?${today.getDate()}/0?${today.getMonth() + 1}$`);
    await until(async () => (await labels()).some((l) => ptLabel.test(l)), `the label ${ptLabel}`).catch(() => undefined);
    expect((await labels()).some((l) => ptLabel.test(l))).toBe(true);
    await setLang('en');
  });

  test('pt-BR: token counts, stream, key requests and error messages are in Portuguese', async () => {
    const { page } = h;
    const streamed = await h.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    await streamed.text();
    h.t.gw.usage.flush();
    await setLang('pt-BR');
    const inOut = /^[\d.]+ de entrada · [\d.]+ de saída$/;
    await h.open('/');
    await until(async () => (await page.locator('.stat .sub').allTextContents()).some((s) => inOut.test(s)), 'the overview token split').catch(() => undefined);
    expect(await page.locator('.stat .sub').allTextContents()).toContainEqual(expect.stringMatching(inOut));
    await h.open('/usage');
    await page.getByTestId('usage-totals').waitFor();
    expect(await page.getByTestId('usage-totals').locator('.sub').allTextContents()).toContainEqual(expect.stringMatching(inOut));
    await h.open('/logs');
    await page.getByTestId('log-row').first().click();
    const detail = page.getByTestId('log-detail');
    await detail.locator('dl').waitFor();
    const text = (await detail.locator('dl').textContent()) ?? '';
    expect(text).toContain('streaming');
    expect(text).toMatch(/\d+ de entrada · \d+ de saída · \d+ em cache · \d+ de raciocínio/);
    expect(text).not.toMatch(/ in · | cached| reasoning|· stream\b/);
    await h.open('/keys');
    expect(await page.getByTestId('key-test').textContent()).toMatch(/\d+ requisiç(ão|ões)/);
    await page.route('**/api/overview', (r) => r.abort());
    await h.open('/');
    expect(await page.getByRole('alert').first().textContent()).toBe('Não foi possível conectar ao gateway.');
    await page.unroute('**/api/overview');
    await page.route('**/api/overview', (r) => r.fulfill({ status: 400, json: { error: { message: 'porta inválida', code: 'config_invalid', location: { file: 'switchyard.yaml', line: 3, col: 9, path: 'server.port' } } } }));
    await h.open('/');
    expect(await page.getByRole('alert').first().textContent()).toBe('porta inválida (server.port, linha 3:9)');
    await page.unroute('**/api/overview');
    await setLang('en');
  });

  test('counts take the plural form of the language: 1 error, 1 erro; 1 provider, 1 provedor', async () => {
    const { page } = h;
    const errorsNow = async () => ((await (await h.ctx.request.get(h.t.url + '/api/overview')).json()) as { window: { errors: number } }).window.errors;
    if ((await errorsNow()) === 0) {
      h.up.script([{ status: 400 }]);
      expect((await chat()).status).toBe(400);
      await h.t.settled();
    }
    expect(await errorsNow()).toBe(1);
    const subs = () => page.locator('.stat .sub').allTextContents();
    const providers = () => page.locator('.card a[href="/providers"]').textContent();
    await setLang('en');
    await h.open('/');
    await until(async () => (await subs()).length > 0, 'the overview');
    expect(await subs()).toContain('1 error');
    expect(await providers()).toBe('1 provider · 1 active · 0 disabled');
    await h.open('/keys');
    const requests = (await page.getByTestId('key-test').textContent()) ?? '';
    expect(requests).toMatch(/ · (1 request(?!s)|([02-9]|\d\d+) requests)/);
    await setLang('pt-BR');
    await h.open('/');
    await until(async () => (await subs()).length > 0, 'the overview');
    expect(await subs()).toContain('1 erro');
    expect(await providers()).toBe('1 provedor · 1 ativo · 0 desativados');
    await setLang('en');
  });

  test('the playground prefills the first routable model, so the sample request goes through as it is', async () => {
    const { page } = h;
    await setLang('en');
    await h.open('/playground');
    await until(async () => (await page.getByTestId('pg-model').inputValue()) === 'up/gpt-4o', 'the model prefilled').catch(() => undefined);
    expect(await page.getByTestId('pg-model').inputValue()).toBe('up/gpt-4o');
    expect(JSON.parse(await page.getByTestId('pg-body').inputValue())).toMatchObject({ model: 'up/gpt-4o' });
    await page.getByTestId('pg-send').click();
    await page.getByTestId('pg-chat').waitFor();
    expect(await page.getByTestId('pg-chat').textContent()).not.toContain('must not be empty');
    expect(await page.getByTestId('pg-chat').locator('p.small').last().textContent()).toBe('HTTP 200');
  });
});
