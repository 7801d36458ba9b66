#!/usr/bin/env bun
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFirstRunConfig } from './config/first-run-config.ts';
import { parseConfig } from './config/load-config.ts';
import { keysCommand as runKeysCommand, type KeyCreateFlags } from './db/keys-command.ts';
import { openDatabase } from './db/open-database.ts';
import { parseEntries } from './plugin/plugin-host.ts';
import { resetPasswordCommand, setupLink } from './server/admin/auth/setup-link.ts';
import { startGateway } from './server/start-gateway.ts';
import { VERSION } from './server/version.ts';

const HELP = `switchyard ${VERSION} — self-hosted AI gateway

Usage:
  switchyard [options]                 start the gateway
  switchyard keys create [--name N]    create a client key (printed once, last line); also --scopes M,…
                                       --rpm N --tpm N --daily-usd N --monthly-usd N --expires 30d|DATE
  switchyard keys list                 list client keys (prefixes only)
  switchyard keys revoke ID            revoke a key by id or prefix
  switchyard check                     validate the config and the listed plugins' settings, without starting
  switchyard usage [--days N] [--by model|provider|key|account]
                                       requests, errors, tokens and cost (default: 7 days, by model)
  switchyard reset-password            print a new dashboard setup link (logs every session out)
  switchyard secrets rotate            new encryption key for stored tokens; re-encrypts them all
  switchyard secrets reseal            re-encrypt stored tokens still sealed with an earlier key

Options:
  --port N          port (default 20128, env PORT)
  --host H          interface to bind (default 127.0.0.1)
  --config FILE     config file (default <data-dir>/switchyard.yaml, env SWITCHYARD_CONFIG)
  --data-dir DIR    data folder (default ~/.switchyard, env SWITCHYARD_DATA_DIR)
  --no-open         do not open the dashboard in a browser
  -h, --help        this help
  -v, --version     print the version
`;

interface Flags extends KeyCreateFlags {
  port?: string;
  host?: string;
  config?: string;
  'data-dir'?: string;
  'no-open'?: boolean;
  days?: string;
  by?: string;
  help?: boolean;
  version?: boolean;
}

function parse(argv: string[]): { flags: Flags; positionals: string[] } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' }, 'data-dir': { type: 'string' },
      'no-open': { type: 'boolean' }, name: { type: 'string' }, days: { type: 'string' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      scopes: { type: 'string' }, rpm: { type: 'string' }, tpm: { type: 'string' }, 'daily-usd': { type: 'string' }, 'monthly-usd': { type: 'string' },
      expires: { type: 'string' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  return { flags: values as Flags, positionals };
}

function paths(flags: Flags) {
  const dataDir = resolve(flags['data-dir'] ?? process.env.SWITCHYARD_DATA_DIR ?? join(homedir(), '.switchyard'));
  const configFile = resolve(flags.config ?? process.env.SWITCHYARD_CONFIG ?? join(dataDir, 'switchyard.yaml'));
  return { dataDir, configFile };
}

function keysCommand(sub: string | undefined, arg: string | undefined, flags: Flags): number {
  const { dataDir, configFile } = paths(flags);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(dataDir);
  try {
    return runKeysCommand(sub, arg, { db, flags, plugins: sub === 'create' ? enabledPlugins(configFile) : undefined });
  } finally {
    db.close();
  }
}

/** The plugin names the config lists and does not switch off, or undefined when it cannot be read. */
function enabledPlugins(configFile: string): Set<string> | undefined {
  if (!existsSync(configFile)) return undefined;
  const r = parseConfig(readFileSync(configFile, 'utf8'), configFile);
  return r.ok ? new Set(parseEntries(r.config.plugins).filter((e) => e.config !== false).map((e) => e.ref)) : undefined;
}

/** `--port`, else `PORT`, else undefined (the config's); throws on a value that is not a port. */
function portOf(flags: Flags): number | undefined {
  const given = flags.port ?? (process.env.PORT || undefined); // an empty PORT is unset, not port 0
  const port = given === undefined ? undefined : Number(given);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`invalid port: ${given}`);
  return port;
}

