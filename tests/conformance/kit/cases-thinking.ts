/**
 * Reasoning rows of the case table. A first turn asks for thinking with a tool (the case where
 * Anthropic and Gemini need their signatures back); the second turn replays the assistant turn
 * as the client holds it plus the tool result:
 * - to the same upstream: its own signature must arrive unchanged;
 * - to another upstream (the client's native one when the first was not, so the foreign history
 *   meets the passthrough lane): no signature of the first upstream may arrive.
 */
import { expect } from 'bun:test';
import type { Case } from './case-types.ts';
import type { Conversation, Reply } from './conformance-types.ts';
import { nativeUpstream, sendTurn, WEATHER, type MatrixContext, type TurnResult } from './matrix-context.ts';
import { signaturesIn } from './read-upstream-request.ts';
import type { Upstream } from './start-upstreams.ts';

const BOTH = ['non-stream', 'stream'] as const;

/** How each mock upstream's own reasoning tokens begin (OpenAI Chat has none). */
const PREFIX: Record<string, string | undefined> = { openai: undefined, anthropic: 'EqMockSig', responses: 'gAAAAB', gemini: 'CmockSig' };

/** Reasoning text is visible unless a Chat Completions client asked an upstream that only shows it on request. */
function expectsVisibleReasoning(ctx: MatrixContext): boolean {
  return !(ctx.driver.dialect === 'openai-chat' && (ctx.up.format === 'responses' || ctx.up.format === 'gemini'));
}

/** The client holds an opaque reasoning token when its dialect can carry one and the upstream made one. */
function expectsSignature(ctx: MatrixContext): boolean {
  return ctx.driver.limits.signatures === undefined && PREFIX[ctx.up.format] !== undefined;
}

/** The raw upstream value inside what the client holds (as is, `swy1:<origin>:` wrapped, or in a reasoning envelope). */
function holds(clientToken: string, upstreamToken: string): boolean {
  if (clientToken === upstreamToken || clientToken.endsWith(`:${upstreamToken}`)) return true;
  const envelope = /^switchyard\.reasoning\.v1:(.+)$/.exec(clientToken);
  return envelope !== null && Buffer.from(envelope[1], 'base64url').toString('utf8').includes(upstreamToken);
}

async function firstTurn(ctx: MatrixContext): Promise<{ conv: Conversation; first: TurnResult }> {
  const conv: Conversation = { thinking: true, tools: [WEATHER], turns: [{ role: 'user', text: 'What is the weather in Paris?' }] };
  const first = await sendTurn(ctx, conv);
  expect(first.view.thinking).toBe(true);
  expect(first.reply.toolCalls.map((c) => c.name)).toEqual(['get_weather']);
  if (expectsVisibleReasoning(ctx)) expect(first.reply.reasoning.length).toBeGreaterThan(0);
  if (expectsSignature(ctx)) expect(first.reply.signatures.length).toBeGreaterThan(0);
  else if (ctx.driver.limits.signatures) expect(first.reply.signatures).toEqual([]);
  return { conv, first };
}

function secondTurn(conv: Conversation, first: Reply): Conversation {
  return {
    ...conv,
    turns: [...conv.turns, { role: 'assistant', reply: first }, { role: 'tool', results: first.toolCalls.map((call) => ({ call, output: 'sunny' })) }],
  };
}

const sameProvider: Case = {
  id: 'thinking: signature round trip (same provider)',
  modes: [...BOTH],
  conversation: () => ({ thinking: true, tools: [WEATHER], turns: [{ role: 'user', text: 'What is the weather in Paris?' }] }),
  async run(ctx) {
    const { conv, first } = await firstTurn(ctx);
    const second = await sendTurn(ctx, secondTurn(conv, first.reply));
    expect(second.reply.text).toContain('sunny');
    const prefix = PREFIX[ctx.up.format];
    const back = signaturesIn(second.view).filter((s) => prefix !== undefined && s.startsWith(prefix));
    if (expectsSignature(ctx)) {
      expect(back.length).toBeGreaterThan(0);
      for (const s of back) expect(first.reply.signatures.some((c) => holds(c, s))).toBe(true);
    }
    const foreign = signaturesIn(second.view).filter((s) => prefix === undefined || !s.startsWith(prefix));
    expect(foreign.filter((s) => s !== 'skip_thought_signature_validator')).toEqual([]);
  },
};

/** The upstream of the second turn: the client's native one, or the next one when the first was native. */
function otherUpstream(ctx: MatrixContext): Upstream {
  const native = nativeUpstream(ctx);
  if (native !== ctx.up) return native;
  return ctx.all[(ctx.all.indexOf(ctx.up) + 1) % ctx.all.length];
}

const otherProvider: Case = {
  id: 'thinking: signature never reaches another provider',
  modes: [...BOTH],
  conversation: () => ({ thinking: true, tools: [WEATHER], turns: [{ role: 'user', text: 'What is the weather in Paris?' }] }),
  async run(ctx) {
    const { conv, first } = await firstTurn(ctx);
    const other = otherUpstream(ctx);
    const second = await sendTurn(ctx, secondTurn(conv, first.reply), other);
    expect(second.reply.text).toContain('sunny');
    const body = JSON.stringify(second.received[0].body);
    const prefix = PREFIX[ctx.up.format];
    if (prefix) expect(body).not.toContain(prefix);
    for (const token of first.reply.signatures) expect(body).not.toContain(token);
  },
};

/** The reasoning rows, in report order. */
export const THINKING_CASES: Case[] = [sameProvider, otherProvider];
