/**
 * OpenAI clients routed to Groq (the `groq` preset): clients replay the assistant messages they
 * got, with fields Groq's validator refuses in the history (`reasoning_content` from a DeepSeek or
 * vLLM turn, `refusal` and `annotations` as the OpenAI SDK returns them, a chat app's `metadata`),
 * each a 400 naming the property. The preset keeps only the fields of each message role.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { openaiCompletion } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useCompatHunt } from './compat-hunt.ts';
import { strictGroq } from './strict-compat-upstreams.ts';

const hunt = useCompatHunt(`
providers:
  groq: { preset: groq, base_url: UPSTREAM/openai/v1, keys: [groq-upstream-key-1], allow_private_network: true }
  plain: { type: openai, base_url: UPSTREAM/openai/v1, keys: [groq-upstream-key-2], allow_private_network: true, models: [llama-3.3-70b-versatile] }
`);

const history = (model: string): OpenAI.ChatCompletionCreateParamsNonStreaming => ({
  model,
  messages: [
    { role: 'user', content: 'Hi', metadata: { ts: 1 } } as OpenAI.ChatCompletionMessageParam,
    { role: 'assistant', content: 'Hello.', refusal: null, annotations: [], reasoning_content: 'A greeting.' } as OpenAI.ChatCompletionMessageParam,
    { role: 'user', content: 'How are you?' },
  ],
});

test('a replayed history reaches Groq with only the fields each role takes', async () => {
  hunt.h.up.next(strictGroq(openaiCompletion({ content: 'Fine.' }, 'stop')));
  const r = await hunt.oai.chat.completions.create(history('groq/llama-3.3-70b-versatile'));
  expect(r.choices[0]!.message.content).toBe('Fine.');
  expect(hunt.h.up.requests[0]!.body.messages).toEqual([
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: 'How are you?' },
  ]);
});

test('without the preset, each property Groq refuses goes as its 400 names it: served, and the next turn at once', async () => {
  const fine = strictGroq(openaiCompletion({ content: 'Fine.' }, 'stop'));
  hunt.h.up.next(fine, fine, fine, fine, fine, fine);
  const r = await hunt.oai.chat.completions.create(history('plain/llama-3.3-70b-versatile'));
  expect(r.choices[0]!.message.content).toBe('Fine.');
  // One refusal per property: metadata, refusal, annotations, reasoning_content.
  expect(hunt.h.up.requests).toHaveLength(5);
  expect(hunt.h.up.requests[0]!.body.messages).toEqual(history('x').messages);
  await hunt.oai.chat.completions.create(history('plain/llama-3.3-70b-versatile'));
  expect(hunt.h.up.requests).toHaveLength(6);
  expect(hunt.h.up.requests[5]!.body.messages).toEqual([
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: 'How are you?' },
  ]);
});
