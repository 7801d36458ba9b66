import { expect, test } from 'bun:test';
import { isRevoked } from './oauth-error.ts';
import { errorOf } from './token-endpoint.ts';

test('RFC 6749 errors keep their code; an error object gives its code, then its type', () => {
  expect(errorOf({ error: 'invalid_grant', error_description: 'expired' }, 400)).toMatchObject({ code: 'invalid_grant', message: 'invalid_grant: expired' });
  const openai = errorOf({ error: { message: 'Your refresh token has already been used', type: 'invalid_request_error', code: 'refresh_token_reused' } } as never, 401);
  expect(openai).toMatchObject({ code: 'refresh_token_reused', status: 401 });
  expect(openai.message).toContain('already been used');
  expect(errorOf({ error: { type: 'not_found_error' } } as never, 404).code).toBe('not_found_error');
  expect(errorOf({}, 503).code).toBe('server_error');
});

test('a dead grant: RFC codes, the dead-refresh-token codes, or any 401 from the token endpoint', () => {
  expect(isRevoked(errorOf({ error: 'invalid_grant' }, 400))).toBe(true);
  expect(isRevoked(errorOf({ error: { code: 'refresh_token_expired', type: 'invalid_request_error' } } as never, 400))).toBe(true);
  expect(isRevoked(errorOf({ error: { type: 'invalid_request_error' } } as never, 401))).toBe(true);
  expect(isRevoked(errorOf({}, 503))).toBe(false);
  expect(isRevoked(errorOf({ error: { type: 'rate_limit_error' } } as never, 429))).toBe(false);
  expect(isRevoked(new Error('x'))).toBe(false);
});
