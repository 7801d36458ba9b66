import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'bun:test';
import { startTestGateway } from '../helpers/test-gateway.ts';
import { ask, mockProvider, startRouting, type Routing } from '../routing/routing-kit.ts';
import { servedOrder, spread } from './hunt-kit.ts';

/**
 * Model names as users write them (docs/routing.md, "From a model name to a plan"): ids with
 * slashes and `:` variants, globs that overlap, combos inside combos, aliases to combos, cycles,
 * and what a disabled provider leaves behind.
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const lastModel = (mock: string) => (r!.mocks[mock].requests.at(-1)!.body as { model: string }).model;
const gemini = (model: string) => r!.t.fetch(`/v1beta/models/${model}:generateContent`, {
  method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
});

describe('ids with slashes and colons', () => {
  test('openrouter-style ids: provider prefix cut once, the rest (slashes, :free) sent as is; the bare id routes to the provider that lists it', async () => {
    r = await startRouting(['openrouter', 'openai'], `
providers:
${mockProvider('openrouter', undefined, 'models: ["meta-llama/llama-3-70b", "openai/gpt-4o"]')}
${mockProvider('openai')}
`);
    expect((await ask(r.t, 'openrouter/meta-llama/llama-3-70b')).status).toBe(200);
    expect(lastModel('openrouter')).toBe('meta-llama/llama-3-70b');
    expect((await ask(r.t, 'openrouter/meta-llama/llama-3-70b:free')).status).toBe(200);
    expect(lastModel('openrouter')).toBe('meta-llama/llama-3-70b:free');
    expect((await ask(r.t, 'meta-llama/llama-3-70b')).status).toBe(200);
    expect(lastModel('openrouter')).toBe('meta-llama/llama-3-70b');
    expect(r.mocks.openrouter.requests.length).toBe(3);
    // provider/model of a configured provider comes before a bare id another provider lists.
    expect((await ask(r.t, 'openai/gpt-4o')).status).toBe(200);
    expect(r.mocks.openai.requests.length).toBe(1);
    expect(r.mocks.openrouter.requests.length).toBe(3);
    // The Gemini dialect takes the model from the URL: slashes literal or %2F-encoded.
    expect((await gemini('openrouter/meta-llama/llama-3-70b')).status).toBe(200);
    expect(lastModel('openrouter')).toBe('meta-llama/llama-3-70b');
    expect((await gemini('openrouter%2Fmeta-llama%2Fllama-3-70b%3Afree')).status).toBe(200);
    expect(lastModel('openrouter')).toBe('meta-llama/llama-3-70b:free');
  });
});

describe('glob aliases', () => {
  const config = (aliases: string) => `
providers:
${mockProvider('anthropic', undefined, 'models: [claude-sonnet-4-5]')}
${mockProvider('groq')}
${mockProvider('other')}
aliases:
${aliases}
`;

  test('the first matching glob in the order written wins, case-insensitively; exact names are never overridden', async () => {
    r = await startRouting(['anthropic', 'groq', 'other'], config(`  "claude-*haiku*": groq/llama-3.1-8b-instant
  "claude-*": anthropic/claude-sonnet-4-5
  "gpt-4?": other/g4
  "*": other/anything`));
    expect((await ask(r.t, 'Claude-3-5-HAIKU-20241022')).status).toBe(200);
    expect(lastModel('groq')).toBe('llama-3.1-8b-instant');
    expect((await ask(r.t, 'claude-opus-4-1-20250805')).status).toBe(200);
    expect(lastModel('anthropic')).toBe('claude-sonnet-4-5');
    expect((await ask(r.t, 'gpt-4o')).status).toBe(200);
    expect(lastModel('other')).toBe('g4');
    // `?` is one character: gpt-4.1 is not gpt-4?, the catch-all takes it.
    expect((await ask(r.t, 'gpt-4.1')).status).toBe(200);
    expect(lastModel('other')).toBe('anything');
    // A bare id a provider lists and provider/model are exact: no glob applies.
    expect((await ask(r.t, 'claude-sonnet-4-5')).status).toBe(200);
    expect((await ask(r.t, 'groq/claude-haiku')).status).toBe(200);
    expect(lastModel('groq')).toBe('claude-haiku');
    expect(r.mocks.anthropic.requests.length).toBe(2);
  });

  test('written the other way round, the broad glob shadows the narrow one', async () => {
    r = await startRouting(['anthropic', 'groq', 'other'], config(`  "claude-*": anthropic/claude-sonnet-4-5
  "claude-*haiku*": groq/llama-3.1-8b-instant`));
    expect((await ask(r.t, 'claude-3-5-haiku-20241022')).status).toBe(200);
    expect(r.mocks.anthropic.requests.length).toBe(1);
    expect(r.mocks.groq.requests.length).toBe(0);
  });
});

describe('combos and aliases pointing at combos', () => {
  test('a combo inside a combo is flattened under the outer strategy, duplicates once', async () => {
    r = await startRouting(['a', 'b', 'c'], `
providers:
${mockProvider('a')}
${mockProvider('b')}
${mockProvider('c')}
combos:
  inner: { strategy: fill-first, models: [a/m, b/m] }
  outer: { strategy: round-robin, models: [inner, b/m, c/m], options: { sticky: false } }
`);
    expect(await servedOrder(r, 'outer', 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  test('an alias (and a glob alias) naming a combo shares the combo strategy, options and cursor', async () => {
    r = await startRouting(['a', 'b', 'c'], `
providers:
${mockProvider('a')}
${mockProvider('b')}
${mockProvider('c')}
aliases:
  coding-alias: rr
  "tool-*": rr
combos:
  rr: { strategy: round-robin, models: [a/m, b/m, c/m], options: { sticky: 1 } }
`);
    const order: string[] = [];
    for (const name of ['rr', 'coding-alias', 'tool-x', 'rr', 'coding-alias', 'tool-y']) order.push(...await servedOrder(r, name, 1));
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  test('a reference cycle is refused with a clear error, at start and on reload (the old config keeps serving)', async () => {
    const cyclic = `
providers:
  p: { type: mock }
aliases:
  x: loop-a
combos:
  loop-a: { models: [p/m, loop-b] }
  loop-b: { models: [x] }
`;
    await expect(startTestGateway(cyclic)).rejects.toThrow(/reference cycle: .*loop-a -> loop-b -> x -> loop-a|reference cycle: .*x -> loop-a -> loop-b -> x/);

    r = await startRouting(['a'], `
providers:
${mockProvider('a')}
combos:
  one: { models: [a/m] }
`);
    writeFileSync(join(r.t.dataDir, 'switchyard.yaml'), `
providers:
${mockProvider('a').replace('{{a}}', r.mocks.a.url)}
combos:
  one: { models: [a/m, two] }
  two: { models: [one] }
`);
    const err = await r.t.gw.reload();
    expect(err?.message).toMatch(/reference cycle: (one -> two -> one|two -> one -> two)/);
    expect((await ask(r.t, 'one')).status).toBe(200);
  });
});

describe('a disabled provider', () => {
  const config = `
providers:
${mockProvider('a')}
${mockProvider('b')}
${mockProvider('catchall')}
  off: { type: openai, base_url: "http://127.0.0.1:9/v1", keys: ["sk-off-00000001"], enabled: false, models: [z] }
aliases:
  dead: off/z
  "*": catchall/m
combos:
  mixed: { models: [off/z, b/m, off/*] }
  all-off: { models: [off/z, off/*] }
`;

  test('its combo entries drop out: the fallback order is the rest of the combo, not the catch-all glob', async () => {
    r = await startRouting(['a', 'b', 'catchall'], config);
    expect(await spread(r, 'mixed', 4)).toEqual({ a: 0, b: 4, catchall: 0 });
  });

  test('an alias or combo that names only it routes nowhere (404), even with a catch-all glob', async () => {
    r = await startRouting(['a', 'b', 'catchall'], config);
    for (const name of ['dead', 'all-off']) {
      const res = await ask(r.t, name);
      expect([name, res.status, (res.body.error as { code?: string } | undefined)?.code]).toEqual([name, 404, 'model_not_found']);
    }
    expect(r.mocks.catchall.requests.length).toBe(0);
    // A name the client sends that nothing routes is still the catch-all's, off/z included.
    expect((await ask(r.t, 'off/z')).status).toBe(200);
    expect(r.mocks.catchall.requests.length).toBe(1);
  });
});
