import { describe, expect, test } from 'bun:test';
import { toCodexBody } from './codex-adapter.ts';
import { AUTH_CLAIM, codexOAuth } from './codex-oauth.ts';
import { parseCodexRateLimits } from './parse-codex-rate-limits.ts';
import { sseToResponseJson } from './sse-to-response-json.ts';

const jwt = (claims: Record<string, unknown>) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('Codex rate-limit headers', () => {
  test('reset-at (epoch s) and reset-after (s) forms; names from the window length', () => {
    const h = new Headers({
      'x-codex-primary-used-percent': '42.5', 'x-codex-primary-window-minutes': '300', 'x-codex-primary-reset-at': '1900000000',
      'x-codex-secondary-used-percent': '7', 'x-codex-secondary-window-minutes': '10080', 'x-codex-secondary-reset-after-seconds': '60',
    });
    expect(parseCodexRateLimits(h, 1000)).toEqual([
      { name: '5h', usedPercent: 42.5, windowMinutes: 300, resetsAt: 1_900_000_000_000 },
      { name: '7d', usedPercent: 7, windowMinutes: 10_080, resetsAt: 61_000 },
    ]);
    expect(parseCodexRateLimits(new Headers({ 'x-codex-primary-used-percent': '5' }), 0)).toEqual([{ name: 'primary', usedPercent: 5 }]);
    expect(parseCodexRateLimits(new Headers(), 0)).toEqual([]);
  });
});

describe('Codex body', () => {
  test('streamed, unstored, with instructions, without refused parameters', () => {
    expect(toCodexBody({ model: 'm', input: 'x', stream: false, store: true, max_output_tokens: 100, temperature: 0.2, top_p: 1, metadata: {}, prompt_cache_retention: '24h' }, 'default'))
      .toEqual({ model: 'm', input: 'x', stream: true, store: false, instructions: 'default' });
    expect(toCodexBody({ instructions: 'mine' }, 'default').instructions).toBe('mine');
  });

  test('reasoning items without encrypted content are left out: the backend stores nothing to look their ids up in', () => {
    const input = [
      { type: 'message', role: 'user', content: 'q' },
      { type: 'reasoning', id: 'rs_1', summary: [] },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAAB' },
      { type: 'message', role: 'assistant', content: 'a' },
    ];
    expect((toCodexBody({ input }, 'd').input as Array<{ id?: string }>).map((i) => i.id)).toEqual([undefined, 'rs_2', undefined]);
  });

  test('a body without prompt_cache_key gets one from its user (Claude Code\'s session), stable and not revealing it; a client\'s own key stays', () => {
    const a = toCodexBody({ input: 'x', user: 'user_abc_account_1_session_42' }, 'd');
    expect(a.user).toBeUndefined();
    expect(a.prompt_cache_key).toMatch(/^sy-[0-9a-f]{32}$/);
    expect(toCodexBody({ input: 'y', user: 'user_abc_account_1_session_42' }, 'd').prompt_cache_key).toBe(a.prompt_cache_key);
    expect(toCodexBody({ input: 'x', user: 'user_abc_account_1_session_43' }, 'd').prompt_cache_key).not.toBe(a.prompt_cache_key);
    expect(toCodexBody({ input: 'x', user: 'u', prompt_cache_key: 'codex-session' }, 'd').prompt_cache_key).toBe('codex-session');
    expect(toCodexBody({ input: 'x' }, 'd').prompt_cache_key).toBeUndefined();
  });

  test('a system message in the input goes as developer (the backend refuses the system role)', () => {
    const input = [{ role: 'user', content: 'x' }, { type: 'message', role: 'system', content: 'Be brief.' }, { role: 'system', content: 'Use tabs.' }];
    expect((toCodexBody({ input }, 'd').input as Array<{ role?: string }>).map((i) => i.role)).toEqual(['user', 'developer', 'developer']);
    expect(input[1]!.role).toBe('system');
  });

  test('replayed output items lose the status the backend refuses on messages and function calls; custom tool calls keep theirs', () => {
    const input = [
      { role: 'user', content: 'x' },
      { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok' }] },
      { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'f', arguments: '{}', status: 'completed' },
      { type: 'function_call_output', call_id: 'c1', output: 'done', status: 'completed' },
      { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: 'p', status: 'completed' },
    ];
    const sent = toCodexBody({ input }, 'd').input as Array<Record<string, unknown>>;
    expect(sent.map((i) => i.status)).toEqual([undefined, undefined, undefined, undefined, 'completed']);
    expect(sent[1]).toEqual({ type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] });
    expect(input[1]!.status).toBe('completed');
  });
});

describe('SSE → JSON for non-streaming callers', () => {
  const sse = (events: unknown[]) => new Response(events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join(''), {
    headers: { 'content-type': 'text/event-stream' },
  });
  test('the terminal event carries the response object', async () => {
    const response = { id: 'resp_1', object: 'response', status: 'completed', output: [{ type: 'message' }] };
    const r = await sseToResponseJson(sse([{ type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } }, { type: 'response.output_text.delta', delta: 'x' }, { type: 'response.completed', response }]));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual(response);
  });
  test('a failed or truncated stream is a 502 error body', async () => {
    const failed = await sseToResponseJson(sse([{ type: 'response.failed', response: { id: 'r', status: 'failed', error: { code: 'server_error', message: 'boom' } } }]));
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ error: { code: 'server_error', message: 'boom' } });
    const cut = await sseToResponseJson(sse([{ type: 'response.created', response: { id: 'r' } }]));
    expect(cut.status).toBe(502);
  });
});

describe('auth.json import', () => {
  const parse = codexOAuth.importer!.parse;
  test('tokens, expiry from the access token, the ChatGPT account id', () => {
    const at = jwt({ exp: 1_900_000_000, [AUTH_CLAIM]: { chatgpt_account_id: 'acc-from-at' } });
    const { tokens } = parse({ OPENAI_API_KEY: null, tokens: { id_token: jwt({ email: 'a@b' }), access_token: at, refresh_token: 'rt', account_id: 'acc-file' } });
    expect(tokens).toMatchObject({ accessToken: at, refreshToken: 'rt', expiresAt: 1_900_000_000_000, extra: { accountId: 'acc-file' } });
    expect(parse({ tokens: { access_token: at } }).tokens.extra).toEqual({ accountId: 'acc-from-at' });
    expect(() => parse({ OPENAI_API_KEY: 'sk-x' })).toThrow(/ChatGPT/);
  });
});
