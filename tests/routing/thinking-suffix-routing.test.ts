import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ask, mockProvider, startRouting, type Routing } from './routing-kit.ts';

/**
 * Reasoning suffixes are cut before routing, but never from a name the router already knows:
 * here `kimi-k2-thinking` is a model the provider lists, so the bare name routes to it as is.
 */
let r: Routing;
beforeAll(async () => {
  r = await startRouting(['moon'], `
providers:
${mockProvider('moon', undefined, 'models: [kimi-k2, kimi-k2-thinking]')}
plugins:
  - thinking-budget: {}
`);
});
afterAll(() => r.stop());

const lastModel = () => (r.mocks.moon.requests.at(-1)!.body as { model: string }).model;

describe('thinking-budget suffixes and model names the router knows', () => {
  test('a listed model whose name ends like a suffix is routed as is, also by its bare name', async () => {
    expect((await ask(r.t, 'moon/kimi-k2-thinking')).status).toBe(200);
    expect(lastModel()).toBe('kimi-k2-thinking');
    expect((await ask(r.t, 'kimi-k2-thinking')).status).toBe(200);
    expect(lastModel()).toBe('kimi-k2-thinking');
  });

  test('an unknown name with a suffix is still cut', async () => {
    expect((await ask(r.t, 'kimi-k2:high')).status).toBe(200);
    expect(lastModel()).toBe('kimi-k2');
  });
});
