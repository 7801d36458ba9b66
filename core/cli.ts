#!/usr/bin/env bun
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFirstRunConfig } from './config/first-run-config.ts';
import { parseConfig } from './config/load-config.ts';
import { KEYS_USAGE, keysCommand as runKeysCommand, type KeyCreateFlags } from './db/keys-command.ts';
import { openDatabase } from './db/open-database.ts';
import { parseEntries } from './plugin/plugin-host.ts';
import { resetPasswordCommand, setupLink } from './server/admin/auth/setup-link.ts';
import { startGateway } from './server/start-gateway.ts';
import { VERSION } from './server/version.ts';
import { expandHome } from './util/expand-home.ts';

const HELP = `switchyard ${VERSION} — self-hosted AI gateway

Usage:
  switchyard [options]                 start the gateway
  switchyard keys create [--name N]    create a client key (printed once, last line); also --scopes M,…
                                       --rpm N --tpm N --daily-usd N --monthly-usd N --expires 30d|DATE
  switchyard keys list                 list client keys (prefixes only)
  switchyard keys revoke ID            revoke a key by id or prefix
  switchyard check                     validate the config and the listed plugins' settings, without starting
                                       (another file: switchyard check --config FILE)
  switchyard usage [--days N] [--by model|provider|key|account]
                                       requests, errors, tokens and cost (default: 7 days, by model)
  switchyard reset-password            print a new dashboard setup link (logs every session out)
  switchyard secrets rotate            new encryption key for stored tokens; re-encrypts them all
  switchyard secrets reseal            re-encrypt stored tokens still sealed with an earlier key

Options:
  --port N          port (else env PORT, else the config's server.port, 20128; 0 = any free port)
  --host H          interface to bind (else the config's server.host, 127.0.0.1)
  --config FILE     config file (default <data-dir>/switchyard.yaml, env SWITCHYARD_CONFIG)
  --data-dir DIR    data folder (default ~/.switchyard, env SWITCHYARD_DATA_DIR)
  --no-open         do not open the dashboard in a browser
  -h, --help        this help
  -v, --version     print the version

Exit codes: 0 done, 1 failed (the reason on stderr), 2 usage error (unknown command or flag,
a flag of another command, a stray argument).
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

/** A command line the user got wrong: one line on stderr, the way to --help, exit code 2. */
class UsageError extends Error {}

const OPTIONS = {
  port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' }, 'data-dir': { type: 'string' },
  'no-open': { type: 'boolean' }, name: { type: 'string' }, days: { type: 'string' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  scopes: { type: 'string' }, rpm: { type: 'string' }, tpm: { type: 'string' }, 'daily-usd': { type: 'string' }, 'monthly-usd': { type: 'string' },
  expires: { type: 'string' },
  version: { type: 'boolean', short: 'v' },
} as const;

function parse(argv: string[]): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    return { flags: values as Flags, positionals };
  } catch (e) {
    // node:util's messages run over several lines and talk about '--' escapes: one line here.
    const text = e instanceof Error ? e.message : String(e);
    const option = /'(-[^' ]+)/.exec(text)?.[1];
    const code = (e as { code?: unknown }).code;
    throw new UsageError(code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option ? `unknown option ${option}` : text.split('\n')[0]!);
  }
}

/** Each command's own flags (besides --config, --data-dir, --help, --version) and how many arguments it takes. */
const COMMANDS: Record<string, { flags: ReadonlyArray<keyof Flags>; args: number; hint?: string }> = {
  start: { flags: ['port', 'host', 'no-open'], args: 0 },
  'keys create': { flags: ['name', 'scopes', 'rpm', 'tpm', 'daily-usd', 'monthly-usd', 'expires'], args: 0 },
  'keys list': { flags: [], args: 0 },
  'keys revoke': { flags: [], args: 1 },
  check: { flags: [], args: 0, hint: ' (to check another file: switchyard check --config FILE)' },
  usage: { flags: ['days', 'by'], args: 0 },
  'reset-password': { flags: ['host', 'port'], args: 0 },
  'secrets rotate': { flags: [], args: 0 },
  'secrets reseal': { flags: [], args: 0 },
};
const COMMON_FLAGS: ReadonlyArray<string> = ['config', 'data-dir', 'help', 'version'];

/**
 * The command the positionals name, checked against its flags and arguments: a flag of another
 * command (`keys create --days 30`) or a stray argument (`check other.yaml`) is a usage error,
 * never ignored. `keys` / `secrets` without a known subcommand are left to their own usage text.
 */
function commandOf(positionals: string[], flags: Flags): { name: string; args: string[] } {
  const [cmd = 'start', sub] = positionals;
  const grouped = (cmd === 'keys' || cmd === 'secrets') && sub !== undefined && COMMANDS[`${cmd} ${sub}`] !== undefined;
  const name = grouped ? `${cmd} ${sub}` : cmd === 'serve' ? 'start' : cmd;
  const args = positionals.slice(grouped ? 2 : 1);
  if (name === 'keys' || name === 'secrets') return { name, args };
  const spec = COMMANDS[name];
  if (!spec) throw new UsageError(`unknown command "${cmd}"`);
  for (const flag of Object.keys(flags)) {
    if (!COMMON_FLAGS.includes(flag) && !spec.flags.includes(flag as keyof Flags)) throw new UsageError(`${name} does not take --${flag}`);
  }
  if (args.length > spec.args) throw new UsageError(`${name} takes ${spec.args === 0 ? 'no argument' : `${spec.args} argument`}, not "${args[spec.args]}"${spec.hint ?? ''}`);
  return { name, args };
}

/** A path flag, else its variable; an empty variable counts as unset, an empty flag is a usage error. */
function pathSetting(flag: string | undefined, option: string, envValue: string | undefined): string | undefined {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError(`--${option} needs a path`);
    return expandHome(flag);
  }
  return envValue?.trim() ? expandHome(envValue) : undefined;
}

function paths(flags: Flags) {
  const dataDir = resolve(pathSetting(flags['data-dir'], 'data-dir', process.env.SWITCHYARD_DATA_DIR) ?? join(homedir(), '.switchyard'));
  const configFile = resolve(pathSetting(flags.config, 'config', process.env.SWITCHYARD_CONFIG) ?? join(dataDir, 'switchyard.yaml'));
  return { dataDir, configFile };
}

/** Makes the data dir (0700), or throws one line saying why it cannot be. */
function makeDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder: choose the data dir with --data-dir or SWITCHYARD_DATA_DIR`);
    const reason = e instanceof Error ? e.message.replace(/,.*$/, '') : String(e);
    throw new Error(`cannot create the data dir ${dir} (${reason}): choose another with --data-dir or SWITCHYARD_DATA_DIR`);
  }
}

