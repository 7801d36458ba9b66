/**
 * What OpenAI's reasoning models behind a proxy no preset knows (an Azure deployment, a corporate
 * gateway) refuse of what clients send, and a strict server too:
 * - the output-token limit has two names, and each is refused somewhere: `max_tokens` ("Unsupported
 *   parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens'
 *   instead."), which Cline, Continue and the converted lane send; `max_completion_tokens`, which
 *   newer OpenAI SDK clients send, by a server that defines only the other;
 * - sampling parameters the model takes only at its defaults ("Unsupported value: 'temperature'
 *   does not support 0.2 with this model. Only the default (1) value is supported.").
 * The gateway sends the request once more as the upstream takes it, and the model's later requests
 * go so at once.
 */
import { expect, test } from 'bun:test';
import { json, openaiCompletion, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useScriptedKit } from './scripted-kit.ts';

const kit = useScriptedKit(`
  corp: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-corp-000001], allow_private_network: true }
  local: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-local-000001], allow_private_network: true }
  corp-responses: { type: openai-responses, base_url: "UPSTREAM/v1", keys: [sk-corp-000002], allow_private_network: true }
`);

/** OpenAI's check for a reasoning model: its limit's name, then its sampling parameters, one at a time. */
function reasoningModel(reply: Reply): Reply {
  return (rec: Recorded) => {
    if ('max_tokens' in rec.body) {
      return json({ error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } }, 400)(rec);
    }
    if (rec.body.temperature !== undefined && rec.body.temperature !== 1) {
      const message = `Unsupported value: 'temperature' does not support ${String(rec.body.temperature)} with this model. Only the default (1) value is supported.`;
      return json({ error: { message, type: 'invalid_request_error', param: 'temperature', code: 'unsupported_value' } }, 400)(rec);
    }
    if (rec.body.top_p !== undefined) {
      return json({ error: { message: "Unsupported parameter: 'top_p' is not supported with this model.", type: 'invalid_request_error', param: 'top_p', code: 'unsupported_parameter' } }, 400)(rec);
    }
    return reply(rec);
  };
}

/** A FastAPI server that defines only `max_tokens`. */
function strictServer(reply: Reply): Reply {
  return (rec: Recorded) => 'max_completion_tokens' in rec.body
    ? json({ detail: [{ type: 'extra_forbidden', loc: ['body', 'max_completion_tokens'], msg: 'Extra inputs are not permitted', input: rec.body.max_completion_tokens }] }, 422)(rec)
    : reply(rec);
}

const answer = openaiCompletion({ role: 'assistant', content: 'Done.' }, 'stop');

test('a client\'s max_tokens to a reasoning model behind a proxy: sent as max_completion_tokens, and the next request at once', async () => {
  kit.up.next(reasoningModel(answer), reasoningModel(answer), reasoningModel(answer));
  const ask = () => kit.openai.chat.completions.create({ model: 'corp/o4-mini', max_tokens: 2000, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
  expect((await ask()).choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens])).toEqual([[2000, undefined], [undefined, 2000]]);
  await ask();
  expect(kit.up.requests).toHaveLength(3);
  expect(kit.up.requests[2]!.body.max_completion_tokens).toBe(2000);
});

test('Claude Code\'s max_tokens on the converted lane, to the same kind of model: served the same way', async () => {
  kit.up.next(reasoningModel(answer), reasoningModel(answer));
  const msg = await kit.anthropic.messages.create({ model: 'corp/o3', max_tokens: 8000, messages: [{ role: 'user', content: 'Hi' }] });
  expect(msg.content).toMatchObject([{ type: 'text', text: 'Done.' }]);
  expect(kit.up.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens])).toEqual([[8000, undefined], [undefined, 8000]]);
});

test('max_completion_tokens refused by a strict server: sent as max_tokens', async () => {
  kit.up.next(strictServer(answer), strictServer(answer));
  const res = await kit.openai.chat.completions.create({ model: 'local/qwen3-coder', max_completion_tokens: 500, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
  expect(res.choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens])).toEqual([[undefined, 500], [500, undefined]]);
});

test('sampling parameters a reasoning model takes only at its defaults: sent again without them, and the next request at once', async () => {
  kit.up.next(reasoningModel(answer), reasoningModel(answer), reasoningModel(answer), reasoningModel(answer));
  const ask = () => kit.openai.chat.completions.create({ model: 'corp/gpt-5-mini', temperature: 0.2, top_p: 0.9, messages: [{ role: 'user', content: 'Hi' }] });
  expect((await ask()).choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => [r.body.temperature, r.body.top_p])).toEqual([[0.2, 0.9], [undefined, 0.9], [undefined, undefined]]);
  await ask();
  expect(kit.up.requests).toHaveLength(4);
  expect(kit.up.requests[3]!.body).not.toContainKeys(['temperature', 'top_p']);
});

