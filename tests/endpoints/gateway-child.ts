/**
 * Child process for tests that measure the gateway's own memory: starts a gateway on a random
 * port with the YAML config given as the first argument, prints one JSON line
 * `{"url","key","dataDir"}`, and runs until killed.
 */
import { startTestGateway } from '../helpers/test-gateway.ts';

const yaml = process.argv[2];
if (!yaml) throw new Error('usage: gateway-child.ts <yaml config>');
const t = await startTestGateway(yaml);
process.stdout.write(`${JSON.stringify({ url: t.url, key: t.key, dataDir: t.dataDir })}\n`);
process.on('SIGTERM', () => {
  void t.stop().finally(() => process.exit(0));
});
// SIGUSR2: collect garbage, then print the memory figures (one JSON line) for the parent.
process.on('SIGUSR2', () => {
  Bun.gc(true);
  process.stdout.write(`${JSON.stringify(process.memoryUsage())}\n`);
});
