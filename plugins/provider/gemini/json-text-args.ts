import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { geminiParameters, type ArgPath } from './sanitize-gemini-schema.ts';
import type { TextProperties } from './schema-as-text.ts';

/**
 * The way back for arguments Gemini was asked to write as JSON text (an object with no declared
 * properties, a value of any type: see `geminiParameters`): the reply's tool calls carry the
 * values the tool expects again.
 */
export interface JsonTextArgs {
  restoreResult(result: ChatResult): ChatResult;
  /** The same for a stream: a call's argument deltas are held until its end, then sent as one. */
  restoreStream(parts: ReadableStream<StreamPart>): ReadableStream<StreamPart>;
}

/**
 * For the tools of `req` (as the upstream gets them), and the top-level parameters `asText` names
 * (ones Gemini refused the schema of); undefined when no argument is JSON text.
 */
export function jsonTextArgs(req: ChatRequest, asText?: TextProperties): JsonTextArgs | undefined {
  let byName: Map<string, readonly ArgPath[]> | undefined;
  for (const t of req.tools ?? []) {
    const { jsonText } = geminiParameters(t.parameters);
    const refused = [...(asText?.get(t.name) ?? [])].filter((p) => !jsonText.some((j) => j.length === 1 && j[0] === p)).map((p): ArgPath => [p]);
    const paths = refused.length > 0 ? [...jsonText, ...refused] : jsonText;
    if (paths.length > 0) (byName ??= new Map()).set(t.name, paths);
  }
  if (!byName) return undefined;
  const paths = byName;
  return {
    restoreResult(result) {
      if (!result.content.some((p) => p.type === 'tool-call' && paths.has(p.name))) return result;
      return {
        ...result,
        content: result.content.map((p) => (p.type === 'tool-call' && paths.has(p.name) ? { ...p, arguments: decodeJsonTextArgs(p.arguments, paths.get(p.name)!) } : p)),
      };
    },
    restoreStream(parts) {
      const held = new Map<string, { paths: readonly ArgPath[]; text: string }>();
      return parts.pipeThrough(new TransformStream<StreamPart, StreamPart>({
        transform(part, ctl) {
          if (part.type === 'tool-call-start' && paths.has(part.name)) held.set(part.id, { paths: paths.get(part.name)!, text: '' });
          else if (part.type === 'tool-call-delta' && held.has(part.id)) {
            held.get(part.id)!.text += part.argumentsDelta;
            return;
          } else if (part.type === 'tool-call-end' && held.has(part.id)) {
            const call = held.get(part.id)!;
            held.delete(part.id);
            ctl.enqueue({ type: 'tool-call-delta', id: part.id, index: part.index, argumentsDelta: decodeJsonTextArgs(call.text, call.paths) });
          }
          ctl.enqueue(part);
        },
      }));
    },
  };
}

/**
 * `args` (a call's arguments, JSON) with every string found at one of `paths` replaced by the
 * value it parses to. A string that is not JSON stays as the model wrote it, as does a value
 * that is not a string (a model that wrote the object itself); unparseable `args` are returned
 * unchanged.
 */
export function decodeJsonTextArgs(args: string, paths: readonly ArgPath[]): string {
  let root: unknown;
  try {
    root = JSON.parse(args);
  } catch {
    return args;
  }
  let changed = false;
  const visit = (node: unknown, path: ArgPath, at: number, set: (v: unknown) => void): void => {
    if (at === path.length) {
      if (typeof node !== 'string') return;
      try {
        set(JSON.parse(node));
        changed = true;
      } catch {
        // Not JSON: the text stands.
      }
      return;
    }
    const key = path[at];
    if (key === null) {
      if (Array.isArray(node)) node.forEach((el, i) => visit(el, path, at + 1, (v) => { node[i] = v; }));
    } else if (typeof node === 'object' && node !== null && !Array.isArray(node) && Object.hasOwn(node, key!)) {
      const obj = node as Record<string, unknown>;
      visit(obj[key!], path, at + 1, (v) => { obj[key!] = v; });
    }
  };
  for (const p of paths) visit(root, p, 0, () => undefined);
  return changed ? JSON.stringify(root) : args;
}
