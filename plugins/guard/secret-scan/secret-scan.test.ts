import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '../../../core/types/hub.ts';
import { scanMessages } from './scan-texts.ts';
import { createSecretScanner, SECRET_PATTERNS } from './secret-patterns.ts';

// Built at run time, so this file itself holds no secret-shaped literal.
const rnd = (n: number, chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') =>
  Array.from({ length: n }, (_, i) => chars[(i * 7 + 3) % chars.length]).join('');
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SAMPLES: Record<string, string> = {
  'private-key': `-----BEGIN RSA PRIVATE KEY-----\nMIIEow${rnd(60)}\n${rnd(64)}\n-----END RSA PRIVATE KEY-----`,
  'aws-access-key-id': `AKIA${rnd(16, UP)}`,
  'github-token': `ghp_${rnd(36)}`,
  'gitlab-token': `glpat-${rnd(20)}`,
  'anthropic-api-key': `sk-ant-api03-${rnd(90)}`,
  'openai-api-key': `sk-proj-${rnd(120)}`,
  'google-api-key': `AIza${rnd(35)}`,
  'groq-api-key': `gsk_${rnd(52)}`,
  'huggingface-token': `hf_${rnd(34)}`,
  'slack-token': `xoxb-${rnd(12, '0123456789')}-${rnd(24)}`,
  'stripe-key': `sk_live_${rnd(24)}`,
  'npm-token': `npm_${rnd(36)}`,
  'switchyard-key': `sy-${rnd(40)}`,
  'jwt': `eyJ${rnd(20)}.eyJ${rnd(30)}.${rnd(43)}`,
};

describe('secret patterns', () => {
  const scanner = createSecretScanner('all', []);

  test('every built-in kind is found in context and replaced by its label', () => {
    expect(new Set(Object.keys(SAMPLES))).toEqual(new Set(SECRET_PATTERNS.map((p) => p.kind).filter((k) => k !== 'aws-secret-access-key')));
    for (const [kind, secret] of Object.entries(SAMPLES)) {
      const text = `const config = {\n  value: "${secret}",\n};`;
      const r = scanner.scan(text);
      expect(r.kinds).toEqual([kind]);
      expect(r.redacted).toBe(`const config = {\n  value: "[REDACTED ${kind}]",\n};`);
    }
  });

  test('a .env file: the labels stay, the values go', () => {
    const env = `AWS_ACCESS_KEY_ID=${SAMPLES['aws-access-key-id']}\nAWS_SECRET_ACCESS_KEY=${rnd(40, 'abcdefghij0123456789/+ABCDEFGHIJ')}\nOPENAI_API_KEY=${SAMPLES['openai-api-key']}\nDEBUG=true\n`;
    const r = scanner.scan(env);
    expect(r.kinds.sort()).toEqual(['aws-access-key-id', 'aws-secret-access-key', 'openai-api-key']);
    expect(r.redacted).toBe('AWS_ACCESS_KEY_ID=[REDACTED aws-access-key-id]\nAWS_SECRET_ACCESS_KEY=[REDACTED aws-secret-access-key]\nOPENAI_API_KEY=[REDACTED openai-api-key]\nDEBUG=true\n');
  });

  test("no false positives in this repository's own source code", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) files.push(p);
      }
    };
    for (const d of ['core', 'plugins', 'web/src']) walk(join(import.meta.dir, '..', '..', '..', d));
    expect(files.length).toBeGreaterThan(300);
    const hits = files.flatMap((f) => scanner.scan(readFileSync(f, 'utf8')).kinds.map((k) => `${f}: ${k}`));
    expect(hits).toEqual([]);
  });

  test('near misses are left alone', () => {
    for (const text of ['task-list-for-the-next-sprint-planning', 'sk-short', 'AKIA123', 'ghp_tooShort', 'sklearn-compatible', 'eyJhbGciOiJIUzI1NiJ9']) {
      expect(scanner.scan(text).kinds).toEqual([]);
    }
  });

  test('a subset of kinds, and custom kinds', () => {
    const only = createSecretScanner(['github-token'], [{ name: 'internal-token', pattern: 'itk_[a-f0-9]{32}' }]);
    const r = only.scan(`${SAMPLES['github-token']} ${SAMPLES['aws-access-key-id']} itk_${'ab12'.repeat(8)}`);
    expect(r.kinds).toEqual(['github-token', 'internal-token']);
    expect(r.redacted).toBe(`[REDACTED github-token] ${SAMPLES['aws-access-key-id']} [REDACTED internal-token]`);
  });
});

describe('scanMessages', () => {
  const scanner = createSecretScanner('all', []);

  test('text, tool calls and tool results are scanned; reasoning is not; a clean request is the same array', () => {
    const key = SAMPLES['github-token']!;
    const messages: Message[] = [
      { role: 'system', content: [{ type: 'text', text: 'You are helpful.' }] },
      { role: 'user', content: [{ type: 'text', text: `my token is ${key}` }] },
      { role: 'assistant', content: [
        { type: 'reasoning', text: `the user pasted ${key}`, signature: 'sig' },
        { type: 'tool-call', id: 't1', name: 'write', arguments: JSON.stringify({ token: key }) },
      ] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: `wrote ${key}` }] }] },
    ];
    const { messages: out, findings } = scanMessages(messages, scanner);
    expect(findings).toEqual([
      { kind: 'github-token', where: 'messages[1]' },
      { kind: 'github-token', where: 'messages[2].tool_call' },
      { kind: 'github-token', where: 'messages[3].tool_result' },
    ]);
    expect(out[0]).toBe(messages[0]!);
    expect(out[1]!.content[0]).toEqual({ type: 'text', text: 'my token is [REDACTED github-token]' });
    expect(out[2]!.content[0]).toBe(messages[2]!.content[0]!);
    expect(JSON.parse((out[2]!.content[1] as { arguments: string }).arguments)).toEqual({ token: '[REDACTED github-token]' });
    expect(JSON.stringify(out[3])).toContain('wrote [REDACTED github-token]');
    expect(messages[1]!.content[0]).toEqual({ type: 'text', text: `my token is ${key}` }); // the input is not modified

    const clean = [messages[0]!];
    expect(scanMessages(clean, scanner).messages).toBe(clean);
  });
});

describe('config', () => {
  test('kinds must be known; custom patterns must compile', async () => {
    const v = await import('valibot');
    const { SecretScanConfigSchema } = await import('./plugin.ts');
    expect(v.safeParse(SecretScanConfigSchema, { kinds: ['github-token', 'private-key'] }).success).toBe(true);
    expect(v.safeParse(SecretScanConfigSchema, { kinds: ['github-tokens'] }).success).toBe(false);
    expect(v.safeParse(SecretScanConfigSchema, { custom: [{ name: 'x', pattern: '(' }] }).success).toBe(false);
    expect(v.parse(SecretScanConfigSchema, {})).toEqual({ action: 'redact', kinds: 'all', custom: [] });
  });
});
