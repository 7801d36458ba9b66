import { afterEach, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type LoggerOptions, type RootLogger } from './create-logger.ts';

const dirs: string[] = [];
const loggers: RootLogger[] = [];
afterEach(() => {
  for (const l of loggers.splice(0)) l.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(over: Partial<LoggerOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sy-log-'));
  dirs.push(dir);
  const out: string[] = [];
  const log = createLogger({
    level: 'info',
    dataDir: dir,
    file: { enabled: true, maxMb: 1, keep: 2 },
    consoleWrite: (t) => out.push(t),
    color: false,
    now: () => new Date(2025, 0, 2, 12, 0, 1).getTime(),
    ...over,
  });
  loggers.push(log);
  const logFile = join(dir, 'logs', 'switchyard.log');
  const fileText = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const fileLines = () => fileText().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { dir, log, out, logFile, fileText, fileLines, consoleText: () => out.join('') };
}

describe('createLogger', () => {
  test('console: one human line per event with key=value fields', () => {
    const { log, consoleText } = setup();
    log.info('server started', { port: 20128, host: '127.0.0.1', note: 'two words', empty: '', obj: { a: 1 } });
    log.warn('slow');
    log.flush();
    expect(consoleText()).toBe(
      '12:00:01 INFO  server started port=20128 host=127.0.0.1 note="two words" empty="" obj={"a":1}\n' +
        '12:00:01 WARN  slow\n',
    );
  });

  test('console: a message quoting the client cannot forge a second line', () => {
    const { log, consoleText } = setup();
    log.info('req_1 200 up/gpt-4o\n12:00:00 ERROR admin token rotated');
    log.info('req_2 200', { model: 'x\nERROR forged' });
    log.flush();
    expect(consoleText().split('\n').filter(Boolean)).toHaveLength(2);
    expect(consoleText()).toContain('up/gpt-4o\\n12:00:00 ERROR');
  });

  test('file: JSON lines with time, level, msg and fields (reserved names kept apart)', () => {
    const { log, fileLines } = setup();
    log.error('upstream failed', { provider: 'groq', status: 502, msg: 'clash', err: new Error('bad gateway') });
    log.flush();
    const [line] = fileLines();
    expect(line).toEqual({
      time: new Date(2025, 0, 2, 12, 0, 1).toISOString(), level: 'error', msg: 'upstream failed',
      provider: 'groq', status: 502, field_msg: 'clash', err: { name: 'Error', message: 'bad gateway' },
    });
  });

  test('levels filter, setLevel changes it, child loggers carry their fields', () => {
    const { log, fileLines } = setup();
    log.debug('hidden');
    const child = log.child({ plugin: 'cache' }).child({ n: 1 });
    child.info('hit', { n: 2 });
    log.setLevel('debug');
    child.debug('now visible');
    log.flush();
    const lines = fileLines();
    expect(lines.map((l) => l.msg)).toEqual(['hit', 'now visible']);
    expect(lines[0]).toMatchObject({ plugin: 'cache', n: 2 });
    expect(lines[1]).toMatchObject({ plugin: 'cache', n: 1, level: 'debug' });
  });

  test('writes are batched off the caller path and land within flushMs', async () => {
    const { log, out, fileText } = setup({ flushMs: 20 });
    log.info('one');
    log.info('two');
    expect(out.length).toBe(0);
    expect(fileText()).toBe('');
    await Bun.sleep(60);
    expect(out.length).toBe(1); // both lines in one console write
    expect(fileText().split('\n').filter(Boolean).length).toBe(2);
  });

  test('a canary secret never reaches console or file, wherever it hides', () => {
    const canary = 'canary-7Hq2ZpX4vL9w';
    let secrets = [canary];
    const { log, consoleText, fileText } = setup({ level: 'debug', secrets: () => secrets });
    const child = log.child({ account: canary });
    child.info(`calling with ${canary}`, {
      key: canary,
      nested: { deeper: [{ v: `Bearer ${canary}` }] },
      [canary]: 1,
      err: new Error(`401 for key ${canary}`),
      headers: new Headers({ authorization: `Bearer ${canary}` }),
    });
    log.warn('pattern keys', { openai: 'sk-live1234567890abcdef', gemini: 'AIzaSyD-abcdefghijklmnopqrstuvwx', client: 'sy-ABCDEFGHIJ0123456789abcdefghij0123456789' });
    // A config reload swaps the secret list.
    const rotated = 'rotated-Qm4KcW8sTt2N';
    secrets = [rotated];
    log.setSecrets();
    log.info(`new ${rotated}`);
    log.setSecrets([canary, rotated]);
    log.error(`both ${canary} ${rotated}`);
    log.flush();
    for (const text of [consoleText(), fileText()]) {
      expect(text.length).toBeGreaterThan(200);
      expect(text).not.toContain(canary);
      expect(text).not.toContain(rotated);
      expect(text).not.toContain('sk-live1234567890abcdef');
      expect(text).not.toContain('AIzaSyD-abcdefghijklmnopqrstuvwx');
      expect(text).not.toContain('ABCDEFGHIJ0123456789abcdefghij0123456789');
      expect(text).toContain('***');
    }
    expect(log.redact(`x ${canary}`)).toBe('x ***');
  });

  test('size-based rotation keeps at most `keep` old files', () => {
    const { dir, log } = setup({ file: { enabled: true, maxMb: 0.01, keep: 2 }, console: false }); // ~10 KiB
    const pad = 'x'.repeat(200);
    for (let i = 0; i < 300; i++) {
      log.info(`line ${i}`, { pad });
      if (i % 10 === 9) log.flush();
    }
    log.flush();
    const files = readdirSync(join(dir, 'logs')).sort();
    expect(files).toEqual(['switchyard.log', 'switchyard.log.1', 'switchyard.log.2']);
    for (const f of files) expect(readFileSync(join(dir, 'logs', f)).length).toBeLessThanOrEqual(10_486 + 5_000);
    const newest = readFileSync(join(dir, 'logs', 'switchyard.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(newest[newest.length - 1]!).msg).toBe('line 299');
    const older = readFileSync(join(dir, 'logs', 'switchyard.log.1'), 'utf8').trim().split('\n');
    const olderLast = Number(String(JSON.parse(older[older.length - 1]!).msg).split(' ')[1]);
    const newestFirst = Number(String(JSON.parse(newest[0]!).msg).split(' ')[1]);
    expect(newestFirst).toBe(olderLast + 1); // nothing lost at the seam
  });

  test('no file without dataDir or when disabled; close stops file output', () => {
    const a = setup({ dataDir: undefined });
    a.log.info('console only');
    a.log.flush();
    expect(a.consoleText()).toContain('console only');
    const b = setup({ file: { enabled: false, maxMb: 1, keep: 1 } });
    b.log.info('x');
    b.log.flush();
    expect(existsSync(join(b.dir, 'logs'))).toBe(false);
    const c = setup();
    c.log.info('before');
    c.log.close();
    c.log.info('after');
    c.log.flush();
    expect(c.fileLines().map((l) => l.msg)).toEqual(['before']);
    expect(c.consoleText()).toContain('after');
  });

  test('buffered lines are written when the process exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-log-exit-'));
    dirs.push(dir);
    const code = `import { createLogger } from ${JSON.stringify(join(import.meta.dir, 'create-logger.ts'))};
      const l = createLogger({ level: 'info', dataDir: ${JSON.stringify(dir)}, file: { enabled: true, maxMb: 1, keep: 1 }, flushMs: 60000 });
      l.info('last words');`;
    const p = Bun.spawn([process.execPath, '-e', code], { stdout: 'pipe', stderr: 'pipe' });
    const stdout = await new Response(p.stdout).text();
    expect(await p.exited).toBe(0);
    expect(stdout).toContain('INFO  last words');
    expect(readFileSync(join(dir, 'logs', 'switchyard.log'), 'utf8')).toContain('"msg":"last words"');
  });

  test('cost of a log call on the hot path (measure)', () => {
    const { log } = setup({ secrets: () => Array.from({ length: 20 }, (_, i) => `secret-value-${i}-xxxxxxxx`) });
    const n = 10_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) log.info('request completed', { provider: 'groq', model: 'llama-3.3-70b', status: 200, latencyMs: 123 });
    const us = ((performance.now() - t0) * 1000) / n;
    const t1 = performance.now();
    log.flush();
    console.log(`log call (console+file, 20 secrets): ${us.toFixed(2)} µs amortized incl. batch writes; final flush ${(performance.now() - t1).toFixed(2)} ms`);
    expect(us).toBeLessThan(200);
  });
});
