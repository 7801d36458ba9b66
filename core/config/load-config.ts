import * as v from 'valibot';
import type { Document } from 'yaml';
import { checkReferences, type ConfigProblem, type PathKey } from './check-references.ts';
import { type Env, interpolateDocument, interpolateTree } from './interpolate-env.ts';
import { plainYaml } from './plain-yaml.ts';
import { loadPresets, type PresetCatalogue } from './presets.ts';
import { tryResolveProviders } from './resolve-providers.ts';
import { ConfigSchema, type GatewayConfig } from './schema.ts';
import { yamlPackage } from './yaml-package.ts';
import { isCredentialHeader } from '../log/redact.ts';

/**
 * Why a config file was rejected. `line`/`col` are 1-based and point at the offending node;
 * `path` is the dotted path for schema and reference problems. The message never contains a
 * secret: values from the environment and keys are masked as `***`.
 */
export interface ConfigError {
  file: string;
  line?: number;
  col?: number;
  path?: string;
  message: string;
}

/** `file:line:col: message`, as editors link it. */
export function formatConfigError(e: ConfigError): string {
  return `${formatPlace(e)}: ${e.message}`;
}

/** `file:line:col` (or less, when line or column are unknown). */
export function formatPlace(e: Pick<ConfigError, 'file' | 'line' | 'col'>): string {
  return e.line ? `${e.file}:${e.line}${e.col ? `:${e.col}` : ''}` : e.file;
}

export type LoadConfigResult =
  | { ok: true; config: GatewayConfig; raw: string; /** values to redact from logs */ secrets: string[] }
  | { ok: false; error: ConfigError };

export interface LoadConfigOptions {
  /** Preset catalogue to check providers against; defaults to the bundled one. */
  presets?: PresetCatalogue;
  /**
   * Refuse a file with nothing in it (not even a comment). A reload sets it: `gen > switchyard.yaml`
   * truncates the file before writing it, and an empty config would replace the serving one.
   */
  refuseEmpty?: boolean;
}

/**
 * Env values shorter than this are not treated as secrets: redacting `on` or `8080` from
 * every log line would destroy the logs and protect nothing. Keys are always secrets.
 */
const MIN_ENV_SECRET = 6;

/**
 * Reads, interpolates and validates a config file. Never throws: every failure (unreadable
 * file, YAML syntax, unset variable, schema, references, providers) comes back as
 * `{ ok: false, error }` so a reload can keep the running config and report the error.
 */
export async function loadConfig(file: string, env: Env = process.env, opts: LoadConfigOptions = {}): Promise<LoadConfigResult> {
  let raw: string;
  try {
    raw = await Bun.file(file).text();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { ok: false, error: { file, message: `cannot read the config file${typeof code === 'string' ? ` (${code})` : ''}` } };
  }
  if (opts.refuseEmpty && raw.trim() === '') {
    return { ok: false, error: { file, message: 'the file is empty (a save still being written?); for a config with no settings, leave a comment in it' } };
  }
  return parseConfig(raw, file, env, opts);
}

/**
 * The synchronous core of `loadConfig`, for text that is not on disk yet (the dashboard
 * validates an edit before saving it). `file` only labels errors.
 */
export function parseConfig(raw: string, file: string, env: Env = process.env, opts: LoadConfigOptions = {}): LoadConfigResult {
  return parsePlainConfig(raw, env, opts) ?? parseConfigDocument(raw, file, env, opts);
}

/**
 * The fast path: plain YAML read by Bun's native parser. Answers only a valid config;
 * anything else (YAML outside the plain subset, a problem to locate) is left to
 * `parseConfigDocument`, which gives the same result with positions.
 */
