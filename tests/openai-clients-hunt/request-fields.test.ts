import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { lastValidBody, readChunks, startHunt, UPSTREAMS, type Hunt } from './hunt-kit.ts';

/**
 * The settings and message shapes Continue, Aider (through LiteLLM) and Roo Code send besides
 * tools: developer and mid-conversation system messages, `name`, empty strings, both max-token
 * fields, sampling, `seed`, `user`, `logit_bias`, stop arrays, assistant prefill, structured
 * output. Each must reach the upstream as a body its API accepts, with what it can carry.
 */
let h: Hunt;
beforeAll(async () => { h = await startHunt(); });
afterAll(() => h.stop());

type Json = Record<string, unknown>;

function kitchenSink(model: string, stop: boolean): ChatCompletionCreateParamsStreaming {
  return {
    model,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 100,
    max_completion_tokens: 300,
    temperature: 0.2,
    top_p: 0.9,
    seed: 7,
    user: 'user-42',
    logit_bias: { 50256: -100 },
    logprobs: false,
    ...(stop ? { stop: ['\n\nHuman:', '<|im_end|>'] } : {}),
    messages: [
      { role: 'developer', content: 'Act as an expert software developer.' },
      { role: 'user', content: 'Here is my repo map.', name: 'alice' },
      { role: 'assistant', content: 'Ok, I will keep it in mind.' },
      { role: 'user', content: '' },
      { role: 'system', content: 'Reply in the same language as the user.' },
      { role: 'assistant', content: '' },
      { role: 'user', content: [{ type: 'text', text: 'Rename the function foo to bar.' }] },
    ],
  };
}

describe.each(UPSTREAMS)('request fields to %s', (up) => {
  test('a request with every common setting and message shape is accepted and mapped', async () => {
    const reply = await readChunks(await h.client.chat.completions.create(kitchenSink(h.model(up), up !== 'responses')), true);
    expect(reply.finish).toBe('stop');
    expect(reply.usage?.total_tokens).toBeGreaterThan(0);
    const body = lastValidBody(h, up);
    const text = JSON.stringify(body);
    // Fields no API but OpenAI's knows stay out of the body, whatever its schema allows.
    expect(text).not.toContain('logit_bias');
    expect(text).not.toContain('50256');
    expect(text).not.toContain('alice');
    if (up === 'anthropic') {
      expect(body.system).toEqual([{ type: 'text', text: 'Act as an expert software developer.' }, { type: 'text', text: 'Reply in the same language as the user.' }]);
      expect(body).toMatchObject({ max_tokens: 300, temperature: 0.2, stop_sequences: ['\n\nHuman:', '<|im_end|>'], metadata: { user_id: 'user-42' } });
      expect((body.messages as Json[]).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    } else if (up === 'gemini') {
      expect(body.systemInstruction).toEqual({ parts: [{ text: 'Act as an expert software developer.' }, { text: 'Reply in the same language as the user.' }] });
      expect(body.generationConfig).toMatchObject({ maxOutputTokens: 300, temperature: 0.2, topP: 0.9, seed: 7, stopSequences: ['\n\nHuman:', '<|im_end|>'] });
      expect((body.contents as Json[]).map((c) => c.role)).toEqual(['user', 'model', 'user']);
    } else {
      expect(body).toMatchObject({ instructions: 'Act as an expert software developer.', max_output_tokens: 300, temperature: 0.2, top_p: 0.9, user: 'user-42' });
      expect(text).toContain('Reply in the same language as the user.');
    }
  });

  test('stop sequences: sent where the API has them, a clear 400 where it has none', async () => {
    const ask = { model: h.model(up), stop: ['STOP'], messages: [{ role: 'user' as const, content: 'say a STOP b' }] };
    if (up !== 'responses') {
      const r = await h.client.chat.completions.create(ask);
      expect(r.choices[0].message.content).not.toContain('STOP');
      lastValidBody(h, up);
      return;
    }
    const before = h.bodies(up).length;
    const err = await h.client.chat.completions.create(ask).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error', code: 'GW_UNSUPPORTED', message: expect.stringContaining('Stop sequences') });
    expect(h.bodies(up).length).toBe(before);
  });

  test('assistant prefill (Aider continuing a cut reply): the last turn is the assistant one', async () => {
    const r = await h.client.chat.completions.create({
      model: h.model(up),
      messages: [{ role: 'user', content: 'Write a haiku' }, { role: 'assistant', content: 'Autumn moonlight \n' }],
    });
    expect(r.choices[0].finish_reason).toBe('stop');
    const body = lastValidBody(h, up);
    const last = JSON.stringify(up === 'anthropic' ? (body.messages as Json[]).at(-1) : up === 'gemini' ? (body.contents as Json[]).at(-1) : (body.input as Json[]).at(-1));
    expect(last).toContain(up === 'anthropic' ? '"text":"Autumn moonlight"' : 'Autumn moonlight \\n');
  });

  test('json_schema output, streamed: the content is the JSON answer', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    const stream = await h.client.chat.completions.create({
      model: h.model(up), stream: true, response_format: { type: 'json_schema', json_schema: { name: 'rename', schema, strict: true } },
      messages: [{ role: 'user', content: 'New name as JSON' }],
    });
    const reply = await readChunks(stream, false);
    lastValidBody(h, up);
    if (up === 'anthropic') expect(JSON.parse(reply.text)).toHaveProperty('name');
    expect(reply.finish).toBe('stop');
  });
});
