import { constants, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { applyEdits } from '../config/config-editor.ts';
import { writeAtomic } from '../config/write-atomic.ts';

/** `YYYYMMDDHHmmss` (UTC) for backup names. */
export function stamp(t: number): string {
  return new Date(t).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Writes `text` to `file` (mode 0600: it holds a key; through a symlink to its target, so the
 * link stays), first copying an existing file to
 * `<file>.switchyard-backup-<stamp>` (`-2`, `-3`… when that name is taken: a backup is never
 * overwritten, so two applies in one second keep the user's original). Returns the backup path,
 * or null when there was no file.
 */
export function writeWithBackup(file: string, text: string, now: number): string | null {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let backup: string | null = null;
  if (existsSync(file)) {
    const base = `${file}.switchyard-backup-${stamp(now)}`;
    for (let n = 1; ; n++) {
      backup = n === 1 ? base : `${base}-${n}`;
      try {
        copyFileSync(file, backup, constants.COPYFILE_EXCL);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw e;
      }
    }
  }
  writeAtomic(file, text, 0o600);
  return backup;
}

function readText(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * JSON settings merged one level deep per key of `patch` (objects merge, other values replace).
 * Throws when the existing file is not a JSON object, so a user's file is never clobbered.
 */
export function mergeJson(file: string, patch: Record<string, unknown>): string {
  const text = readText(file);
  let base: Record<string, unknown> = {};
  if (text !== undefined && text.trim()) {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file} is not a JSON object`);
    base = parsed as Record<string, unknown>;
  }
  for (const [k, v] of Object.entries(patch)) {
    const old = base[k];
    base[k] = isObj(old) && isObj(v) ? deepMerge(old, v) : v;
  }
  return `${JSON.stringify(base, null, 2)}\n`;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(out[k]) && isObj(v) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A dotenv file with `vars` set (existing lines for them replaced in place, others kept). */
export function mergeDotenv(file: string, vars: Record<string, string>): string {
  const lines = (readText(file) ?? '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const left = new Map(Object.entries(vars));
  const out = lines.map((line) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (!m || !left.has(m[1]!)) return line;
    const value = left.get(m[1]!)!;
    left.delete(m[1]!);
    return `${m[1]}=${value}`;
  });
  for (const [k, v] of left) out.push(`${k}=${v}`);
  return `${out.join('\n')}\n`;
}

/**
 * A TOML file with top-level keys set and one table replaced. Line-based (no TOML library):
 * top-level assignments of the same keys before the first table are replaced in place or added
 * at the top, and the `[table]` section (up to the next header) is rewritten at the end.
 */
export function mergeToml(file: string, top: Record<string, string>, table: string, entries: Record<string, string>): string {
  const lines = (readText(file) ?? '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = `[${table}]`;
  const firstTable = lines.findIndex((l) => /^\s*\[/.test(l));
  const headEnd = firstTable < 0 ? lines.length : firstTable;
  const left = new Map(Object.entries(top));
  const head = lines.slice(0, headEnd).map((line) => {
    const m = /^\s*([A-Za-z0-9_-]+)\s*=/.exec(line);
    if (!m || !left.has(m[1]!)) return line;
    const v = left.get(m[1]!)!;
    left.delete(m[1]!);
    return `${m[1]} = ${tomlString(v)}`;
  });
  while (head.length && head[head.length - 1]!.trim() === '') head.pop();
  const added = [...left].map(([k, v]) => `${k} = ${tomlString(v)}`);
  const tail: string[] = [];
  let skipping = false;
  for (const line of lines.slice(headEnd)) {
    if (/^\s*\[/.test(line)) skipping = line.trim() === header;
    if (!skipping) tail.push(line);
  }
  while (tail.length && tail[tail.length - 1]!.trim() === '') tail.pop();
  const section = [header, ...Object.entries(entries).map(([k, v]) => `${k} = ${tomlString(v)}`)];
  const parts = [...added, ...head, ...(tail.length ? ['', ...tail] : []), '', ...section];
  while (parts[0] === '') parts.shift();
  return `${parts.join('\n')}\n`;
}

function tomlString(v: string): string {
  return JSON.stringify(v);
}

/**
 * A YAML file (Continue's config) with the list `listKey` holding `item` once: an item whose
 * `name` equals `item.name` is replaced, else it is appended. Comments and layout are kept.
 */
export function mergeYamlListItem(file: string, base: Record<string, unknown>, listKey: string, item: Record<string, unknown>): string {
  const text = readText(file);
  if (text === undefined || !text.trim()) return new Document({ ...base, [listKey]: [item] }).toString({ lineWidth: 0 });
  const data = (parseDocument(text).toJS() ?? {}) as Record<string, unknown>;
  const list = Array.isArray(data[listKey]) ? (data[listKey] as Array<Record<string, unknown>>) : [];
  const at = list.findIndex((m) => m && m.name === item.name);
  return applyEdits(text, [{ op: 'set', path: [listKey, at >= 0 ? at : list.length], value: item }]);
}
