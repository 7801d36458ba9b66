import { describe, expect, test } from 'bun:test';
import { STRATEGIES } from '../../../../core/server/admin/combos/combo-routes.ts';
import type { CallContext, GatewayRequest } from '../../../../core/plugin/types.ts';
import { sessionKey } from '../session-key.ts';
import { RotationBook } from './rotation-book.ts';
import { createStrategyRegistry, STRATEGY_NAMES } from './strategy-registry.ts';
import type { Candidate, StrategyContext } from './strategy-types.ts';

const cands = ['a/m', 'b/m', 'c/m', 'd/m'].map((key): Candidate => ({ key, target: { provider: key[0]!, model: 'm' }, weight: 1 }));
const session = createStrategyRegistry(new RotationBook()).get('session')!;
const ctx = (key: string | undefined, over: Partial<StrategyContext> = {}): StrategyContext => ({
  scope: 'combo:x', requestId: 'r', options: {}, random: () => 0.99,
  stats: { successRate: () => 1, latencyMs: () => undefined, inflight: () => 0, uses: () => 0, healthy: () => true },
  session: () => key, ...over,
});
const order = (key: string | undefined, over?: Partial<StrategyContext>) => session.order(cands, ctx(key, over)).map((c) => c.key);

describe('session strategy', () => {
  test('one conversation always gets the same order, every candidate in it once', () => {
    const first = order('conversation-1');
    for (let i = 0; i < 5; i++) expect(order('conversation-1')).toEqual(first);
    expect([...first].sort()).toEqual(['a/m', 'b/m', 'c/m', 'd/m']);
  });

  test('a candidate added or removed moves only the conversations that chose it (rendezvous, not hash % n)', () => {
    const keys = Array.from({ length: 400 }, (_, i) => `conversation-${i}`);
    const pick = (list: Candidate[], key: string) => session.order(list, ctx(key))[0]!.key;
    const four = keys.map((k) => pick(cands, k));
    const five = keys.map((k) => pick([...cands, { key: 'e/m', target: { provider: 'e', model: 'm' }, weight: 1 }], k));
    const moved = keys.filter((_, i) => four[i] !== five[i]);
    expect(moved.every((_, i) => five[keys.indexOf(moved[i]!)] === 'e/m')).toBe(true); // only to the new one
    expect(moved.length).toBeLessThan(keys.length * 0.3); // about a fifth, not three quarters
    const three = keys.map((k) => pick(cands.filter((c) => c.key !== 'b/m'), k));
    expect(keys.filter((_, i) => four[i] !== 'b/m' && four[i] !== three[i])).toEqual([]); // the others stay
  });

  test('conversations spread over the candidates; without one the order is random', () => {
    const firsts = new Set(Array.from({ length: 40 }, (_, i) => order(`conversation-${i}`)[0]));
    expect(firsts.size).toBe(4);
    expect(order(undefined)[0]).toBe('d/m'); // random() = 0.99
    expect(session.order(cands, ctx(undefined, { random: () => 0 }))[0]!.key).toBe('a/m');
  });

  test('the combo and the accounts of a provider choose apart (the scope is part of the hash)', () => {
    const picks = Array.from({ length: 40 }, (_, i) => [order(`s${i}`)[0], order(`s${i}`, { scope: 'accounts:p:0' })[0]]);
    expect(picks.some(([a, b]) => a !== b)).toBe(true);
  });

  test('is listed wherever strategies are named (router and admin API)', () => {
    expect([...STRATEGIES]).toEqual([...STRATEGY_NAMES]);
    expect(createStrategyRegistry(new RotationBook()).get('affinity')).toBe(session);
  });
});

describe('sessionKey', () => {
  const call = (headers: Record<string, string> = {}) => ({ http: { headers: new Headers(headers) } }) as unknown as CallContext;
  const chat = (messages: Array<{ role: string; text: string }>, raw?: Record<string, unknown>): GatewayRequest => ({
    operation: 'chat', model: 'm', stream: false, raw,
    body: { model: 'm', stream: false, messages: messages.map((m) => ({ role: m.role, content: [{ type: 'text', text: m.text }] })) },
  }) as GatewayRequest;

  test('a header, a prompt_cache_key or Anthropic metadata.user_id name the session', () => {
    expect(sessionKey(chat([{ role: 'user', text: 'x' }]), call({ 'x-session-id': 'abc' }))).toBe('h:abc');
    expect(sessionKey(chat([{ role: 'user', text: 'x' }], { prompt_cache_key: 'pk' }), call())).toBe('p:pk');
    expect(sessionKey(chat([{ role: 'user', text: 'x' }], { metadata: { user_id: 'user_1_session_2' } }), call())).toBe('u:user_1_session_2');
  });

  test('a body that left the passthrough lane keeps its key: the decoded user (Anthropic clients) and Responses prompt_cache_key', () => {
    const decoded = (over: Record<string, unknown>) => ({ ...chat([{ role: 'user', text: 'x' }]), body: { ...chat([{ role: 'user', text: 'x' }]).body as object, ...over } }) as unknown as GatewayRequest;
    const anthropic = { ...call(), dialect: 'anthropic-messages' } as CallContext;
    expect(sessionKey(decoded({ user: 'user_1_session_2' }), anthropic)).toBe('u:user_1_session_2');
    expect(sessionKey(decoded({ user: 'end-user-7' }), { ...call(), dialect: 'openai-chat' } as CallContext)).toBe('o:x');
    expect(sessionKey(decoded({ providerOptions: { 'openai-responses': { prompt_cache_key: 'codex-1' } } }), call())).toBe('p:codex-1');
  });

  test('else the opening: system text and first user message, the same on every later turn', () => {
    const turn1 = chat([{ role: 'system', text: 'sys' }, { role: 'user', text: 'fix the bug' }]);
    const turn3 = chat([{ role: 'system', text: 'sys' }, { role: 'user', text: 'fix the bug' }, { role: 'assistant', text: 'done' }, { role: 'user', text: 'thanks' }]);
    expect(sessionKey(turn1, call())).toBe('o:sysfix the bug');
    expect(sessionKey(turn3, call())).toBe(sessionKey(turn1, call()));
    expect(sessionKey(chat([{ role: 'user', text: 'another task' }]), call())).not.toBe(sessionKey(turn1, call()));
    expect(sessionKey({ operation: 'embed', model: 'm', stream: false, body: {} } as unknown as GatewayRequest, call())).toBeUndefined();
  });
});
