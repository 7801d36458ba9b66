/**
 * Child process of db-kill9.test.ts: writes usage rows through the real writer in a loop and
 * prints `flushed <n>` after each committed batch, until it is killed.
 */
import { openDatabase } from '../core/db/open-database.ts';
import { createUsageWriter } from '../core/db/usage-writer.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: db-kill9-child.ts <dataDir>');
const { sqlite } = openDatabase(dir);
const writer = createUsageWriter(sqlite, { flushMs: 5, maxBatch: 1_000_000 });
let n = 0;
function burst(): void {
  for (let i = 0; i < 500; i++) {
    n++;
    writer.record({
      requestId: `req_${n}`, ts: Date.now(), keyId: 'key_kill', dialect: 'openai-chat', operation: 'chat',
      modelRequested: 'm', provider: 'p', account: 'a', upstreamModel: 'm', status: 'ok', httpStatus: 200,
      inputTokens: n, outputTokens: 1, cachedTokens: 0, reasoningTokens: 0, estimated: false, costUsd: 0.0001,
      latencyMs: 1, ttftMs: 1, attempts: 1, stream: false, cached: false, errorCode: 'x'.repeat(200),
    });
  }
  if (writer.pendingCount() >= 2000) {
    writer.flush();
    process.stdout.write(`flushed ${n}\n`);
  }
  setImmediate(burst);
}
burst();
