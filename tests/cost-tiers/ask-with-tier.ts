/**
 * One "hi" through the gateway with the official `openai` SDK, on Chat Completions (to
 * `oai/gpt-5`, a Chat upstream) or Responses (to `rsp/gpt-5`, a Responses upstream), with a
 * `service_tier` or none, streamed or not, read whole.
 */
import type OpenAI from 'openai';
import type { Lane, TierKit } from './tier-kit.ts';

export type Api = 'chat' | 'responses';

export interface Answer {
  requestId: string;
  text: string;
  /** The `service_tier` the upstream received (undefined: none). */
  sent: unknown;
}

export async function askWithTier(kit: TierKit, api: Api, lane: Lane, tier: string | undefined, stream: boolean): Promise<Answer> {
  const client = kit.clients[lane];
  // Any name: the tests also ask for tiers the SDK's type does not list.
  const asked: Asked = tier === undefined ? {} : { service_tier: tier as Asked['service_tier'] };
  const { text, response } = api === 'chat' ? await askChat(client, asked, stream) : await askResponses(client, asked, stream);
  const upstream = api === 'chat' ? kit.chat.requests : kit.responses.requests;
  return { requestId: response.headers.get('x-request-id') ?? '', text, sent: (upstream.at(-1)?.body as Record<string, unknown>).service_tier };
}

type Asked = { service_tier?: OpenAI.Chat.ChatCompletionCreateParams['service_tier'] };

async function askChat(client: OpenAI, asked: Asked, stream: boolean): Promise<{ text: string; response: Response }> {
  const base = { model: 'oai/gpt-5', messages: [{ role: 'user' as const, content: 'hi' }], ...asked };
  if (!stream) {
    const { data, response } = await client.chat.completions.create(base).withResponse();
    return { text: data.choices[0]?.message.content ?? '', response };
  }
  const { data, response } = await client.chat.completions.create({ ...base, stream: true }).withResponse();
  let text = '';
  for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
  return { text, response };
}

async function askResponses(client: OpenAI, asked: Asked, stream: boolean): Promise<{ text: string; response: Response }> {
  const base = { model: 'rsp/gpt-5', input: 'hi', ...asked };
  if (!stream) {
    const { data, response } = await client.responses.create(base).withResponse();
    return { text: data.output_text, response };
  }
  const { data, response } = await client.responses.create({ ...base, stream: true }).withResponse();
  let text = '';
  for await (const event of data) if (event.type === 'response.output_text.delta') text += event.delta;
  return { text, response };
}
