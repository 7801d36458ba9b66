import { mkdirSync } from 'node:fs';
import { loadConfig } from '../../../config/load-config.ts';
import { createAuditRepo } from '../../../db/audit-repo.ts';
import { openDatabase } from '../../../db/open-database.ts';
import { createDashboardAuth } from './dashboard-auth.ts';

/** `http://host:port/setup?token=…`; a wildcard bind address is shown as loopback. */
export function setupLink(baseUrl: string, token: string): string {
  const base = baseUrl.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:').replace(/\/+$/, '');
  return `${base}/setup?token=${token}`;
}

/**
 * `switchyard reset-password`: clears the dashboard password, logs every session out and prints
 * a new one-time setup link (24 h). Works while the server runs: both share the database. The
 * link's host and port come from the flags, else the config, else the defaults.
 */
export async function resetPasswordCommand(o: { dataDir: string; configFile: string; host?: string; port?: number }): Promise<number> {
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const loaded = await loadConfig(o.configFile);
  const server = loaded.ok ? loaded.config.server : { host: '127.0.0.1', port: 20128 };
  const host = o.host ?? server.host;
  const port = o.port ?? server.port;
  const db = openDatabase(o.dataDir);
  try {
    const { token } = createDashboardAuth(db).resetPassword();
    createAuditRepo(db).record({ actor: 'cli', action: 'auth.password-reset' });
    console.log('The dashboard password was cleared and every session logged out.');
    console.log('Open this one-time link (valid 24 h) to set a new password:');
    console.log(`  ${setupLink(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, token)}`);
    return 0;
  } finally {
    db.close();
  }
}
