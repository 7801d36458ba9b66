/**
 * `POST /v1/messages/count_tokens` (Claude Code's context bookkeeping) with `@anthropic-ai/sdk`
 * as the client: routed like a message, it answers the count of the target's upstream (the
 * Anthropic API's own `count_tokens`, Gemini's `countTokens`, OpenAI's `input_tokens`, each
 * asked in its own format with the target's model and credentials), and the local estimate
 * when no target can count or the upstream fails. Auth and scope errors stay as they were.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { inputTokens, type MessagesBody } from '../helpers/mock-anthropic-replies.ts';
import { estimateAnthropicInputTokens } from '../../plugins/translator/anthropic-messages/count-anthropic-tokens.ts';
import { ANTHROPIC_KEY, claudeCodeTurn, countRows, GEMINI_COUNT, GEMINI_KEY, RESPONSES_COUNT, RESPONSES_KEY, startCountKit, type CountKit } from './exact-counts-kit.ts';
import { image } from '../helpers/test-images.ts';

let kit: CountKit;
let client: Anthropic;

beforeAll(async () => {
  kit = await startCountKit();
  client = new Anthropic({ apiKey: kit.gw.key, baseURL: kit.gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await kit?.stop();
});
beforeEach(() => kit.reset());

/** A real screenshot-sized PNG: toward Anthropic an image that cannot be read is left out. */
const SCREENSHOT = await image('png', 200, 150);
/** A Claude Code-like conversation with a screenshot (whose size the estimate cannot know). */
const conversation = (model: string) => claudeCodeTurn(model, [
  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: SCREENSHOT } },
  { type: 'text', text: 'And what does this screenshot show?' },
]);
const estimateOf = (params: Anthropic.MessageCountTokensParams) => estimateAnthropicInputTokens(params as never);

describe('count_tokens: the upstream counts', () => {
  test('an Anthropic upstream gets the client\'s own body with the target model and the account key; the count is its answer, not billed', async () => {
    const params = conversation('sonnet');
    const r = await client.messages.countTokens(params);
    const [seen] = kit.anthropicCounts();
    expect(seen).toBeDefined();
    expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(seen.headers['anthropic-version']).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(seen.body).toEqual({ ...params, model: 'claude-sonnet-4-5' });
    expect(r.input_tokens).toBe(inputTokens(seen.body as MessagesBody));
    expect(r.input_tokens).not.toBe(estimateOf(params));
    // Nothing billed, nothing recorded: counting is free and a client's bookkeeping.
    expect(await countRows(kit)).toEqual([]);
  });

  test('beta calls keep `?beta=true` (Claude Code\'s SDK adds it) and the client\'s beta flags, as a message would', async () => {
    const params = conversation('claude/claude-sonnet-4-5');
    const r = await client.beta.messages.countTokens({ ...params, betas: ['context-management-2025-06-27'] }, { query: { beta: 'true' } });
    const [seen] = kit.anthropicCounts();
    expect(seen.path).toBe('/v1/messages/count_tokens?beta=true');
    expect(seen.headers['anthropic-beta']?.split(',')).toContain('context-management-2025-06-27');
    expect(r.input_tokens).toBe(inputTokens(seen.body as MessagesBody));
  });

  test('a Claude subscription (claude-code) counts with its OAuth bearer, Claude Code\'s headers and system block', async () => {
    const r = await client.messages.countTokens(conversation('cc/claude-sonnet-4-5'));
    const [seen] = kit.anthropicCounts();
    expect(seen.headers.authorization).toBe(`Bearer ${ANTHROPIC_KEY}`);
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers['anthropic-beta']?.split(',')).toEqual(expect.arrayContaining(['oauth-2025-04-20', 'claude-code-20250219']));
    expect(seen.headers['user-agent']).toStartWith('claude-cli/');
    const body = seen.body as MessagesBody & { system: Array<{ text: string }> };
    expect(body.system[0].text).toBe("You are Claude Code, Anthropic's official CLI for Claude.");
    expect(body.model).toBe('claude-sonnet-4-5');
    expect(r.input_tokens).toBe(inputTokens(body));
  });

  test('→ a Gemini upstream: its countTokens of the converted request (generateContentRequest with the target model)', async () => {
    const r = await client.messages.countTokens(conversation('gem/gemini-2.5-flash'));
    expect(r.input_tokens).toBe(GEMINI_COUNT);
    const [seen] = kit.gem.requests;
    expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:countTokens');
    expect(seen.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    const req = (seen.body as { generateContentRequest: Record<string, unknown> }).generateContentRequest;
    expect(req.model).toBe('models/gemini-2.5-flash');
    expect(req.systemInstruction).toEqual({ parts: [{ text: 'You are a careful assistant.' }] });
    expect(JSON.stringify(req.tools)).toContain('"get_weather"');
    expect(JSON.stringify(req.contents)).toContain('"functionCall"');
    expect(JSON.stringify(req.contents)).toContain('"inlineData"');
  });

  test('→ a Responses upstream: its input_tokens of the converted request, count fields only', async () => {
    const r = await client.messages.countTokens(conversation('resp/gpt-5.4'));
    expect(r.input_tokens).toBe(RESPONSES_COUNT);
    const [seen] = kit.resp.requests;
    expect(seen.headers.authorization).toBe(`Bearer ${RESPONSES_KEY}`);
    const body = seen.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'gpt-5.4', instructions: 'You are a careful assistant.' });
    expect(Object.keys(body).sort()).toEqual(['input', 'instructions', 'model', 'tools']);
    expect(JSON.stringify(body.input)).toContain('"function_call_output"');
  });
});

