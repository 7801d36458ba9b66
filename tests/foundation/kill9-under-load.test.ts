/**
 * `kill -9` during load: the CLI serves ~20 concurrent clients (stream and non-stream) through
 * a mock upstream, is SIGKILLed mid-load, and leaves a database that passes
 * `PRAGMA integrity_check`, holds usage rows, has lost at most the last ~1 s of them, and
 * opens again for the next start.
 */
import { afterAll, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeysRepo } from '../../core/db/keys-repo.ts';
import { openDatabase } from '../../core/db/open-database.ts';
import { startMockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { chatBody, freePort, makeTempDir, postChat, removeTempDir, spawnCli } from './foundation-kit.ts';

const root = makeTempDir('kill9');
afterAll(() => removeTempDir(root));

test('SIGKILL under load leaves a sound database with the usage of all but the last second', async () => {
  const up = await startMockOpenAI();
  try {
    writeFileSync(join(root, 'switchyard.yaml'), `
providers:
  up: { type: openai, base_url: ${up.url}, keys: [sk-test-up-000000], allow_private_network: true }
`);
    const seed = openDatabase(root);
    const key = createKeysRepo(seed).createKey({ name: 'load' }).secret;
    seed.close();

    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    const p = spawnCli(['--data-dir', root, '--port', String(port), '--no-open']);
    await p.waitForOutput(/is running/);

    const done: Array<{ id: string; at: number }> = [];
    let stop = false;
    let failures = 0;
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const stream = (n + i) % 3 === 0;
          const res = await postChat(url, key, chatBody('up/gpt-4o', `load ${n} ${i}`, stream ? { stream: true } : {}));
          await res.arrayBuffer();
          if (res.status === 200) done.push({ id: res.headers.get('x-request-id')!, at: performance.now() });
        } catch {
          failures++; // the kill cuts the requests in flight
          return;
        }
      }
    };
    const loops = Array.from({ length: 20 }, (_, n) => client(n));
    await Bun.sleep(1300);
    const killedAt = performance.now();
    p.proc.kill('SIGKILL');
    await p.exited;
    stop = true;
    await Promise.all(loops);
    expect(p.proc.signalCode).toBe('SIGKILL');
    expect(done.length).toBeGreaterThan(50);

    const db = new Database(join(root, 'switchyard.db'));
    try {
      expect(db.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      const ids = new Set((db.query('SELECT request_id AS id FROM usage').all() as Array<{ id: string }>).map((r) => r.id));
      expect(ids.size).toBeGreaterThan(0);
      const settled = done.filter((d) => d.at < killedAt - 1000);
      const missing = settled.filter((d) => !ids.has(d.id));
      console.log(`kill -9: ${done.length} requests answered, ${ids.size} usage rows on disk, ${settled.length} answered >1 s before the kill, ${missing.length} of those missing, ${failures} cut by the kill`);
      expect(settled.length).toBeGreaterThan(0);
      expect(missing).toEqual([]);
      const bad = db.query("SELECT COUNT(*) AS n FROM usage WHERE status != 'ok'").get() as { n: number };
      expect(bad.n).toBe(0);
    } finally {
      db.close();
    }
    // The next start opens it (WAL recovered, migrations already applied).
    const again = openDatabase(root);
    expect(createKeysRepo(again).findBySecret(key)).toBeDefined();
    again.close();
  } finally {
    await up.stop();
  }
});
