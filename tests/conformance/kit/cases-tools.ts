/**
 * Tool rows of the case table: a single tool call (with schema sanitizing for Gemini), two
 * parallel calls answered in one turn, and the tool-result round trip.
 */
import { expect } from 'bun:test';
import type { Case } from './case-types.ts';
import type { Conversation, Reply } from './conformance-types.ts';
import {
  GEMINI_FORBIDDEN, isPassthrough, keysDeep, sendTurn, TIME, WEATHER, type MatrixContext,
} from './matrix-context.ts';
import type { UpstreamView } from './read-upstream-request.ts';

const BOTH = ['non-stream', 'stream'] as const;
const ASK = 'What is the weather in Paris?';
const OUTPUT = 'sunny, 22 C';

/** Tool schemas reach Gemini in its OpenAPI subset; other upstreams keep the client's schema. */
function expectToolSchemas(ctx: MatrixContext, view: UpstreamView): void {
  const weather = view.tools.find((t) => t.name === 'get_weather');
  expect(weather).toBeDefined();
  expect(Object.keys((weather?.schema.properties ?? {}) as object)).toContain('location');
  if (ctx.up.format === 'gemini' && !isPassthrough(ctx)) {
    expect(GEMINI_FORBIDDEN.filter((k) => keysDeep(view.tools).has(k))).toEqual([]);
    expect((weather?.schema.properties as Record<string, { enum?: unknown }>).unit.enum).toEqual(['celsius', 'fahrenheit']);
  } else if (ctx.up.format !== 'gemini') {
    expect(weather?.schema.additionalProperties).toBe(false);
  }
}

/**
 * In the answering turn the upstream sees its assistant call and the result paired with it:
 * by id (and, where the client exposes ids, the very id the client got), by name for Gemini.
 */
function expectPaired(ctx: MatrixContext, view: UpstreamView, first: Reply): void {
  const calls = view.turns.flatMap((t) => t.calls);
  const results = view.turns.flatMap((t) => t.results);
  expect(calls.map((c) => c.name)).toEqual(first.toolCalls.map((c) => c.name));
  expect(results).toHaveLength(calls.length);
  calls.forEach((call, i) => {
    expect(call.args).toEqual(first.toolCalls[i].args);
    if (ctx.up.format === 'gemini') expect(results[i].name).toBe(call.name);
    else expect(results[i].id).toBe(call.id);
    if (ctx.driver.dialect !== 'gemini' && ctx.up.format !== 'gemini') expect(call.id).toBe(first.toolCalls[i].id);
  });
  const callTurn = view.turns.findIndex((t) => t.calls.length > 0);
  const resultTurn = view.turns.findIndex((t) => t.results.length > 0);
  expect(resultTurn).toBe(callTurn + 1);
}

const singleCall: Case = {
  id: 'single tool call',
  modes: [...BOTH],
  conversation: () => ({ tools: [WEATHER], turns: [{ role: 'user', text: ASK }] }),
  async run(ctx) {
    const turn = await sendTurn(ctx, this.conversation(ctx));
    expect(turn.reply.toolCalls).toHaveLength(1);
    const [call] = turn.reply.toolCalls;
    expect(call.name).toBe('get_weather');
    expect(call.args.location).toBe('Paris');
    if (ctx.driver.dialect !== 'gemini') expect(call.id.length).toBeGreaterThan(0);
    expect(turn.reply.finish).toBe('tool-calls');
    expectToolSchemas(ctx, turn.view);
  },
};

function answer(first: Reply, conv: Conversation, outputs: (name: string) => string): Conversation {
  return {
    ...conv,
    turns: [
      ...conv.turns,
      { role: 'assistant', reply: first },
      { role: 'tool', results: first.toolCalls.map((call) => ({ call, output: outputs(call.name) })) },
    ],
  };
}

const parallel: Case = {
  id: 'parallel tool calls',
  modes: [...BOTH],
  conversation: () => ({ tools: [WEATHER, TIME], turns: [{ role: 'user', text: 'What is the weather and the time in Paris?' }] }),
  async run(ctx) {
    const conv = this.conversation(ctx);
    ctx.up.parallelNext();
    const first = await sendTurn(ctx, conv).finally(() => ctx.up.disarm());
    expect(first.reply.toolCalls.map((c) => [c.name, c.args])).toEqual([
      ['get_weather', { location: 'Paris' }], ['get_time', { timezone: 'Europe/Paris' }],
    ]);
    if (ctx.driver.dialect !== 'gemini') expect(new Set(first.reply.toolCalls.map((c) => c.id)).size).toBe(2);
    expect(first.reply.finish).toBe('tool-calls');
    const second = await sendTurn(ctx, answer(first.reply, conv, (name) => (name === 'get_time' ? '14:05' : OUTPUT)));
    expectPaired(ctx, second.view, first.reply);
    expect(second.reply.text).toContain('The tool');
    expect(second.reply.toolCalls).toEqual([]);
  },
};

const roundTrip: Case = {
  id: 'tool result round trip',
  modes: [...BOTH],
  conversation: () => ({ tools: [WEATHER], turns: [{ role: 'user', text: ASK }] }),
  async run(ctx) {
    const conv = this.conversation(ctx);
    const first = await sendTurn(ctx, conv);
    expect(first.reply.toolCalls.map((c) => c.name)).toEqual(['get_weather']);
    const second = await sendTurn(ctx, answer(first.reply, conv, () => OUTPUT));
    expect(second.reply.text).toContain(OUTPUT);
    expect(second.reply.finish).toBe('stop');
    expectPaired(ctx, second.view, first.reply);
    expect(second.view.turns.flatMap((t) => t.results).map((r) => r.output)).toEqual([OUTPUT]);
  },
};

/** The tool rows, in report order. */
export const TOOL_CASES: Case[] = [singleCall, parallel, roundTrip];