describe('count_tokens: the estimate when the upstream cannot count', () => {
  test('an upstream 500', async () => {
    kit.anth.script([{ status: 500 }]);
    const params = conversation('claude/claude-sonnet-4-5');
    const r = await client.messages.countTokens(params);
    expect(kit.anthropicCounts()).toHaveLength(1);
    expect(r.input_tokens).toBe(estimateOf(params));
  });

  test('an upstream that does not answer in time (the provider\'s 300 ms limit)', async () => {
    kit.anth.script([{ hang: true }]);
    const params = conversation('slow/claude-sonnet-4-5');
    const started = Date.now();
    const r = await client.messages.countTokens(params);
    expect(kit.anthropicCounts()).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.input_tokens).toBe(estimateOf(params));
  });

  test('a target that cannot count (OpenAI Chat) is not asked: alone, the estimate; in a combo, the next target that can count answers', async () => {
    const params = conversation('chat/gpt-4o-mini');
    expect((await client.messages.countTokens(params)).input_tokens).toBe(estimateOf(params));
    expect((await client.messages.countTokens(conversation('chat-then-gemini'))).input_tokens).toBe(GEMINI_COUNT);
    expect(kit.oai.requests).toHaveLength(0);
    expect(kit.gem.requests).toHaveLength(1);
  });

  test('a count no target could answer is not a failure of record: no usage row, its event says countTokens, the overview counts no error', async () => {
    const failed: Array<{ operation?: string }> = [];
    const off = kit.gw.gw.bus.on('request:failed', (e) => void failed.push(e));
    try {
      const params = conversation('chat/gpt-4o-mini');
      expect((await client.messages.countTokens(params)).input_tokens).toBe(estimateOf(params));
      await kit.gw.settled();
      expect(failed.map((e) => e.operation)).toEqual(['countTokens']);
      expect(await countRows(kit)).toEqual([]);
      // Every request of this file is a count: the overview's window has none of them.
      const overview = await fetch(`${kit.gw.url}/api/overview`, { headers: { authorization: `Bearer ${kit.gw.gw.adminToken}` } });
      expect(overview.status).toBe(200);
      expect(((await overview.json()) as { window: { requests: number; errors: number } }).window).toMatchObject({ requests: 0, errors: 0 });
    } finally {
      off();
    }
  });

  test('an Anthropic-compatible vendor without count_tokens (404): the estimate, and that model is not asked again; messages still go', async () => {
    kit.anth.script([{ status: 404, body: { detail: 'Not Found' } }]);
    const params = conversation('glm/glm-4.6');
    for (let i = 0; i < 3; i++) expect((await client.messages.countTokens(params)).input_tokens).toBe(estimateOf(params));
    expect(kit.anthropicCounts()).toHaveLength(1);
    const reply = await client.messages.create({ model: 'glm/glm-4.6', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.content[0]).toMatchObject({ type: 'text' });
    // Another model of the same vendor is asked (an Anthropic 404 can mean one unknown model).
    const other = conversation('glm/glm-4.5');
    const r = await client.messages.countTokens(other);
    expect(kit.anthropicCounts()).toHaveLength(2);
    expect(r.input_tokens).toBe(inputTokens(kit.anthropicCounts()[1]!.body as MessagesBody));
  });

  test('an upstream 400 (a request its counting endpoint refuses)', async () => {
    kit.gem.script([{ status: 400 }]);
    const params = conversation('gem/gemini-2.5-flash');
    const r = await client.messages.countTokens(params);
    expect(kit.gem.requests).toHaveLength(1);
    expect(r.input_tokens).toBe(estimateOf(params));
  });
});

describe('count_tokens: the client\'s own errors stay', () => {
  test('without a valid key: 401 authentication_error and no upstream call; with it, the upstream\'s count', async () => {
    const anonymous = new Anthropic({ apiKey: 'not-a-key', baseURL: kit.gw.url, maxRetries: 0 });
    const err = await anonymous.messages.countTokens(conversation('sonnet')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(kit.anthropicCounts()).toHaveLength(0);
    const r = await client.messages.countTokens(conversation('sonnet'));
    expect(r.input_tokens).toBe(inputTokens(kit.anthropicCounts()[0].body as MessagesBody));
  });

  test('a model outside the key\'s scopes: 403 permission_error and no upstream call; inside them, the upstream\'s count', async () => {
    const scoped = new Anthropic({ apiKey: kit.scopedKey, baseURL: kit.gw.url, maxRetries: 0 });
    const err = await scoped.messages.countTokens(conversation('gem/gemini-2.5-flash')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((err as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(kit.gem.requests).toHaveLength(0);
    const r = await scoped.messages.countTokens(conversation('claude/claude-sonnet-4-5'));
    expect(r.input_tokens).toBe(inputTokens(kit.anthropicCounts()[0].body as MessagesBody));
  });
});
