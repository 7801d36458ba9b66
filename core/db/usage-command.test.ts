import { describe, expect, test } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKeysRepo } from './keys-repo.ts';
import { openDatabase, openMemoryDatabase } from './open-database.ts';
import { usageCommand } from './usage-command.ts';
import type { UsageRow } from './usage-repo.ts';
import { createUsageWriter } from './usage-writer.ts';

const NOW = Date.UTC(2026, 10, 26, 12);
const row = (over: Partial<UsageRow>): UsageRow => ({
  requestId: `r${Math.random()}`, ts: NOW - 3_600_000, keyId: null, dialect: 'openai-chat', operation: 'chat', modelRequested: 'm',
  provider: 'openai', account: null, upstreamModel: 'gpt-4o', status: 'ok', httpStatus: 200, errorCode: null, inputTokens: 100,
  outputTokens: 10, cachedTokens: 0, reasoningTokens: 0, estimated: false, costUsd: 0.001, latencyMs: 5, ttftMs: null, attempts: 1,
  stream: false, cached: false, ...over,
});

function run(db: ReturnType<typeof openMemoryDatabase>, days?: string, by?: string): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = usageCommand({ db, days, by, now: NOW, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('switchyard usage', () => {
  const db = openMemoryDatabase();
  const key = createKeysRepo(db).createKey({ name: 'alice' }).info;
  const w = createUsageWriter(db.sqlite);
  w.record(row({ costUsd: 0.5, inputTokens: 1000, keyId: key.id }));
  w.record(row({ costUsd: 0.25, keyId: key.id }));
  w.record(row({ provider: 'groq', upstreamModel: 'llama', costUsd: 0.01, status: 'error', httpStatus: 502 }));
  w.record(row({ ts: NOW - 10 * 86_400_000, costUsd: 9 })); // outside 7 days
  w.close();

  test('by model: most expensive first, errors counted, a total, older rows left out', () => {
    const { code, out } = run(db);
    expect(code).toBe(0);
    expect(out[0]).toContain('last 7 days, by model');
    const lines = out.slice(1);
    expect(lines[0]).toMatch(/^model\s+requests\s+errors\s+input tokens\s+output tokens\s+cost USD$/);
    expect(lines[2]).toMatch(/^openai\/gpt-4o\s+2\s+0\s+1,100\s+20\s+0\.7500$/);
    expect(lines[3]).toMatch(/^groq\/llama\s+1\s+1\s+100\s+10\s+0\.0100$/);
    expect(lines.at(-1)).toMatch(/^total\s+3\s+1\s+1,200\s+30\s+0\.7600$/);
  });

  test('by key names the key; a wider window takes the old row in', () => {
    expect(run(db, '7', 'key').out.join('\n')).toContain(`alice (${key.id})`);
    expect(run(db, '30').out.at(-1)).toMatch(/^total\s+4\s+.*9\.76$/);
  });

  test('bad flags are exit code 2; an empty table says so', () => {
    expect(run(db, '0').code).toBe(2);
    expect(run(db, '7', 'colour').err[0]).toContain('--by takes one of');
    expect(run(openMemoryDatabase()).out.at(-1)).toBe('No requests.');
  });

  test('the CLI runs it on a data dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-usage-cli-'));
    const file = openDatabase(dir);
    const writer = createUsageWriter(file.sqlite);
    writer.record(row({ ts: Date.now() - 1000 }));
    writer.close();
    file.close();
    const cli = resolve(import.meta.dir, '..', 'cli.ts');
    const r = Bun.spawnSync([process.execPath, cli, 'usage', '--data-dir', dir, '--by', 'provider']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toMatch(/openai\s+1\s+0\s+100\s+10\s+0\.0010/);
  });
});
