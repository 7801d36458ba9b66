/**
 * Content rows of the case table: plain text, system prompt, multi-turn, base64 image,
 * structured JSON output and stop sequences.
 */
import { expect } from 'bun:test';
import type { Case } from './case-types.ts';
import {
  GEMINI_FORBIDDEN, isPassthrough, keysDeep, PNG, sendTurn, type MatrixContext, type TurnResult,
} from './matrix-context.ts';

const BOTH = ['non-stream', 'stream'] as const;

/** On the passthrough lane the upstream gets the client's body with only `model` replaced. */
function expectPassthroughBody(ctx: MatrixContext, turn: TurnResult): void {
  if (!isPassthrough(ctx)) return;
  const sent = ctx.driver.lastRequestBody();
  expect(sent).toBeDefined();
  const expected = sent && 'model' in sent ? { ...sent, model: ctx.up.model } : sent;
  expect(turn.received[0].body).toEqual(expected as Record<string, unknown>);
}

/** Where and how the request reached the upstream: endpoint, auth header, stream flags, required fields. */
function expectWireBasics(ctx: MatrixContext, turn: TurnResult): void {
  const { path, headers, body } = turn.received[0];
  if (ctx.up.format === 'gemini') {
    expect(path).toBe(`/v1beta/models/${ctx.up.model}:${ctx.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`);
    expect(headers['x-goog-api-key']?.length).toBeGreaterThan(0);
    return;
  }
  expect(body.stream === true).toBe(ctx.stream);
  if (ctx.up.format === 'openai') {
    expect(path).toBe('/v1/chat/completions');
    expect(headers.authorization).toStartWith('Bearer ');
    if (ctx.stream) expect(body.stream_options).toEqual({ include_usage: true });
  } else if (ctx.up.format === 'anthropic') {
    expect(path.split('?')[0]).toBe('/v1/messages');
    expect(headers['x-api-key']?.length).toBeGreaterThan(0);
    // The client's own version header when it sent one (the SDK does), else the gateway's default.
    expect(headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.max_tokens).toBeGreaterThan(0);
  } else {
    expect(path).toBe('/v1/responses');
    expect(headers.authorization).toStartWith('Bearer ');
    expect(body.store).toBe(false);
  }
}

const plain: Case = {
  id: 'plain text',
  modes: [...BOTH],
  conversation: () => ({ turns: [{ role: 'user', text: 'Hello from the conformance matrix' }] }),
  async run(ctx) {
    const turn = await sendTurn(ctx, this.conversation(ctx));
    expect(turn.reply.text).toBe('Hello from the conformance matrix');
    expect(turn.reply.finish).toBe('stop');
    expect(turn.reply.toolCalls).toEqual([]);
    expect(turn.reply.usage?.input).toBeGreaterThan(0);
    expect(turn.reply.usage?.output).toBeGreaterThan(0);
    expect(turn.view.turns.map((t) => [t.role, t.text])).toEqual([['user', 'Hello from the conformance matrix']]);
    expectWireBasics(ctx, turn);
    expectPassthroughBody(ctx, turn);
  },
};

const system: Case = {
  id: 'system prompt',
  modes: [...BOTH],
  conversation: () => ({ system: 'You are terse. Answer in French.', turns: [{ role: 'user', text: 'Say hello' }] }),
  async run(ctx) {
    const turn = await sendTurn(ctx, this.conversation(ctx));
    expect(turn.reply.text).toBe('Say hello');
    expect(turn.view.system).toBe('You are terse. Answer in French.');
    expect(turn.view.turns.map((t) => t.role)).toEqual(['user']);
  },
};

const multiTurn: Case = {
  id: 'multi-turn',
  modes: [...BOTH],
  conversation: () => ({
    turns: [
      { role: 'user', text: 'My name is Ada.' },
      { role: 'assistant', text: 'Nice to meet you, Ada.' },
      { role: 'user', text: 'What is my name?' },
    ],
  }),
  async run(ctx) {
    const turn = await sendTurn(ctx, this.conversation(ctx));
    expect(turn.reply.text).toBe('What is my name?');
    expect(turn.view.turns.map((t) => [t.role, t.text])).toEqual([
      ['user', 'My name is Ada.'], ['assistant', 'Nice to meet you, Ada.'], ['user', 'What is my name?'],
    ]);
  },
};

const image: Case = {
  id: 'image input (base64)',
  modes: [...BOTH],
  conversation: () => ({ turns: [{ role: 'user', text: 'Describe this image.', image: PNG }] }),
  async run(ctx) {
    const turn = await sendTurn(ctx, this.conversation(ctx));
    expect(turn.reply.text).toContain('Describe this image.');
    const user = turn.view.turns.at(-1)!;
    expect(user.text).toBe('Describe this image.');
    expect(user.images).toEqual([PNG]);
  },
};

const CITY = {
  type: 'object',
  properties: { city: { type: 'string' }, temperature: { type: 'number' } },
  required: ['city', 'temperature'],
  additionalProperties: false,
};

const json: Case = {
  id: 'structured JSON output',
  modes: [...BOTH],
  conversation: () => ({ turns: [{ role: 'user', text: 'Weather in Paris as JSON.' }], json: { name: 'city_weather', schema: CITY } }),
  async run(ctx) {
    const turn = await sendTurn(ctx, this.conversation(ctx));
    const answer = JSON.parse(turn.reply.text) as Record<string, unknown>;
    expect(typeof answer.city).toBe('string');
    expect(typeof answer.temperature).toBe('number');
    expect(turn.reply.finish).toBe('stop');
    expect(turn.reply.toolCalls).toEqual([]);
    expect(Object.keys((turn.view.json?.properties ?? {}) as object)).toEqual(['city', 'temperature']);
    if (ctx.up.format === 'gemini' && !isPassthrough(ctx)) {
      const bad = GEMINI_FORBIDDEN.filter((k) => keysDeep(turn.view.json).has(k));
      expect(bad).toEqual([]);
    }
  },
};

const stop: Case = {
  id: 'stop sequence',
  modes: [...BOTH],
  na: (d) => d.limits.stop,
  refusal: (_d, format) => (format === 'responses' ? 'the Responses API has no stop sequences' : undefined),
  conversation: () => ({ turns: [{ role: 'user', text: 'alpha beta STOP gamma delta' }], stop: ['STOP'] }),
  async run(ctx) {
    const turn = await sendTurn(ctx, this.conversation(ctx));
    expect(turn.reply.text).toContain('alpha beta');
    expect(turn.reply.text).not.toContain('gamma');
    expect(turn.reply.finish).toBe('stop');
    expect(turn.view.stop).toEqual(['STOP']);
  },
};

/** The content rows, in report order. */
export const CONTENT_CASES: Case[] = [plain, system, multiTurn, image, json, stop];