/** For commands that read what a gateway wrote: a data dir without a database is a mistyped path, not an empty one. */
function existingDataDir(dir: string): void {
  if (!existsSync(join(dir, 'switchyard.db'))) {
    throw new Error(`no Switchyard data in ${dir} (no switchyard.db): start the gateway once, or point --data-dir / SWITCHYARD_DATA_DIR at its data dir`);
  }
}

function keysCommand(sub: string | undefined, arg: string | undefined, flags: Flags): number {
  const { dataDir, configFile } = paths(flags);
  // `create` may come before the first start (the key is ready when the gateway is); the others read what is there.
  if (sub === 'create') makeDataDir(dataDir);
  else if (sub === 'list' || (sub === 'revoke' && arg)) existingDataDir(dataDir);
  else {
    console.error(KEYS_USAGE);
    return 2;
  }
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

/**
 * `--port`, else `PORT` (empty: unset), else undefined (the config's). Digits only: `Number()`
 * would read " ", "0x50" or "1e3" as a port. Throws a usage error on anything else.
 */
function portOf(flags: Flags): number | undefined {
  const given = flags.port ?? (process.env.PORT === '' ? undefined : process.env.PORT);
  if (given === undefined) return undefined;
  if (!/^\d{1,5}$/.test(given) || Number(given) > 65535) {
    throw new UsageError(`invalid port ${JSON.stringify(given)} (${flags.port === undefined ? 'PORT' : '--port'}): expected a number from 0 to 65535`);
  }
  return Number(given);
}

/** `--host`; an empty one is refused: Bun listens on every interface for "". */
function hostOf(flags: Flags): string | undefined {
  if (flags.host !== undefined && flags.host.trim() === '') throw new UsageError('--host needs an address (127.0.0.1, 0.0.0.0, ::1, …)');
  return flags.host;
}

async function serve(flags: Flags): Promise<void> {
  const { dataDir, configFile } = paths(flags);
  const host = hostOf(flags);
  const port = portOf(flags);
  makeDataDir(dataDir);
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
  const gw = await startGateway({ dataDir, configFile, host, port });
  if (!gw.keys.hasActiveKey()) {
    const { secret } = gw.keys.createKey({ name: 'default' });
    lines.push('Created your first client key. It is shown once; store it now:');
    lines.push(`  ${secret}`);
  }
  if (gw.dashboard.needsSetup()) {
    lines.push('No dashboard password yet. Set it with this one-time link (valid 24 h):');
    lines.push(`  ${setupLink(gw.url, gw.dashboard.createSetupToken().token)}`);
  }
  // Set before the banner: a supervisor that signals once it reads "is running" gets an orderly
  // stop, never the default action (killed, usage not flushed).
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
  // The terminal it ran in was closed: the same orderly stop (by default the process just died,
  // with the last usage rows still queued).
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
  console.log([
    `Switchyard ${VERSION} is running`,
    ...lines,
    `  API:        ${gw.url}/v1`,
    `  API docs:   ${gw.url}/docs`,
    `  Dashboard:  ${gw.url}/`,
    `  Health:     ${gw.url}/api/health`,
    `  Config:     ${configFile} (${providersNote([...gw.host.current.providers.keys()])})`,
    `  Data dir:   ${dataDir}`,
  ].join('\n'));
  if (gw.config().server.open_browser && !flags['no-open']) openBrowser(`${gw.url}/`);
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

/** What the banner says of the providers serving: a config without any is the first thing to fix. */
function providersNote(names: string[]): string {
  return names.length > 0 ? `providers: ${names.join(', ')}` : 'no providers yet: add one under providers:, the file reloads live';
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
  if (flags.help || (positionals.length === 1 && positionals[0] === 'help')) {
    console.log(HELP);
    return 0;
  }
  if (flags.version) {
    console.log(VERSION);
    return 0;
  }
  const { name, args } = commandOf(positionals, flags);
  if (name === 'keys' || name.startsWith('keys ')) return keysCommand(positionals[1], args[0], flags);
  if (name === 'secrets' || name.startsWith('secrets ')) {
    const { dataDir } = paths(flags);
    const { secretsCommand } = await import('./crypto/secrets-command.ts');
    if (name !== 'secrets') existingDataDir(dataDir);
    return secretsCommand(positionals[1], { dataDir });
  }
  if (name === 'check') {
    const { checkConfigFile } = await import('./config/check-command.ts');
    const { configFile, dataDir } = paths(flags);
    const out = await checkConfigFile(configFile, process.env, join(dataDir, 'plugins'));
    (out.ok ? console.log : console.error)(out.lines.join('\n'));
    return out.ok ? 0 : 1;
  }
  if (name === 'usage') {
    const { dataDir } = paths(flags);
    existingDataDir(dataDir);
    const { usageCommand } = await import('./db/usage-command.ts');
    const db = openDatabase(dataDir);
    try {
      return usageCommand({ db, days: flags.days, by: flags.by });
    } finally {
      db.close();
    }
  }
  if (name === 'reset-password') {
    const where = paths(flags);
    const [host, port] = [hostOf(flags), portOf(flags)];
    existingDataDir(where.dataDir);
    return resetPasswordCommand({ ...where, host, port });
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
    if (err instanceof UsageError) console.error('Run "switchyard --help" for usage.');
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
