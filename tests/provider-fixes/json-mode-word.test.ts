/**
 * OpenAI's JSON mode (`response_format: {type: json_object}`) refuses a conversation that never
 * says "json" ("'messages' must contain the word 'json' in some form"). Gemini's
 * `responseMimeType: application/json` has no such rule, so a Gemini client's prompt, translated
 * for an OpenAI upstream, was refused; the Responses API's `json_object` format, translated, too.
 * The gateway adds a one-line system instruction when the conversation does not say it.
 */
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useOpenAIKit } from './openai-upstream-kit.ts';

const kit = useOpenAIKit({ respond: () => ({ content: '{"colors":["red","green","blue"]}' }) });

const sentMessages = () => (kit.mock.requests.at(-1)!.body as { messages: Array<{ role: string; content: unknown }> }).messages;

test('the mock refuses JSON mode without the word, as OpenAI does (the tests below would catch it)', async () => {
  const direct = new OpenAI({ apiKey: UPSTREAM_KEY, baseURL: kit.mock.url, maxRetries: 0 });
  const err = await direct.chat.completions.create({ model: 'gpt-4o-mini', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'List three colors.' }] }).catch((e: unknown) => e);
  expect(String((err as Error).message)).toContain("must contain the word 'json'");
});

test('Gemini client, responseMimeType application/json without a schema: served, with an instruction that says JSON', async () => {
  const ai = new GoogleGenAI({ apiKey: kit.t.key, httpOptions: { baseUrl: kit.t.url, apiVersion: 'v1beta' } });
  const res = await ai.models.generateContent({ model: 'oai/gpt-4o-mini', contents: 'List three colors.', config: { responseMimeType: 'application/json' } });
  expect(JSON.parse(res.text!)).toEqual({ colors: ['red', 'green', 'blue'] });
  const messages = sentMessages();
  expect(messages[0]).toEqual({ role: 'system', content: 'Respond in JSON.' });
  expect(messages.at(-1)).toEqual({ role: 'user', content: 'List three colors.' });
});

test('Responses client with text.format json_object: served the same way', async () => {
  const openai = new OpenAI({ apiKey: kit.t.key, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
  const res = await openai.responses.create({ model: 'oai/gpt-4o-mini', input: 'List three colors.', text: { format: { type: 'json_object' } }, store: false });
  expect(JSON.parse(res.output_text)).toEqual({ colors: ['red', 'green', 'blue'] });
  expect(sentMessages()[0]).toEqual({ role: 'system', content: 'Respond in JSON.' });
});

test('a conversation that already says JSON goes as it is', async () => {
  const ai = new GoogleGenAI({ apiKey: kit.t.key, httpOptions: { baseUrl: kit.t.url, apiVersion: 'v1beta' } });
  await ai.models.generateContent({ model: 'oai/gpt-4o-mini', contents: 'List three colors as json.', config: { responseMimeType: 'application/json' } });
  expect(sentMessages()).toEqual([{ role: 'user', content: 'List three colors as json.' }]);
});
