import { readFileSync } from 'node:fs';
import { isSeq, parseDocument } from 'yaml';
import { parseConfig, type ConfigError } from '../../../config/load-config.ts';
import type { GatewayConfig } from '../../../config/schema.ts';
import type { Logger } from '../../../log/logger.ts';
import { apiError } from '../http/api-error.ts';
import { writeAtomic } from './write-atomic.ts';
import { deepEqual, deleteInText, reorderInText, setInText, type YamlPath } from './yaml-text-edit.ts';

/** One change to the config document. */
export type ConfigEdit =
  | { op: 'set'; path: YamlPath; value: unknown }
  | { op: 'delete'; path: YamlPath }
  | { op: 'reorder'; path: YamlPath; order: number[] };

/** What a plan sees: the file as it is now, as text and as plain data (no env interpolation). */
export interface ConfigView {
  text: string;
  /** The document as plain JSON (`${ENV}` references not expanded). */
  data: Record<string, unknown>;
}

export type EditOutcome =
  | { ok: true; changed: boolean; generation: number; pluginErrors: Array<{ name: string; error: string }> }
  | { ok: false; error: ConfigError }
  | { ok: false; response: Response };

export interface ConfigEditorDeps {
  configFile: string;
  env: Record<string, string | undefined>;
  reload(): Promise<ConfigError | undefined>;
  generation(): number;
  pluginErrors(): Array<{ name: string; error: string }>;
  log: Logger;
}

/** Edits the YAML config in place and applies it. See `createConfigEditor`. */
export interface ConfigEditor {
  /**
   * Reads the file, asks `plan` for the edits (it may answer a Response instead, e.g. 404),
   * applies them keeping comments and layout, validates the new text like the loader does,
   * writes it atomically and reloads the gateway. A rejected edit writes nothing; so is a value
   * nested deeper than {@link MAX_VALUE_DEPTH} levels, before it is rendered.
   */
  edit(plan: (view: ConfigView) => ConfigEdit[] | Response): Promise<EditOutcome>;
  /** The current file. */
  read(): Promise<ConfigView>;
}

/**
 * How deep a value written through the editor may nest. Real config nests a few levels; a block
 * collection's text grows with the square of its depth (one more indent per level), so a small
 * body nesting thousands of levels would become megabytes of YAML and hold the event loop.
 */
export const MAX_VALUE_DEPTH = 32;

/** Times an edit is planned again when the file changed on disk while it was being checked. */
const MAX_ATTEMPTS = 4;
/** Pause before planning again (times the attempt): a write under way gets to finish. */
const RETRY_MS = 5;

/** True when `value` nests objects/arrays more than `max` levels (stops looking past `max`). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max === 0) return true;
  return Object.values(value).some((v) => nestsDeeperThan(v, max - 1));
}

/** The refusal of an edit whose value nests too deep, or undefined. */
function tooDeep(edits: readonly ConfigEdit[], file: string): ConfigError | undefined {
  const e = edits.find((x) => x.op === 'set' && nestsDeeperThan(x.value, MAX_VALUE_DEPTH));
  if (!e) return undefined;
  const path = e.path.join('.');
  return { file, path, message: `${path}: the value is nested more than ${MAX_VALUE_DEPTH} levels deep` };
}

/**
 * Creates the config editor. Edits are serialized (one at a time) and always start from the
 * file on disk, so a hand edit made in between is kept: the file is read and written without
 * yielding, and read once more just before the write; when another program changed it while
 * the edit was being checked, the edit is planned again on the new text (409 `conflict` after
 * four tries). If the reload after writing fails anyway, the previous text is restored (unless
 * the file was replaced meanwhile) and the error returned.
 */