test('a sampling value the server finds out of range is the client\'s to fix: its 400 reaches it', async () => {
  kit.up.next(json({ error: { message: 'temperature: Input should be less than or equal to 1', type: 'invalid_request_error' } }, 400));
  const err = await kit.openai.chat.completions.create({ model: 'local/qwen3-coder', temperature: 1.5, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
  expect((err as { status?: number }).status).toBe(400);
  expect(kit.up.requests).toHaveLength(1);
});

test('Claude Opus 4.8 through an OpenAI-compatible router ("temperature is deprecated for this model."): left out before it goes; under another name, after the refusal', async () => {
  const deprecated: Reply = (rec: Recorded) => (rec.body.temperature !== undefined
    ? json({ error: { message: 'temperature is deprecated for this model.', type: 'invalid_request_error', param: null, code: 400 } }, 400)(rec)
    : answer(rec));
  kit.up.next(deprecated, deprecated, deprecated);
  const ask = (model: string) => kit.openai.chat.completions.create({ model, temperature: 0.2, messages: [{ role: 'user', content: 'Hi' }] });
  expect((await ask('corp/anthropic/claude-opus-4.8')).choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => r.body.temperature)).toEqual([undefined]);
  expect((await ask('corp/house-opus')).choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => r.body.temperature)).toEqual([undefined, 0.2, undefined]);
});

test('a Responses client\'s temperature to a reasoning model on a Responses upstream: sent again without it, and the next request at once', async () => {
  const completed = json({
    id: 'resp_1', object: 'response', status: 'completed', model: 'gpt-5',
    output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] }],
    usage: { input_tokens: 9, output_tokens: 2, total_tokens: 11 },
  });
  const refusing: Reply = (rec: Recorded) => (rec.body.temperature !== undefined
    ? json({ error: { message: "Unsupported parameter: 'temperature' is not supported with this model.", type: 'invalid_request_error', param: 'temperature', code: 'unsupported_parameter' } }, 400)(rec)
    : completed(rec));
  kit.up.next(refusing, refusing, refusing);
  const ask = () => kit.openai.responses.create({ model: 'corp-responses/gpt-5', temperature: 0.3, input: 'Hi' });
  expect((await ask()).output_text).toBe('Done.');
  expect(kit.up.requests.map((r) => r.body.temperature)).toEqual([0.3, undefined]);
  await ask();
  expect(kit.up.requests.map((r) => r.body.temperature)).toEqual([0.3, undefined, undefined]);
});

test('Claude Code\'s effort max (xhigh) to a model that lists fewer efforts: sent with the highest it takes, and the next turn at once', async () => {
  const efforts: Reply = (rec: Recorded) => (rec.body.reasoning_effort === 'xhigh'
    ? json({ error: { message: "Unsupported value: 'reasoning_effort' does not support 'xhigh' with this model. Supported values are: 'low', 'medium', and 'high'.", type: 'invalid_request_error', param: 'reasoning_effort', code: 'unsupported_value' } }, 400)(rec)
    : answer(rec));
  kit.up.next(efforts, efforts, efforts);
  const turn = () => kit.anthropic.messages.create({
    model: 'corp/gpt-5-codex', max_tokens: 4000, thinking: { type: 'adaptive' }, output_config: { effort: 'max' }, messages: [{ role: 'user', content: 'Plan it.' }],
  } as never);
  expect((await turn()).content).toMatchObject([{ type: 'text', text: 'Done.' }]);
  expect(kit.up.requests.map((r) => r.body.reasoning_effort)).toEqual(['xhigh', 'high']);
  await turn();
  expect(kit.up.requests.map((r) => r.body.reasoning_effort)).toEqual(['xhigh', 'high', 'high']);
});

test('Codex\'s effort minimal to a Responses model that lists its efforts: sent with the nearest one up', async () => {
  const completed = json({
    id: 'resp_2', object: 'response', status: 'completed', model: 'gpt-5.1',
    output: [{ type: 'message', id: 'msg_2', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] }],
    usage: { input_tokens: 9, output_tokens: 2, total_tokens: 11 },
  });
  const efforts: Reply = (rec: Recorded) => ((rec.body.reasoning as { effort?: string } | undefined)?.effort === 'minimal'
    ? json({ error: { message: "Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model. Supported values are: 'none', 'low', 'medium', and 'high'.", type: 'invalid_request_error', param: 'reasoning.effort', code: 'unsupported_value' } }, 400)(rec)
    : completed(rec));
  kit.up.next(efforts, efforts, efforts);
  const ask = () => kit.openai.responses.create({ model: 'corp-responses/gpt-5.1', reasoning: { effort: 'minimal', summary: 'auto' }, input: 'Hi' });
  expect((await ask()).output_text).toBe('Done.');
  expect(kit.up.requests.map((r) => r.body.reasoning)).toEqual([{ effort: 'minimal', summary: 'auto' }, { effort: 'low', summary: 'auto' }]);
  await ask();
  expect(kit.up.requests.at(-1)!.body.reasoning).toEqual({ effort: 'low', summary: 'auto' });
  expect(kit.up.requests).toHaveLength(3);
});
