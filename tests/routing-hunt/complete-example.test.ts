import { afterEach, expect, test } from 'bun:test';
import { ask, keysSeen, repeat, startRouting, type Routing } from '../routing/routing-kit.ts';

/**
 * docs/routing.md, "A complete example", with mock upstreams behind the same provider names and
 * presets: "The Max-plan account serves until it is rate-limited; its cooldown sends traffic to
 * the API key, then OpenRouter, then the Groq keys in turn. When the cooldown ends one probe
 * request checks the Max plan and traffic returns to it on success."
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const config = `
request: { deadline_ms: 90000 }
providers:
  anthropic:
    type: openai
    base_url: "{{anthropic}}"
    allow_private_network: true
    accounts:
      - { label: max-plan, key: sk-ant-max-00001, priority: 10 }
      - { label: api,      key: sk-ant-api-00001 }
  openrouter: { base_url: "{{openrouter}}", allow_private_network: true, keys: ["sk-or-000000001"] }
  groq:
    base_url: "{{groq}}"
    allow_private_network: true
    keys: ["sk-groq-00000001", "sk-groq-00000002"]
    account_strategy: round-robin
combos:
  never-stop:
    strategy: fill-first
    models: [anthropic/claude-sonnet-4-5, openrouter/anthropic/claude-sonnet-4.5, groq/*]
plugins:
  - retry
  - circuit-breaker
  - cooldown
`;

/** `mock:key:model` of every upstream request since the last call, in order. */
function traffic(r: Routing): () => string[] {
  const seen: Record<string, number> = {};
  return () => {
    const out: string[] = [];
    for (const [name, m] of Object.entries(r.mocks)) {
      const keys = keysSeen(m);
      for (let i = seen[name] ?? 0; i < m.requests.length; i++) out.push(`${name}:${keys[i]}:${(m.requests[i].body as { model: string }).model}`);
      seen[name] = m.requests.length;
    }
    return out;
  };
}

test('subscription, then API key, then OpenRouter, then the Groq keys in turn; back to the subscription after its cooldown', async () => {
  r = await startRouting(['anthropic', 'openrouter', 'groq'], config);
  const next = traffic(r);
  const send = async (n = 1) => {
    for (let i = 0; i < n; i++) expect((await ask(r!.t, 'never-stop')).status).toBe(200);
    return next();
  };
  expect(await send(2)).toEqual(Array(2).fill('anthropic:sk-ant-max-00001:claude-sonnet-4-5'));

  // Max plan rate-limited for 60 s (too long for retry to wait): the API key takes over.
  r.mocks.anthropic.script([{ status: 429, retryAfter: 60 }]);
  expect(await send(2)).toEqual([
    'anthropic:sk-ant-max-00001:claude-sonnet-4-5', 'anthropic:sk-ant-api-00001:claude-sonnet-4-5',
    'anthropic:sk-ant-api-00001:claude-sonnet-4-5',
  ]);

  // The API key too: OpenRouter, with its own model id (slashes kept).
  r.mocks.anthropic.script([{ status: 429, retryAfter: 60 }]);
  expect(await send(2)).toEqual([
    'anthropic:sk-ant-api-00001:claude-sonnet-4-5', 'openrouter:sk-or-000000001:anthropic/claude-sonnet-4.5',
    'openrouter:sk-or-000000001:anthropic/claude-sonnet-4.5',
  ]);

  // OpenRouter down (its breaker opens after 5 failures): the Groq keys in turn, 3 requests each.
  r.mocks.openrouter.script(repeat({ status: 503 }, 6));
  const groq = (await send(9)).filter((x) => x.startsWith('groq:'));
  expect(groq).toEqual([
    ...Array(3).fill('groq:sk-groq-00000001:llama-3.3-70b-versatile'),
    ...Array(3).fill('groq:sk-groq-00000002:llama-3.3-70b-versatile'),
    ...Array(3).fill('groq:sk-groq-00000001:llama-3.3-70b-versatile'),
  ]);

  // The cooldown ends: one probe on the Max plan, and traffic is back on it.
  r.clock.advance(61_000);
  expect(await send(3)).toEqual(Array(3).fill('anthropic:sk-ant-max-00001:claude-sonnet-4-5'));
});
