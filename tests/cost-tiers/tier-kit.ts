/**
 * What the service-tier billing tests share: the mock OpenAI Chat and Responses upstreams,
 * answering with the tier asked for (as OpenAI does: `flex` and `priority` served as asked,
 * anything else as `default`) unless told otherwise, behind two gateways priced by the bundled
 * catalogue's `openai` preset: one on the passthrough lane, one on the translated lane (a
 * transformPart plugin turns passthrough off). Clients are the official `openai` SDK.
 */
import OpenAI from 'openai';
import type { GatewayEvents } from '../../core/bus/events.ts';
import { rowOf } from '../cost-hunt/client-calls.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

export type Lane = 'passthrough' | 'translated';
export const LANES: Lane[] = ['passthrough', 'translated'];

/** gpt-5 in the bundled catalogue, USD per 1M tokens. */
const GPT5 = {
  standard: { input: 1.25, cached: 0.125, output: 10 },
  flex: { input: 0.625, cached: 0.0625, output: 5 },
  priority: { input: 2.5, cached: 0.25, output: 20 },
};
export type PricedTier = keyof typeof GPT5;

/** The tokens every reply reports: 1000 in, 400 of them read from the prompt cache, 200 out. */
const TOKENS = { input: 1000, cached: 400, output: 200 };

/** What a reply of `TOKENS` costs at gpt-5's prices of `tier`. */
export function costAt(tier: PricedTier): number {
  const p = GPT5[tier];
  return ((TOKENS.input - TOKENS.cached) * p.input + TOKENS.cached * p.cached + TOKENS.output * p.output) / 1e6;
}

export interface TierKit {
  clients: Record<Lane, OpenAI>;
  chat: MockOpenAI;
  responses: MockResponses;
  /** What the next reply says served it: a tier name, or null for none (no `service_tier` field). */
  answerNext(tier: string | null): void;
  /** What a request cost (its usage row) and the tier its `response:completed` usage names. */
  billed(lane: Lane, requestId: string): Promise<{ costUsd: number; servedTier: string | undefined }>;
  stop(): Promise<void>;
}

const IDENTITY_PLUGIN = `export default { name: 'identity', kind: 'observer', apiVersion: 1,
  setup(ctx) { ctx.hook('transformPart', (p) => p); } };`;

/** Starts both upstreams and both gateways. */
export async function startTierKit(): Promise<TierKit> {
  const queued: Array<string | null> = [];
  const served = (body: Record<string, unknown>): string | null => {
    if (queued.length > 0) return queued.shift()!;
    return body.service_tier === 'flex' || body.service_tier === 'priority' ? body.service_tier : 'default';
  };
  const chat = await startMockOpenAI({
    respond: (body) => ({
      content: 'Hello there', serviceTier: served(body),
      usage: { prompt_tokens: TOKENS.input, completion_tokens: TOKENS.output, prompt_tokens_details: { cached_tokens: TOKENS.cached } },
    }),
  });
  const responses = await startMockResponses({
    respond: (body) => ({
      text: 'Hello there', serviceTier: served(body),
      usage: {
        input_tokens: TOKENS.input, input_tokens_details: { cached_tokens: TOKENS.cached },
        output_tokens: TOKENS.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: TOKENS.input + TOKENS.output,
      },
    }),
  });
  const providers = `
providers:
  oai: { preset: openai, base_url: "${chat.url}", keys: [sk-oai-tier-1234], allow_private_network: true }
  rsp: { preset: openai, type: openai-responses, base_url: "${responses.url}", keys: [sk-rsp-tier-1234], allow_private_network: true }
`;
  const passthrough = await startTestGateway(providers);
  const translated = await startTestGateway(`${providers}plugins:\n  - ./identity.ts\n`);
  await Bun.write(`${translated.dataDir}/identity.ts`, IDENTITY_PLUGIN);
  await translated.gw.reload();
  if (translated.gw.host.current.hooks.transformPart.length !== 1) throw new Error('the translated gateway has no transformPart hook');
  const gateways: Record<Lane, TestGateway> = { passthrough, translated };

  const completed = new Map<string, GatewayEvents['response:completed']>();
  for (const t of Object.values(gateways)) {
    t.gw.bus.on('response:completed', (e) => {
      completed.set(e.id, e);
    });
  }
  const client = (t: TestGateway) => new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });

  return {
    clients: { passthrough: client(passthrough), translated: client(translated) },
    chat,
    responses,
    answerNext: (tier) => void queued.push(tier),
    async billed(lane, requestId) {
      const t = gateways[lane];
      const row = await rowOf(t, requestId);
      await t.settled();
      const event = completed.get(requestId);
      if (!event) throw new Error(`no response:completed for ${requestId}`);
      return { costUsd: row.costUsd, servedTier: event.usage?.serviceTier };
    },
    async stop() {
      await Promise.all([passthrough.stop(), translated.stop()]);
      await Promise.all([chat.stop(), responses.stop()]);
    },
  };
}
