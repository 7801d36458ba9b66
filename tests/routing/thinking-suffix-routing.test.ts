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
aliases: { deep-thinking: moon/kimi-k2, "kimi-*": moon/kimi-k2 }
plugins:
  - thinking-budget: {}
`);
});
afterAll(() => r.stop());

const lastBody = () => r.mocks.moon.requests.at(-1)!.body as { model: string; reasoning_effort?: string };
const lastModel = () => lastBody().model;

describe('thinking-budget suffixes and model names the router knows', () => {
  test('a listed model whose name ends like a suffix is routed as is, also by its bare name', async () => {
    expect((await ask(r.t, 'moon/kimi-k2-thinking')).status).toBe(200);
    expect(lastModel()).toBe('kimi-k2-thinking');
    expect((await ask(r.t, 'kimi-k2-thinking')).status).toBe(200);
    expect(lastModel()).toBe('kimi-k2-thinking');
  });

  test('an alias whose name ends like a suffix is routed as is', async () => {
    expect((await ask(r.t, 'deep-thinking')).status).toBe(200);
    expect(lastBody()).toMatchObject({ model: 'kimi-k2' });
    expect(lastBody().reasoning_effort).toBeUndefined();
  });

  test('an unknown name with a suffix is still cut', async () => {
    expect((await ask(r.t, 'kimi-k2:high')).status).toBe(200);
    expect(lastModel()).toBe('kimi-k2');
    // Any model of a provider may be asked for, but only a listed one is known as is.
    expect((await ask(r.t, 'moon/kimi-k3:low')).status).toBe(200);
    expect(lastBody()).toMatchObject({ model: 'kimi-k3', reasoning_effort: 'low' });
    // A glob alias routes what nothing else does; it does not make the name known.
    expect((await ask(r.t, 'kimi-k3-thinking')).status).toBe(200);
    expect(lastBody()).toMatchObject({ model: 'kimi-k2', reasoning_effort: 'medium' });
  });
});