function parsePlainConfig(raw: string, env: Env, opts: LoadConfigOptions): LoadConfigResult | undefined {
  const plain = plainYaml(raw);
  if (!plain) return undefined;
  const js = plain.value ?? {};
  const interpolated = interpolateTree(js, env);
  if (!interpolated) return undefined;
  const secrets = new Set(interpolated.secrets.filter((s) => s.length >= MIN_ENV_SECRET));
  collectKeys(js, secrets);
  const checked = checkConfig(js, opts);
  return checked.ok ? { ok: true, config: checked.config, raw, secrets: [...secrets] } : undefined;
}

/** The reference path: the `yaml` package's document, so every error has a line and column. */
export function parseConfigDocument(raw: string, file: string, env: Env = process.env, opts: LoadConfigOptions = {}): LoadConfigResult {
  const { LineCounter, parseDocument } = yamlPackage();
  const lineCounter = new LineCounter();
  const doc = parseDocument(raw, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const secrets = new Set<string>();
  const fail = (message: string, offset?: number, path?: string): LoadConfigResult => ({
    ok: false,
    error: { file, ...(offset === undefined ? {} : lineCounter.linePos(offset)), ...(path ? { path } : {}), message: redact(message, secrets) },
  });
  const failAt = (p: ConfigProblem): LoadConfigResult => {
    const path = dotted(p.path);
    return fail(path ? `${path}: ${p.message}` : p.message, locate(doc, p.path, p.atKey ?? false), path || undefined);
  };

  const yamlError = doc.errors[0];
  if (yamlError) return fail(yamlError.message + flowReferenceHint(raw, lineCounter.linePos(yamlError.pos[0]).line), yamlError.pos[0]);

  const interpolated = interpolateDocument(doc, env);
  if (!interpolated.ok) return fail(interpolated.message, interpolated.range?.[0]);
  for (const s of interpolated.secrets) if (s.length >= MIN_ENV_SECRET) secrets.add(s);

  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch {
    return fail('too many YAML alias expansions');
  }
  collectKeys(js, secrets);
  const checked = checkConfig(js, opts);
  if (checked.ok) return { ok: true, config: checked.config, raw, secrets: [...secrets] };
  return 'problem' in checked ? failAt(checked.problem) : fail(checked.message);
}

/**
 * `port: ${PORT}` inside `{ }` or `[ ]` is YAML syntax (braces), so the parser's error says
 * nothing of references: a hint when the failing line has an unquoted `${` inside a flow collection.
 */
function flowReferenceHint(raw: string, line: number): string {
  const text = raw.split('\n')[line - 1] ?? '';
  return /[[{][^'"#]*(?<!\$)\$\{/.test(text)
    ? '. Inside { } or [ ] quote a ${…} reference ("${NAME}"); for a number or true/false from a variable, write that setting on its own line (block style)'
    : '';
}

type Checked = { ok: true; config: GatewayConfig } | { ok: false; problem: ConfigProblem } | { ok: false; message: string };

/** Schema, references and providers of a parsed, interpolated config (empty sections dropped in place). */
function checkConfig(js: unknown, opts: LoadConfigOptions): Checked {
  if (Array.isArray(js)) return { ok: false, problem: { path: [], message: 'the config is a list; expected a map of sections (server:, providers:, …)' } };
  dropEmptySections(js);
  const reserved = findReservedKey(js, []);
  if (reserved) return { ok: false, problem: reserved };
  const parsed = v.safeParse(ConfigSchema, js);
  if (!parsed.success) return { ok: false, problem: describeIssue(firstIssue(parsed.issues)) };
  const config = parsed.output;
  const problem = checkReferences(config);
  if (problem) return { ok: false, problem };
  let presets: PresetCatalogue;
  try {
    presets = opts.presets ?? loadPresets();
  } catch (e) {
    return { ok: false, message: `the preset catalogue is broken: ${(e as Error).message}` };
  }
  const resolved = tryResolveProviders(config, presets);
  return resolved.ok ? { ok: true, config } : { ok: false, problem: resolved.problem };
}

/** Names JavaScript objects cannot hold as data: the schema's maps would drop them without a word. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for a key no config map can hold (`__proto__`, `constructor`, `prototype`): the loader refuses it. */
export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/**
 * The first key anywhere in the config that the schema would drop silently (a provider, alias or
 * combo named `constructor`, a `__proto__` key): a located error instead of a name that never
 * serves.
 */
function findReservedKey(node: unknown, path: PathKey[]): ConfigProblem | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const found = findReservedKey(node[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.getOwnPropertyNames(node)) {
    if (isReservedKey(key)) return { path: [...path, key], atKey: true, message: `"${key}" is a reserved name: choose another` };
    const found = findReservedKey((node as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** `['providers','groq','keys',0]` -> `providers.groq.keys[0]`. */
export function dotted(path: readonly PathKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

/**
 * Every `keys` and `accounts[].key` string, read before validation so errors can mask them: also
 * in the wrong shape, where the schema's error would quote the value (`keys: sk-…` instead of a
 * list, `accounts: [sk-…]`, `headers: "Bearer sk-…"` instead of a map).
 */
function collectKeys(js: unknown, into: Set<string>): void {
  const providers = (js as { providers?: unknown })?.providers;
  if (typeof providers !== 'object' || providers === null) return;
  // A value in the right place is a key whatever its length; one in the wrong shape only when it
  // is long enough to be one (masking `x` would mangle the message around it).
  const add = (value: unknown, minLength = 1) => {
    if (typeof value === 'string' && value.length >= minLength) into.add(value);
  };
  for (const entry of Object.values(providers)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { keys, accounts, headers, oauth, base_url, proxy } = entry as {
      keys?: unknown; accounts?: unknown; headers?: unknown; oauth?: unknown; base_url?: unknown; proxy?: unknown;
    };
    if (Array.isArray(keys)) for (const k of keys) add(k);
    else add(keys, MIN_ENV_SECRET);
    for (const a of Array.isArray(accounts) ? accounts : [accounts]) {
      if (typeof a === 'string') add(a, MIN_ENV_SECRET);
      else add((a as { key?: unknown } | null)?.key);
    }
    if (typeof headers === 'object' && headers !== null) {
      // Extra headers are mostly harmless (a title, a referer); one named like a credential is not.
      for (const [name, value] of Object.entries(headers)) if (isCredentialHeader(name)) add(value, MIN_ENV_SECRET);
    } else {
      add(headers, MIN_ENV_SECRET);
    }
    add((oauth as { client_secret?: unknown } | null)?.client_secret);
    // A password in a URL's userinfo is sent upstream as Basic auth: a credential.
    for (const url of [base_url, proxy]) add(typeof url === 'string' ? URL.parse(url)?.password : undefined, 4);
  }
}


/**
 * `aliases:` with every line below it commented out parses as null; so does `ollama:` with no
 * settings. Both mean "nothing here", so they become defaults instead of type errors.
 */
function dropEmptySections(js: unknown): void {
  if (typeof js !== 'object' || js === null || Array.isArray(js)) return;
  const root = js as Record<string, unknown>;
  for (const [key, value] of Object.entries(root)) if (value === null) delete root[key];
  const providers = root.providers;
  if (typeof providers !== 'object' || providers === null) return;
  for (const [name, entry] of Object.entries(providers)) if (entry === null) (providers as Record<string, unknown>)[name] = {};
}

function redact(message: string, secrets: Set<string>): string {
  let out = message;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

type Issue = v.BaseIssue<unknown>;

const isUnknownKey = (i: Issue) => i.type === 'strict_object' && i.expected === 'never';
const parentPath = (i: Issue) => (i.path ?? []).slice(0, -1).map((p) => String(p.key)).join('\0');

/**
 * The issue to report: the first, except that a missing key next to an unknown one is the
 * unknown one's fault (`headr:` for `header:`), so the typo is named.
 */
function firstIssue(issues: readonly [Issue, ...Issue[]]): Issue {
  const first = issues[0];
  if (first.received !== 'undefined') return first;
  return issues.find((i) => isUnknownKey(i) && parentPath(i) === parentPath(first)) ?? first;
}

/**
 * Turns the first valibot issue into a located problem. For a union (plugin entries) a failed
 * check inside a matching branch says more than "expected string | object", so it wins.
 */
function describeIssue(issue: Issue): ConfigProblem {
  const path: PathKey[] = (issue.path ?? []).map((p) => p.key as PathKey);
  // A strict object reports a key it does not know as expecting `never` (a missing key names itself).
  if (isUnknownKey(issue)) {
    const key = String(path[path.length - 1]);
    return { path, atKey: true, message: `unknown key "${key}" (expected one of: ${keysAt(path.slice(0, -1)).join(', ')})` };
  }
  const inner = issue.type === 'union' ? telling(issue) : undefined;
  if (inner) return { path: [...path, ...inner.path], message: inner.message };
  if (issue.received === 'undefined' && issue.kind === 'schema') {
    return { path, message: `missing required key "${String(path[path.length - 1])}"` };
  }
  return { path, message: issue.message };
}

/** The keys of the object schema at `path` of the config (through optional, pipe, record and array). */
function keysAt(path: readonly PathKey[]): string[] {
  type Node = { wrapped?: unknown; pipe?: Array<{ kind?: string }>; entries?: Record<string, unknown>; type?: string; value?: unknown; item?: unknown };
  // `optional` wraps a schema; `pipe(a, b, …)` is a copy of `a` carrying the pipe, whose last schema is the shape.
  const unwrap = (schema: unknown): Node | undefined => {
    let node = schema as Node | undefined;
    while (node?.wrapped || node?.pipe) node = (node.wrapped ?? node.pipe!.findLast((p) => p.kind === 'schema')) as Node | undefined;
    return node;
  };
  let node = unwrap(ConfigSchema);
  for (const key of path) {
    const next = node?.entries ? node.entries[String(key)] : node?.type === 'record' ? node.value : node?.type === 'array' ? node.item : undefined;
    node = unwrap(next);
  }
  return node?.entries ? Object.keys(node.entries) : [];
}

/**
 * Inside a union's issues (nested unions too), the first that says more than a type mismatch: a
 * failed check, or a custom schema's message. Its path is relative to the union.
 */
function telling(issue: Issue): { path: PathKey[]; message: string } | undefined {
  for (const i of issue.issues ?? []) {
    const path = (i.path ?? []).map((p) => p.key as PathKey);
    if (i.kind === 'validation' || i.type === 'custom') return { path, message: i.message };
    const deeper = i.type === 'union' ? telling(i) : undefined;
    if (deeper) return { path: [...path, ...deeper.path], message: deeper.message };
  }
  return undefined;
}

/** Line and column of the node at `path` in YAML text (as `locate` finds it). */
export function positionOf(raw: string, path: readonly PathKey[]): { line: number; col: number } {
  const { LineCounter, parseDocument } = yamlPackage();
  const lineCounter = new LineCounter();
  const doc = parseDocument(raw, { lineCounter, prettyErrors: false });
  return lineCounter.linePos(locate(doc, path, false));
}

/**
 * Source offset of the node at `path`: its value, or its key with `atKey` (or when the value is
 * empty). Stops at the deepest node that exists, so a missing key points at its parent.
 */
function locate(doc: Document, path: readonly PathKey[], atKey: boolean): number {
  const { isMap, isNode, isScalar, isSeq } = yamlPackage();
  let node: unknown = doc.contents;
  let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      const keyOffset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
      const value = pair.value;
      const emptyValue = !isNode(value) || (isScalar(value) && value.value === null);
      const valueOffset = isNode(value) ? value.range?.[0] : undefined;
      offset = (last && atKey) || emptyValue ? (keyOffset ?? offset) : (valueOffset ?? keyOffset ?? offset);
      node = value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (!isNode(item)) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
