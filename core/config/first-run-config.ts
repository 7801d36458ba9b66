import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Env } from './interpolate-env.ts';
import { loadPresets, type PresetCatalogue } from './presets.ts';

/** The annotated example shipped with the package. */
export const EXAMPLE_CONFIG_FILE = join(import.meta.dir, '..', '..', 'config', 'switchyard.example.yaml');

/** Sections of the example kept active in a first-run file: their values are the defaults. */
const ACTIVE_SECTIONS = new Set(['server', 'auth', 'logging', 'timeouts', 'request']);

const TOP_LEVEL_KEY = /^([A-Za-z_][\w-]*):/;

export interface FirstRunOptions {
  presets?: PresetCatalogue;
  /** Example text to build from (defaults to the bundled example). */
  example?: string;
  /** Clock for the header line; tests pin it. */
  now?: Date;
}

/** A provider the first run writes: its preset, the variable of its key, the field it fills, and the variable of its URL. */
export interface DetectedProvider {
  id: string;
  envVar: string;
  field: string;
  baseUrlEnv?: string;
}

const isSet = (env: Env, name: string) => (env[name] ?? '').trim() !== '';

/**
 * Presets whose key variable is set (non-empty) in `env`, in catalogue order, with the variable
 * that matched. Local presets are skipped: they need no key, so a set variable proves nothing.
 * A preset whose URL is each user's own (`base_url_env`, Azure) needs that variable set too.
 */
export function detectProviders(env: Env, presets: PresetCatalogue): DetectedProvider[] {
  const found: DetectedProvider[] = [];
  for (const preset of presets.values()) {
    if (preset.local || (preset.baseUrlEnv !== undefined && !isSet(env, preset.baseUrlEnv))) continue;
    const envVar = preset.env.find((name) => isSet(env, name));
    if (envVar) found.push({ id: preset.id, envVar, field: preset.envField, ...(preset.baseUrlEnv ? { baseUrlEnv: preset.baseUrlEnv } : {}) });
  }
  return found;
}

function providerLines(detected: DetectedProvider[]): string[] {
  // A bare key, not `{}`: a provider added under it (or the mock uncommented) must still parse.
  const lines = ['providers:'];
  for (const { id, envVar, field, baseUrlEnv } of detected) {
    lines.push(`  ${id}:`, `    preset: ${id}`);
    if (baseUrlEnv) lines.push(`    base_url: "\${${baseUrlEnv}}"`);
    // Most presets take a key (`keys:`, a list); some another field (Vertex: `credentials:`, a key file).
    lines.push(field === 'keys' ? `    keys: ["\${${envVar}}"]` : `    ${field}: "\${${envVar}}"`);
  }
  lines.push(
    '  # mock:                   # a fake provider that answers without any network or key;',
    '  #   type: mock            # uncomment it to try the gateway before adding a real provider',
  );
  return lines;
}

/**
 * Builds the text of a first-run config from the example: the header and the sections whose
 * example values are the defaults stay active; `providers:` lists only the detected providers
 * (keys as `${VAR}` references, never values) followed by the example entries commented out;
 * every other section is commented out, so the file documents every option and still loads.
 */
export function buildFirstRunConfig(env: Env, opts: FirstRunOptions = {}): { text: string; detected: string[] } {
  const presets = opts.presets ?? loadPresets();
  const example = opts.example ?? readFileSync(EXAMPLE_CONFIG_FILE, 'utf8');
  const detected = detectProviders(env, presets);
  const date = (opts.now ?? new Date()).toISOString().slice(0, 10);
  const out: string[] = [
    `# Written by the Switchyard first run on ${date}.`,
    detected.length > 0
      ? `# Providers found from environment keys: ${detected.map((d) => d.id).join(', ')}.`
      : '# No provider key was found in the environment: add one under `providers:` below.',
    '#',
  ];
  let section = '';
  for (const line of example.replace(/\r\n/g, '\n').split('\n')) {
    const key = TOP_LEVEL_KEY.exec(line)?.[1];
    if (key) section = key;
    if (key === 'providers') {
      out.push(...providerLines(detected), '  # Examples:');
      continue;
    }
    const isCode = line.trim() !== '' && !line.trimStart().startsWith('#');
    out.push(isCode && section !== '' && !ACTIVE_SECTIONS.has(section) ? `# ${line}` : line);
  }
  return { text: `${out.join('\n').trimEnd()}\n`, detected: detected.map((d) => d.id) };
}

/**
 * Writes a first-run config to `file`: parent folders are created with mode 0700 and the file
 * with mode 0600 (it may later hold settings worth protecting). Refuses to overwrite an
 * existing file (throws EEXIST). Returns the ids of the providers detected from `env`.
 */
export function writeFirstRunConfig(file: string, env: Env = process.env, opts: FirstRunOptions = {}): { detected: string[] } {
  const { text, detected } = buildFirstRunConfig(env, opts);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { detected };
}
