/**
 * Gemini CLI writes its thinking settings for the model it asked for: a level for Gemini 3
 * (`thinkingLevel: HIGH`), a budget for 2.5. When the gateway serves another family (an alias, a
 * combo's next target when the Gemini 3 Pro quota runs out), the API refuses the turn: "Thinking
 * level is not supported for this model.", "Budget 0 is invalid. This model only works in
 * thinking mode.", "You can only set only one of thinking budget and thinking level.". On the
 * passthrough lane the settings are fitted to the target's family, as the converted lane fits
 * them.
 */
import { GoogleGenAI, ThinkingLevel } from '@google/genai';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useGeminiKit } from './gemini-kit.ts';

const kit = useGeminiKit({}, `aliases:
  gemini-3-pro-preview: gem/gemini-2.5-flash
  gemini-2.5-pro: gem/gemini-2.5-pro
  gemini-3-flash-preview: gem/gemini-3-flash-preview
`);

type Sent = { generationConfig?: { thinkingConfig?: Record<string, unknown> } };
const sentThinking = () => (kit.mock.lastBody() as Sent | undefined)?.generationConfig?.thinkingConfig;

test('the mock refuses a level for a 2.5 model (the tests below would catch it)', async () => {
  const direct = new GoogleGenAI({ apiKey: UPSTREAM_KEY, httpOptions: { baseUrl: kit.mock.url, apiVersion: 'v1beta' } });
  const err = await direct.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi', config: { thinkingConfig: { thinkingLevel: ThinkingLevel.HIGH } } }).catch((e: unknown) => e);
  expect((err as Error).message).toContain('Thinking level is not supported for this model.');
});

test('a Gemini 3 level served by 2.5 Flash goes as the budget of that effort', async () => {
  const res = await kit.gemini.models.generateContent({ model: 'gemini-3-pro-preview', contents: 'hi', config: { thinkingConfig: { thinkingLevel: ThinkingLevel.HIGH, includeThoughts: true } } });
  expect(res.text).toBe('hi');
  expect(kit.mock.requests.at(-1)!.path).toContain('gemini-2.5-flash:');
  expect(sentThinking()).toEqual({ thinkingBudget: 24576, includeThoughts: true });
});

test('thinking off for 2.5 Pro, which cannot stop thinking, goes as its least budget', async () => {
  const res = await kit.gemini.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi', config: { thinkingConfig: { thinkingBudget: 0 } } });
  expect(res.text).toBe('hi');
  expect(sentThinking()).toEqual({ thinkingBudget: 128 });
});

test('a level and a budget to Gemini 3: the level alone goes', async () => {
  const stream = await kit.gemini.models.generateContentStream({ model: 'gemini-3-flash-preview', contents: 'hi', config: { thinkingConfig: { thinkingLevel: ThinkingLevel.LOW, thinkingBudget: 2048 } } });
  let text = '';
  for await (const c of stream) text += c.text ?? '';
  expect(text).toBe('hi');
  expect(sentThinking()).toEqual({ thinkingLevel: 'LOW' });
});

test('settings that fit go as the client wrote them', async () => {
  await kit.gemini.models.generateContent({ model: 'gemini-3-flash-preview', contents: 'hi', config: { thinkingConfig: { thinkingLevel: ThinkingLevel.MEDIUM, includeThoughts: false } } });
  expect(sentThinking()).toEqual({ thinkingLevel: 'MEDIUM', includeThoughts: false });
});
