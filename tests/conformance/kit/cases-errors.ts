/**
 * Error rows of the case table: an upstream error status reaches the client as its SDK's error
 * class with the gateway's status for it, and a stream that breaks after content went out makes
 * the SDK raise (never a silent, truncated success).
 *
 * Status policy (see docs/translation.md): 400 and 429 pass through; an upstream 401 is the
 * gateway's own credential problem, so the client gets 502; an upstream 500 is a 502.
 */
import { expect } from 'bun:test';
import type { Case } from './case-types.ts';
import { modelOf } from './matrix-context.ts';

/** Upstream status → the status the client must see. */
export const CLIENT_STATUS: Record<number, number> = { 400: 400, 401: 502, 429: 429, 500: 502 };

const PROMPT = 'Please stream this reply in several pieces for the test';

function upstreamError(status: number): Case {
  return {
    id: `upstream ${status} → client ${CLIENT_STATUS[status]}`,
    modes: ['non-stream', 'stream'],
    conversation: () => ({ turns: [{ role: 'user', text: PROMPT }] }),
    async run(ctx) {
      const before = ctx.up.received().length;
      ctx.up.failNext(status);
      const err = await ctx.driver.send(this.conversation(ctx), { model: modelOf(ctx.up), stream: ctx.stream }).then(() => undefined, (e: unknown) => e);
      ctx.up.disarm();
      expect(err).toBeInstanceOf(ctx.driver.errorClass(CLIENT_STATUS[status]));
      expect(ctx.driver.statusOf(err)).toBe(CLIENT_STATUS[status]);
      const type = ctx.driver.errorType(err) ?? '';
      expect({ type, ofDialect: ctx.driver.isDialectErrorType(type) }).toEqual({ type, ofDialect: true });
      expect(ctx.up.received().length - before).toBe(1);
    },
  };
}

const midStream: Case = {
  id: 'mid-stream upstream error',
  modes: ['stream'],
  conversation: () => ({ turns: [{ role: 'user', text: PROMPT }] }),
  async run(ctx) {
    const before = ctx.up.received().length;
    ctx.up.failNextMidStream();
    const err = await ctx.driver.send(this.conversation(ctx), { model: modelOf(ctx.up), stream: true }).then(() => undefined, (e: unknown) => e);
    ctx.up.disarm();
    expect(err).toBeDefined();
    expect(ctx.driver.isStreamError(err)).toBe(true);
    expect(ctx.up.received().length - before).toBe(1);
  },
};

/** The error rows, in report order. */
export const ERROR_CASES: Case[] = [upstreamError(400), upstreamError(401), upstreamError(429), upstreamError(500), midStream];
