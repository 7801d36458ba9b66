import type { GatewayEvents } from '../../core/bus/events.ts';
import { startMockOpenAI, type Fault, type MockOpenAI, type MockOpenAIOptions } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** A clock the test moves forward (plugins read it through `ctx.host.now()`). */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

/**
 * `beforeAdvance` runs before the clock moves: the routing kit delivers the gateway's held
 * events there, so plugins stamp what already happened with the time it happened at.
 */
export function createClock(beforeAdvance: () => void = () => {}): TestClock {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => void (beforeAdvance(), (offset += ms)) };
}

export interface Routing {
  t: TestGateway;
  clock: TestClock;
  mocks: Record<string, MockOpenAI>;
  /** Events of the given types, in order, since start. */
  events: Array<{ type: keyof GatewayEvents; e: unknown }>;
  stop(): Promise<void>;
}

/**
 * Starts one mock OpenAI upstream per name and a gateway whose YAML may use `{{name}}` for a
 * mock's base URL. Records every event whose type starts with one of `eventPrefixes`.
 */
export async function startRouting(
  names: string[], yaml: string, opts: { mock?: Record<string, MockOpenAIOptions>; eventPrefixes?: string[] } = {},
): Promise<Routing> {
  const mocks: Record<string, MockOpenAI> = {};
  for (const n of names) mocks[n] = await startMockOpenAI(opts.mock?.[n]);
  let t: TestGateway | undefined;
  const clock = createClock(() => t?.gw.bus.flush());
  const filled = yaml.replace(/\{\{(\w+)\}\}/g, (_, n: string) => mocks[n].url);
  t = await startTestGateway(filled, { now: clock.now });
  const events: Routing['events'] = [];
  const prefixes = opts.eventPrefixes ?? ['circuit-breaker:', 'cooldown:', 'retry:'];
  t.gw.bus.onAny((type, e) => {
    if (prefixes.some((p) => type.startsWith(p))) events.push({ type, e });
  });
  return {
    t, clock, mocks, events,
    async stop() {
      await t.stop();
      for (const m of Object.values(mocks)) await m.stop();
    },
  };
}

/** A provider entry for a mock: `name: { type: openai, base_url: {{name}}, keys: [...] }`. */
export function mockProvider(name: string, keys: string[] = [`sk-${name}-0000001`], extra = ''): string {
  return `  ${name}: { type: openai, base_url: "{{${name}}}", keys: [${keys.map((k) => `"${k}"`).join(', ')}], allow_private_network: true${extra ? `, ${extra}` : ''} }`;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

/** One non-streamed OpenAI chat request through the gateway. */
export async function ask(t: TestGateway, model: string, content = 'hello'): Promise<Answer> {
  const t0 = performance.now();
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content }] } });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body, ms: performance.now() - t0 };
}

/** GET an admin API path with the admin token. */
export async function admin<T>(t: TestGateway, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(t.url + path, { ...init, headers: { authorization: `Bearer ${t.gw.adminToken}`, 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The bearer keys a mock saw, in order. */
export function keysSeen(m: MockOpenAI): string[] {
  return m.requests.map((r) => (r.headers.authorization ?? '').replace(/^Bearer /, ''));
}

/** Queues the same fault `n` times. */
export function repeat(fault: Fault, n: number): Fault[] {
  return Array.from({ length: n }, () => ({ ...fault }));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