async function serve(flags: Flags): Promise<void> {
  const { dataDir, configFile } = paths(flags);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // A data dir made beforehand (`mkdir -p ~/.switchyard/plugins`) is 0755: the gateway's is 0700.
  try {
    chmodSync(dataDir, 0o700);
  } catch {
    // Not ours to change (a shared mount): left as it is.
  }
  const lines: string[] = [];
  if (!existsSync(configFile)) {
    const { detected } = writeFirstRunConfig(configFile, process.env);
    lines.push(`First run: wrote ${configFile}`);
    lines.push(detected.length ? `  providers detected from the environment: ${detected.join(', ')}` : '  no provider keys found in the environment; add providers to the config (it reloads live).');
  }
  const gw = await startGateway({ dataDir, configFile, host: flags.host, port: portOf(flags) });
  if (!gw.keys.hasActiveKey()) {
    const { secret } = gw.keys.createKey({ name: 'default' });
    lines.push('Created your first client key. It is shown once; store it now:');
    lines.push(`  ${secret}`);
  }
  if (gw.dashboard.needsSetup()) {
    lines.push('No dashboard password yet. Set it with this one-time link (valid 24 h):');
    lines.push(`  ${setupLink(gw.url, gw.dashboard.createSetupToken().token)}`);
  }
  console.log([
    `Switchyard ${VERSION} is running`,
    ...lines,
    `  API:        ${gw.url}/v1`,
    `  API docs:   ${gw.url}/docs`,
    `  Dashboard:  ${gw.url}/`,
    `  Health:     ${gw.url}/api/health`,
    `  Data dir:   ${dataDir}`,
  ].join('\n'));
  if (gw.config().server.open_browser && !flags['no-open']) openBrowser(`${gw.url}/`);
  // The first signal lets in-flight requests finish (up to server.shutdown_grace_ms); a second
  // one (Ctrl-C again) cuts them now. Either way usage is flushed and plugins disposed.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      gw.log.info(`second ${signal}: cutting in-flight requests, exiting now`);
      await gw.stop(0);
      return;
    }
    stopping = true;
    gw.log.info(`${signal}: finishing in-flight requests, then exiting (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to stop now)`);
    await gw.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // A plugin's stray promise or timer callback must not take the gateway down: it is blamed on
  // the plugin whose code is on its stack (reported once, as that plugin's `plugin:errored`,
  // which the log shows) or logged as the gateway's own, and the gateway goes on serving.
  const stray = (err: unknown) => {
    const message = gw.log.redact(err instanceof Error ? err.message : String(err));
    const plugin = err instanceof Error && err.stack ? gw.host.ownerOf(err.stack) : undefined;
    if (plugin) gw.bus.emit('plugin:errored', { name: plugin, phase: 'async', error: message });
    else gw.log.error('an error escaped a request; the gateway goes on', { error: message });
  };
  process.on('unhandledRejection', stray);
  process.on('uncaughtException', stray);
}

/** Best effort: a missing opener (headless server) is not an error. */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    Bun.spawn([cmd, url], { stdout: 'ignore', stderr: 'ignore' }).unref();
  } catch {
    // no opener available
  }
}

async function main(argv: string[]): Promise<number> {
  const { flags, positionals } = parse(argv);
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  if (flags.version) {
    console.log(VERSION);
    return 0;
  }
  const [cmd, sub, arg] = positionals;
  if (cmd === 'keys') return keysCommand(sub, arg, flags);
  if (cmd === 'secrets') {
    const { dataDir } = paths(flags);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { secretsCommand } = await import('./crypto/secrets-command.ts');
    return secretsCommand(sub, { dataDir });
  }
  if (cmd === 'check') {
    const { checkConfigFile } = await import('./config/check-command.ts');
    const { configFile, dataDir } = paths(flags);
    const out = await checkConfigFile(configFile, process.env, join(dataDir, 'plugins'));
    (out.ok ? console.log : console.error)(out.lines.join('\n'));
    return out.ok ? 0 : 1;
  }
  if (cmd === 'usage') {
    const { dataDir } = paths(flags);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { usageCommand } = await import('./db/usage-command.ts');
    const db = openDatabase(dataDir);
    try {
      return usageCommand({ db, days: flags.days, by: flags.by });
    } finally {
      db.close();
    }
  }
  if (cmd === 'reset-password') return resetPasswordCommand({ ...paths(flags), host: flags.host, port: portOf(flags) });
  if (cmd !== undefined && cmd !== 'start' && cmd !== 'serve') {
    console.error(`Unknown command "${cmd}".\n\n${HELP}`);
    return 2;
  }
  await serve(flags);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(`switchyard: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
