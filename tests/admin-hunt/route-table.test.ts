/**
 * Every route the API reference (`/docs/openapi.json`) lists is served by the shell. The Gemini
 * translator's `/v1alpha/models/{model}:generateContent` (documented in translation.md, listed
 * in `/docs`) answered the shell's JSON 404 "Not found." to every caller, key or not: the shell
 * only handed `/v1/*` and `/v1beta/*` to the gateway.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

let t: AdminGateway;
beforeAll(async () => {
  t = await startAdminGateway();
});
afterAll(() => t.stop());

const SHELL_404 = '{"error":{"message":"Not found.","type":"invalid_request_error","param":null,"code":"not_found"}}';

describe('the API reference is built quietly', () => {
  test('building /docs/openapi.json writes no warning (with a stack) to the console', async () => {
    const warned: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warned.push(args);
    try {
      // A gateway of its own: the spec is built once per shell.
      const fresh = await startAdminGateway();
      try {
        expect((await fetch(`${fresh.url}/docs/openapi.json`)).status).toBe(200);
      } finally {
        await fresh.stop();
      }
    } finally {
      console.warn = original;
    }
    expect(warned.map((a) => String(a[0]))).toEqual([]);
  });
});

describe('the API reference lists only routes that are served', () => {
  test('no listed route answers the shell\'s "Not found." (with the admin token or a client key)', async () => {
    const spec = await (await fetch(`${t.url}/docs/openapi.json`)).json() as { paths: Record<string, Record<string, unknown>> };
    const unserved: string[] = [];
    for (const [template, methods] of Object.entries(spec.paths)) {
      const path = template.replace(/\{[^}]+\}/g, 'x');
      for (const method of Object.keys(methods)) {
        const auth = path.startsWith('/api/') ? `Bearer ${t.gw.adminToken}` : `Bearer ${t.key}`;
        const res = await fetch(t.url + path, { method: method.toUpperCase(), headers: { authorization: auth, 'content-type': 'application/json' }, body: method === 'get' ? undefined : '{}' });
        if (res.status === 404 && (await res.text()) === SHELL_404) unserved.push(`${method.toUpperCase()} ${template}`);
      }
    }
    expect(unserved).toEqual([]);
  });

  test('Gemini under /v1alpha answers like /v1beta', async () => {
    for (const version of ['v1beta', 'v1alpha']) {
      const res = await fetch(`${t.url}/${version}/models/mock%2Fecho:generateContent`, {
        method: 'POST', headers: { 'x-goog-api-key': t.key, 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }),
      });
      expect([version, res.status]).toEqual([version, 200]);
      expect((await res.json()).candidates[0].content.parts[0].text).toBe('hello');
    }
    const anon = await fetch(`${t.url}/v1alpha/models/mock%2Fecho:generateContent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anon.status).toBe(401);
  });
});
