import { isSeq, parseDocument } from 'yaml';
import { parseConfig, type ConfigError } from '../../../config/load-config.ts';
import type { GatewayConfig } from '../../../config/schema.ts';
import type { Logger } from '../../../log/logger.ts';
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
   * writes it atomically and reloads the gateway. A rejected edit writes nothing.
   */
  edit(plan: (view: ConfigView) => ConfigEdit[] | Response): Promise<EditOutcome>;
  /** The current file. */
  read(): Promise<ConfigView>;
}

/**
 * Creates the config editor. Edits are serialized (one at a time) and always start from the
 * file on disk, so a hand edit made in between is kept. If the reload after writing fails
 * anyway (the file changed under us), the previous text is restored and the error returned.
 */
export function createConfigEditor(deps: ConfigEditorDeps): ConfigEditor {
  let chain: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<ConfigView> => {
    const text = await Bun.file(deps.configFile).text();
    const data = (parseDocument(text).toJS() ?? {}) as Record<string, unknown>;
    return { text, data: typeof data === 'object' && data !== null ? data : {} };
  };

  const run = async (plan: (view: ConfigView) => ConfigEdit[] | Response): Promise<EditOutcome> => {
    const view = await read();
    const edits = plan(view);
    if (edits instanceof Response) return { ok: false, response: edits };
    let next: string;
    try {
      next = applyEdits(view.text, edits, deps.log);
    } catch (err) {
      // YAML the editor cannot change in place (an alias `*x` where a map is expected…): refused, not a 500.
      return { ok: false, error: { file: deps.configFile, message: `this edit cannot be written into the file: ${err instanceof Error ? err.message : String(err)}` } };
    }
    if (next === view.text) return { ok: true, changed: false, generation: deps.generation(), pluginErrors: deps.pluginErrors() };
    const checked = parseConfig(next, deps.configFile, deps.env);
    if (!checked.ok) return { ok: false, error: checked.error };
    writeAtomic(deps.configFile, next);
    const error = await deps.reload();
    if (error) {
      writeAtomic(deps.configFile, view.text);
      await deps.reload();
      return { ok: false, error };
    }
    return { ok: true, changed: true, generation: deps.generation(), pluginErrors: deps.pluginErrors() };
  };

  return {
    read,
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
