/**
 * The usage row and its cost for every client dialect × upstream wire format, streamed and not,
 * against a real gateway: tokens as the provider billed them (cached input and reasoning
 * counted once, each at its own price), and the usage the client was shown equal to the row.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { ask, rowOf, type Client } from './client-calls.ts';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';
import { BILLED, costOf, replyOf, type Upstream } from './wire-replies.ts';
import { gatewayYaml, ROUTE } from './cost-gateway.ts';

let up: ScriptedUpstream;
let t: TestGateway;

beforeAll(async () => {
  up = await startScriptedUpstream();
  t = await startTestGateway(gatewayYaml(up.origin));
});
afterAll(async () => {
  await t?.stop();
  await up?.stop();
});

const CLIENTS: Client[] = ['openai', 'anthropic', 'gemini', 'responses'];
const UPSTREAMS: Upstream[] = ['openai', 'anthropic', 'gemini', 'responses'];

describe('usage row and client usage, every dialect pair', () => {
  for (const client of CLIENTS) {
    for (const upstream of UPSTREAMS) {
      for (const stream of [false, true]) {
        test(`${client} client → ${upstream} upstream, ${stream ? 'stream' : 'non-stream'}`, async () => {
          const route = ROUTE[upstream];
          up.next(replyOf(upstream, stream));
          const r = await ask(t, client, route.alias, stream);
          expect(r.status).toBe(200);
          expect(r.text).toBe('Hello there');
          const row = await rowOf(t, r.requestId);
          const billed = BILLED[upstream];
          expect({
            status: row.status, provider: row.provider, upstreamModel: row.upstreamModel, attempts: row.attempts, estimated: row.estimated,
            inputTokens: row.inputTokens, outputTokens: row.outputTokens, cachedTokens: row.cachedTokens, reasoningTokens: row.reasoningTokens,
          }).toEqual({
            status: 'ok', provider: route.provider, upstreamModel: route.model, attempts: 1, estimated: false,
            inputTokens: billed.input, outputTokens: billed.output, cachedTokens: billed.cached, reasoningTokens: billed.reasoning,
          });
          expect(row.costUsd).toBeCloseTo(costOf(billed), 10);
          // What the client was told it used is what it is billed for.
          const seen = r.usage;
          expect(seen).toBeDefined();
          expect({ input: seen!.input, output: seen!.output, cached: seen!.cached }).toEqual({ input: row.inputTokens, output: row.outputTokens, cached: row.cachedTokens });
          if (seen!.reasoning !== undefined) expect(seen!.reasoning).toBe(row.reasoningTokens);
          if (seen!.cacheWrite !== undefined) expect(seen!.cacheWrite).toBe(billed.cacheWrite);
        });
      }
    }
  }
});
