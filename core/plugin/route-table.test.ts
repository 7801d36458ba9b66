import { describe, expect, test } from 'bun:test';
import { compileRoutes } from './route-table.ts';

describe('compileRoutes', () => {
  const table = compileRoutes([
    { method: 'POST', path: '/v1/chat/completions', value: 'chat' },
    { method: 'GET', path: '/v1/models', value: 'openai-list' },
    { method: 'GET', path: '/v1/models', header: 'anthropic-version', value: 'anthropic-list' },
    { method: 'GET', path: '/v1/models/:model', value: 'openai-one' },
    { method: 'GET', path: '/v1/models/:model', header: 'anthropic-version', value: 'anthropic-one' },
    { method: 'POST', path: '/v1/chat/completions', value: 'second' },
    { method: 'POST', path: '/v1beta/models/:model', value: 'gemini' },
  ]);
  const anthropic = new Headers({ 'anthropic-version': '2023-06-01' });

  test('static paths; the first route of a path wins', () => {
    expect(table.match('POST', '/v1/chat/completions')?.value).toBe('chat');
    expect(table.match('GET', '/v1/chat/completions')).toBeUndefined();
    expect(table.match('POST', '/v1/nope')).toBeUndefined();
  });

  test('a route with a header answers only requests that carry it, ahead of the plain one', () => {
    expect(table.match('GET', '/v1/models')?.value).toBe('openai-list');
    expect(table.match('GET', '/v1/models', new Headers())?.value).toBe('openai-list');
    expect(table.match('GET', '/v1/models', anthropic)?.value).toBe('anthropic-list');
    expect(table.match('GET', '/v1/models/up/m-1', anthropic)).toEqual({ value: 'anthropic-one', params: { model: 'up/m-1' } });
    expect(table.match('GET', '/v1/models/up/m-1', new Headers())).toEqual({ value: 'openai-one', params: { model: 'up/m-1' } });
    expect(table.match('POST', '/v1/chat/completions', anthropic)?.value).toBe('chat');
  });

  test('a path served only with a header is not found without it', () => {
    const only = compileRoutes([{ method: 'GET', path: '/v1/x', header: 'x-dialect', value: 1 }]);
    expect(only.match('GET', '/v1/x', new Headers({ 'x-dialect': 'a' }))?.value).toBe(1);
    expect(only.match('GET', '/v1/x', new Headers())).toBeUndefined();
    expect(only.match('GET', '/v1/x')).toBeUndefined();
  });

  test('a last :param takes the rest of the path, decoded', () => {
    expect(table.match('POST', '/v1beta/models/gemini%2F2.5-pro:generateContent')?.params).toEqual({ model: 'gemini/2.5-pro:generateContent' });
    expect(table.list()).toHaveLength(7);
  });

  test('a longer pattern is tried before a shorter one whose last :param would take its path', () => {
    const t = compileRoutes([
      { method: 'GET', path: '/v1/responses/:id', value: 'one' },
      { method: 'GET', path: '/v1/responses/:id/input_items', value: 'items' },
    ]);
    expect(t.match('GET', '/v1/responses/resp_1/input_items')).toEqual({ value: 'items', params: { id: 'resp_1' } });
    expect(t.match('GET', '/v1/responses/resp_1')).toEqual({ value: 'one', params: { id: 'resp_1' } });
  });
});
