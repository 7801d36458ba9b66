import { describe, expect, test } from 'bun:test';
import { validateGeminiRequest } from '../../../tests/helpers/mock-gemini-validate.ts';
import { SKIP_SIGNATURE } from './convert-to-gemini-request.ts';
import { fillPassthroughSignatures } from './fill-passthrough-signatures.ts';

const call = (name: string) => ({ functionCall: { name, args: {} } });
const answer = (name: string) => ({ functionResponse: { name, response: { output: 'ok' } } });

describe('fillPassthroughSignatures', () => {
  const body = {
    contents: [
      { role: 'user', parts: [{ text: 'old question' }] },
      { role: 'model', parts: [call('old')] },
      { role: 'user', parts: [answer('old')] },
      { role: 'user', parts: [{ text: 'weather?' }] },
      { role: 'model', parts: [{ text: 'checking' }, call('get_weather'), call('get_time')] },
      { role: 'user', parts: [answer('get_weather'), answer('get_time')] },
    ],
  };

  test('Gemini 3: the first unsigned call of each model turn of the current turn gets the documented dummy', () => {
    expect(validateGeminiRequest(body, 'gemini-3-pro-preview')).toContain('thought_signature');
    const out = fillPassthroughSignatures(body, 'gemini-3-pro-preview');
    expect(validateGeminiRequest(out, 'gemini-3-pro-preview')).toBeUndefined();
    const parts = (out.contents as Array<{ parts: Array<Record<string, unknown>> }>)[4].parts;
    expect(parts.map((p) => p.thoughtSignature)).toEqual([undefined, SKIP_SIGNATURE, undefined]);
    expect((out.contents as unknown[])[1]).toBe(body.contents[1]);
    expect(body.contents[4].parts[1]).toEqual(call('get_weather'));
  });

  test('signed calls, other models and bodies without calls come back as the same object', () => {
    const signedBody = { contents: [body.contents[3], { role: 'model', parts: [{ ...call('f'), thoughtSignature: 'CmockSig' }] }] };
    expect(fillPassthroughSignatures(signedBody, 'gemini-3-pro-preview')).toBe(signedBody);
    expect(fillPassthroughSignatures(body, 'gemini-2.5-flash')).toBe(body);
    const plain = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    expect(fillPassthroughSignatures(plain, 'gemini-3-pro-preview')).toBe(plain);
  });
});
