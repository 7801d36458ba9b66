/**
 * The four client dialects through one gateway model, with the official SDKs: `openai` (chat
 * completions and Responses), `@anthropic-ai/sdk` (Messages) and `@google/genai` (Gemini). Each
 * helper sends a non-streamed and a streamed request and returns both texts.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { TestGateway } from '../helpers/test-gateway.ts';

export interface DialectReplies {
  text: string;
  streamed: string;
}

export async function viaOpenAIChat(t: TestGateway, model: string, prompt: string): Promise<DialectReplies & { usage?: OpenAI.CompletionUsage }> {
  const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
  const r = await client.chat.completions.create({ model, max_tokens: 256, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: prompt }] });
  let streamed = '';
  const s = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: `${prompt} streamed` }] });
  for await (const c of s) streamed += c.choices[0]?.delta.content ?? '';
  return { text: r.choices[0].message.content ?? '', streamed, usage: r.usage };
}

export async function viaAnthropic(t: TestGateway, model: string, prompt: string): Promise<DialectReplies> {
  const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
  const r = await client.messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: prompt }] });
  const final = await client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: `${prompt} streamed` }] }).finalMessage();
  const text = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  return { text: text(r), streamed: text(final) };
}

export async function viaResponses(t: TestGateway, model: string, prompt: string): Promise<DialectReplies> {
  const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
  const r = await client.responses.create({ model, input: prompt, max_output_tokens: 256 });
  let streamed = '';
  const s = await client.responses.create({ model, input: `${prompt} streamed`, stream: true });
  for await (const e of s) if (e.type === 'response.output_text.delta') streamed += e.delta;
  return { text: r.output_text, streamed };
}

export async function viaGemini(t: TestGateway, model: string, prompt: string): Promise<DialectReplies> {
  const ai = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url, apiVersion: 'v1beta' } });
  const r = await ai.models.generateContent({ model, contents: prompt, config: { maxOutputTokens: 256 } });
  let streamed = '';
  for await (const c of await ai.models.generateContentStream({ model, contents: `${prompt} streamed` })) streamed += c.text ?? '';
  return { text: r.text ?? '', streamed };
}

export const DIALECTS = [
  ['openai chat', viaOpenAIChat],
  ['anthropic messages', viaAnthropic],
  ['openai responses', viaResponses],
  ['gemini', viaGemini],
] as const;