export function createConfigEditor(deps: ConfigEditorDeps): ConfigEditor {
  let chain: Promise<unknown> = Promise.resolve();
  // Read synchronously: from this read to the write below nothing else in this process can run,
  // so a hand edit (or any other write) is either in the text read or comes after the write.
  const readNow = (): ConfigView => {
    const text = readFileSync(deps.configFile, 'utf8');
    const data = (parseDocument(text).toJS() ?? {}) as Record<string, unknown>;
    return { text, data: typeof data === 'object' && data !== null ? data : {} };
  };

  /** True when the file no longer holds `text`: another program wrote it (or was writing it) meanwhile. */
  const changedSince = (text: string): boolean => readFileSync(deps.configFile, 'utf8') !== text;

  /**
   * The edit planned on `view`, checked: the text to write, or the refusal. A refusal may come
   * from a file caught half written (an editor that truncates, then writes), which `run` tells
   * apart by reading the file again.
   */
  const check = (view: ConfigView, plan: (view: ConfigView) => ConfigEdit[] | Response): { next: string } | EditOutcome => {
    const edits = plan(view);
    if (edits instanceof Response) return { ok: false, response: edits };
    const deep = tooDeep(edits, deps.configFile);
    if (deep) return { ok: false, error: deep };
    let next: string;
    try {
      next = applyEdits(view.text, edits, deps.log);
    } catch (err) {
      // YAML the editor cannot change in place (an alias `*x` where a map is expected…): refused, not a 500.
      return { ok: false, error: { file: deps.configFile, message: `this edit cannot be written into the file: ${err instanceof Error ? err.message : String(err)}` } };
    }
    if (next === view.text) return { ok: true, changed: false, generation: deps.generation(), pluginErrors: deps.pluginErrors() };
    const checked = parseConfig(next, deps.configFile, deps.env);
    return checked.ok ? { next } : { ok: false, error: checked.error };
  };

  const run = async (plan: (view: ConfigView) => ConfigEdit[] | Response): Promise<EditOutcome> => {
    for (let attempt = 1; ; attempt++) {
      const view = readNow();
      const checked = check(view, plan);
      // Another program wrote the file while this edit was planned and checked: plan it anew on
      // its text, after a pause that lets a write under way finish. A refusal too: the text read
      // may have been that write half done.
      if (changedSince(view.text)) {
        if (attempt < MAX_ATTEMPTS) {
          await Bun.sleep(RETRY_MS * attempt);
          continue;
        }
        if ('next' in checked) return { ok: false, response: apiError(409, 'The config file keeps changing on disk; try again.', 'conflict') };
      }
      if (!('next' in checked)) return checked;
      const { next } = checked;
      writeAtomic(deps.configFile, next);
      let error = await deps.reload();
      // A reload that read another program's write half done fails on it: read it again, whole.
      for (let again = 1; error && again < MAX_ATTEMPTS && changedSince(next); again++) {
        await Bun.sleep(RETRY_MS * again);
        error = await deps.reload();
      }
      if (error) {
        // Put the file back, unless something else has replaced it since (that write wins).
        if (readFileSync(deps.configFile, 'utf8') === next) writeAtomic(deps.configFile, view.text);
        await deps.reload();
        return { ok: false, error };
      }
      return { ok: true, changed: true, generation: deps.generation(), pluginErrors: deps.pluginErrors() };
    }
  };

  return {
    read: async () => readNow(),
    edit(plan) {
      const p = chain.then(() => run(plan));
      chain = p.catch(() => undefined);
      return p;
    },
  };
}

/**
 * Applies edits to the text surgically, then checks the result against the `yaml` Document API
 * doing the same edits. They always agree in tests; if they ever do not, the Document's output
 * (comments kept, layout normalized) is used, because being right beats being pretty.
 */
export function applyEdits(text: string, edits: readonly ConfigEdit[], log?: Logger): string {
  const doc = parseDocument(text);
  for (const e of edits) {
    // A section written with nothing under it (`aliases:` and only comments) is null: a map now.
    for (let i = 1; i < e.path.length; i++) {
      const at = e.path.slice(0, i);
      if (doc.hasIn(at) && doc.getIn(at) === null) doc.setIn(at, doc.createNode({}));
    }
    if (e.op === 'set') doc.setIn(e.path, e.value);
    else if (e.op === 'delete') doc.deleteIn(e.path);
    else {
      const seq = doc.getIn(e.path, true);
      if (isSeq(seq)) seq.items = e.order.map((i) => seq.items[i]!);
    }
  }
  const expected = doc.toJS();
  let surgical: string | undefined;
  try {
    surgical = edits.reduce((t, e) =>
      e.op === 'set' ? setInText(t, e.path, e.value) : e.op === 'delete' ? deleteInText(t, e.path) : reorderInText(t, e.path, e.order), text);
  } catch (err) {
    log?.warn('in-place YAML edit failed; writing the normalized document', { error: String(err) });
  }
  if (surgical !== undefined) {
    const check = parseDocument(surgical);
    if (check.errors.length === 0 && deepEqual(check.toJS(), expected)) return surgical;
    log?.warn('in-place YAML edit disagreed with the document model; writing the normalized document');
  }
  return doc.toString({ lineWidth: 0 });
}

/** The parsed config type, re-exported for route modules. */
export type { GatewayConfig };
