import { expect, test } from 'bun:test';
import { isGatewayUrl } from './gateway-lane.ts';

test('isGatewayUrl: the /v1, /v1beta and /v1alpha lanes, nothing else', () => {
  for (const path of ['/v1/chat/completions', '/v1/models', '/v1beta/models/g:generateContent', '/v1alpha/models/g:generateContent']) {
    expect(isGatewayUrl(`http://127.0.0.1:20128${path}`)).toBe(true);
  }
  for (const path of ['/', '/v1', '/v10/x', '/v1betax/y', '/v1alphax/y', '/api/health', '/docs', '/x/v1/chat']) {
    expect(isGatewayUrl(`http://127.0.0.1:20128${path}`)).toBe(false);
  }
});
