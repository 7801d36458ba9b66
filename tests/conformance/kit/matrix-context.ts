/**
 * What a case gets to run one cell of the matrix (one client dialect × one upstream format ×
 * stream or not), and the checks every case shares: a turn is sent through the gateway, the
 * bodies the upstream received are collected and each must be valid for that API.
 */
import { expect } from 'bun:test';
import type { Conversation, Driver, Reply, ToolSpec } from './conformance-types.ts';
import type { UpstreamView } from './read-upstream-request.ts';
import type { Received, Upstream } from './start-upstreams.ts';

export interface MatrixContext {
  driver: Driver;
  up: Upstream;
  /** All four upstreams (for cross-provider turns). */
  all: Upstream[];
  stream: boolean;
}

/** The gateway model id that routes to `up`. */
export const modelOf = (up: Upstream): string => `${up.provider}/${up.model}`;

/** One turn's outcome: the client's reply and what the upstream received for it. */
export interface TurnResult {
  reply: Reply;
  received: Received[];
  /** Neutral view of the last received body. */
  view: UpstreamView;
}

/**
 * Sends `conv` to `target` (default: the cell's upstream) and checks that exactly one request
 * reached it and that its body is valid for that API.
 */
export async function sendTurn(ctx: MatrixContext, conv: Conversation, target: Upstream = ctx.up): Promise<TurnResult> {
  const before = target.received().length;
  const reply = await ctx.driver.send(conv, { model: modelOf(target), stream: ctx.stream });
  const received = target.received().slice(before);
  expect(received).toHaveLength(1);
  expectValidBody(target, received[0].body);
  return { reply, received, view: target.view(received[0].body) };
}

/** The upstream's schema finds no problem in the body. */
export function expectValidBody(up: Upstream, body: unknown): void {
  expect({ format: up.format, problems: up.problems(body) }).toEqual({ format: up.format, problems: [] });
}

/** Expects the SDK to reject with its error class for `status`; returns the error. */
export async function expectSdkError(ctx: MatrixContext, promise: Promise<unknown>, status: number): Promise<unknown> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ctx.driver.errorClass(status));
  expect(ctx.driver.statusOf(err)).toBe(status);
  return err;
}

/** True when the cell's client dialect is the upstream's own (the passthrough lane). */
export const isPassthrough = (ctx: MatrixContext, up: Upstream = ctx.up): boolean => up.nativeDialect === ctx.driver.dialect;

/** The upstream a client of this dialect reaches on the passthrough lane. */
export const nativeUpstream = (ctx: MatrixContext): Upstream => ctx.all.find((u) => u.nativeDialect === ctx.driver.dialect)!;

export const WEATHER: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      location: { type: 'string', description: 'City name' },
      unit: { $ref: '#/$defs/unit' },
    },
    required: ['location'],
    additionalProperties: false,
    $defs: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  },
};

export const TIME: ToolSpec = {
  name: 'get_time',
  description: 'Local time in a time zone.',
  schema: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'], additionalProperties: false },
};

/** A 1×1 PNG. */
export const PNG = {
  mediaType: 'image/png',
  data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
};

/** Keys a Gemini schema must never carry (the API answers 400 INVALID_ARGUMENT). */
export const GEMINI_FORBIDDEN = ['$schema', 'additionalProperties', '$defs', '$ref', '$comment'];

/** Every key used anywhere in a JSON value. */
export function keysDeep(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keysDeep(x, out);
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      keysDeep(x, out);
    }
  }
  return out;
}
