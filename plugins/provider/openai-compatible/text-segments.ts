/**
 * What the splitters of model text share: the segments they give (answer text, a tool call the
 * model wrote as text, reasoning) and the search for markers that may be cut across deltas.
 */

/** A tool call found in a model's text: the tool's name and its arguments as JSON text. */
export interface TextToolCall {
  name: string;
  arguments: string;
}

/**
 * A piece of answer text, a tool call the model wrote as text, or (from gpt-oss's Harmony
 * messages only) a piece of the model's reasoning.
 */
export type ToolTextSegment = { text: string } | { call: TextToolCall } | { reasoning: string };

/** Incremental splitter: feed text deltas, get segments; markers may be cut anywhere. */
export interface ToolTextSplitter {
  push(text: string): ToolTextSegment[];
  /** End of output: what was held back, a call left open by a model that stopped after it included. */
  flush(): ToolTextSegment[];
}

/** Appends `seg` to `out`: empty text is dropped, text (or reasoning) joins the text (or reasoning) before it. */
export function addSegment(out: ToolTextSegment[], seg: ToolTextSegment): void {
  const last = out.at(-1);
  if ('text' in seg) {
    if (seg.text === '') return;
    if (last && 'text' in last) return void (last.text += seg.text);
  } else if ('reasoning' in seg) {
    if (seg.reasoning === '') return;
    if (last && 'reasoning' in last) return void (last.reasoning += seg.reasoning);
  }
  out.push(seg);
}

/** The earliest of `markers` in `s`, or undefined. */
function firstMarker(s: string, markers: readonly string[]): { index: number; marker: string } | undefined {
  let best: { index: number; marker: string } | undefined;
  for (const marker of markers) {
    const i = s.indexOf(marker);
    if (i !== -1 && (best === undefined || i < best.index)) best = { index: i, marker };
  }
  return best;
}

/**
 * `s` read up to the earliest of `markers`: the text before it and where it is; without one,
 * the text that can go now and the end that may be the start of a marker (held for the next delta).
 */
export function scanTo(s: string, markers: readonly string[]): { text: string; at?: { index: number; marker: string }; held: string } {
  const at = firstMarker(s, markers);
  if (at !== undefined) return { text: s.slice(0, at.index), at, held: '' };
  let keep = 0;
  for (const marker of markers) keep = Math.max(keep, partialTagSuffix(s, marker));
  return { text: s.slice(0, s.length - keep), held: s.slice(s.length - keep) };
}

/**
 * Length of the longest suffix of `s` that is a proper prefix of `tag` (a tag cut across
 * deltas). For tags whose first character does not occur again in them (`<think>`, `[TOOL_CALLS]`).
 */
function partialTagSuffix(s: string, tag: string): number {
  const start = s.lastIndexOf(tag[0]!);
  if (start === -1 || s.length - start >= tag.length) return 0;
  return tag.startsWith(s.slice(start)) ? s.length - start : 0;
}
