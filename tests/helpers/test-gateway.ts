import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../core/server/start-gateway.ts';

export interface TestGateway {
  gw: RunningGateway;
  /** A valid client key. */
  key: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  dataDir: string;
  /** Rewrites the config file and waits for the reload to be applied. */
  writeConfig(yaml: string): Promise<void>;
  /** Fetches a gateway path with the client key. */
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /**
   * Resolves once the events of the requests answered so far have reached their listeners: a
   * request's lifecycle events go out after the I/O callback that emitted them (Bus.emitSoon),
   * which a client in this process may outrun.
   */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a real gateway on 127.0.0.1 (random port) with its own temporary data dir and the
 * given YAML config, console logging off, and one client key.
 */
export async function startTestGateway(yaml: string, opts: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const configFile = join(dataDir, 'switchyard.yaml');
  writeFileSync(configFile, yaml);
  // A config the gateway refuses at start (tests check that) leaves no folder behind.
  const gw = await startGateway({ dataDir, configFile, port: 0, host: '127.0.0.1', console: false, watchDebounceMs: 30, ...opts }).catch((e: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });
  const { secret } = gw.keys.createKey({ name: 'test' });
  return {
    gw, key: secret, url: gw.url, dataDir,
    settled: () => new Promise<void>((resolve) => setImmediate(resolve)),
    async writeConfig(next) {
      writeFileSync(configFile, next);
      await gw.reload();
    },
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${secret}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(gw.url + path, { ...init, headers, body });
    },
    async stop() {
      await gw.stop(1000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
