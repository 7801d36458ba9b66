import type { ToolDefinition } from '../../../core/types/hub.ts';
import { fixedArguments, repairArguments } from '../../../core/util/tool-arguments.ts';
import { createHarmonySplitter, startsHarmony } from './harmony-text.ts';
import { addSegment, scanTo, type TextToolCall, type ToolTextSegment, type ToolTextSplitter } from './text-segments.ts';

const TOOL_CALL = '<tool_call>';
const TOOL_CALL_END = '</tool_call>';
const FUNCTION = '<function=';
const FUNCTION_END = '</function>';
const KIMI_SECTION = '<|tool_calls_section_begin|>';
const KIMI_SECTION_END = '<|tool_calls_section_end|>';
const KIMI_CALL = '<|tool_call_begin|>';
const KIMI_CALL_END = '<|tool_call_end|>';
const KIMI_ARGUMENTS = '<|tool_call_argument_begin|>';
const DEEPSEEK_SECTION = '<｜tool▁calls▁begin｜>';
const DEEPSEEK_SECTION_END = '<｜tool▁calls▁end｜>';
const DEEPSEEK_CALL = '<｜tool▁call▁begin｜>';
const DEEPSEEK_CALL_END = '<｜tool▁call▁end｜>';
const DEEPSEEK_SEP = '<｜tool▁sep｜>';
const MISTRAL_CALLS = '[TOOL_CALLS]';
const MISTRAL_ARGS = '[ARGS]';
const MISTRAL_CALL_ID = '[CALL_ID]';
const LLAMA_CALL = '<|python_tag|>';
/** End-of-turn tokens a server without the model's parser may leave after a call. */
const END_TOKENS = /(?:<\|eom_id\|>|<\|eot_id\|>|<\/s>)\s*$/;

/**
 * Each marker that opens a block, and the tag that closes it; '' for the forms that run to the
 * end of the output (Mistral's and Llama's calls come last in a turn and have no closing tag).
 */
const BLOCKS: ReadonlyArray<readonly [open: string, end: string]> = [
  [TOOL_CALL, TOOL_CALL_END], [FUNCTION, FUNCTION_END], [KIMI_SECTION, KIMI_SECTION_END], [KIMI_CALL, KIMI_CALL_END],
  [DEEPSEEK_SECTION, DEEPSEEK_SECTION_END], [DEEPSEEK_CALL, DEEPSEEK_CALL_END], [MISTRAL_CALLS, ''], [LLAMA_CALL, ''],
];
const END_OF: ReadonlyMap<string, string> = new Map(BLOCKS);
const OPENERS: readonly string[] = BLOCKS.map(([open]) => open);
const PARAMETER = '<parameter=';
const PARAMETER_END = '</parameter>';

/**
 * Finds the tool calls a model wrote into its text when the server did not parse them (Ollama,
 * vLLM or llama.cpp without the model's tool parser; Qwen3-Coder leaving out its opening tag).
 * The client would otherwise get the call as prose and run nothing: Claude Code just waits.
 * These forms are read, each only for a tool the request declared:
 * - Hermes (Qwen 2.5/3, Hermes, many fine-tunes): `<tool_call>{"name": …, "arguments": {…}}</tool_call>`;
 * - Qwen3-Coder: `<tool_call><function=NAME><parameter=KEY>value</parameter>…</function></tool_call>`,
 *   the outer tag optional;
 * - GLM-4.5 and later: `<tool_call>NAME<arg_key>KEY</arg_key><arg_value>value</arg_value>…</tool_call>`;
 * - Kimi K2: `<|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>{…}<|tool_call_end|>…<|tool_calls_section_end|>`,
 *   and DeepSeek: `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{…}<｜tool▁call▁end｜>…`
 *   (V3's `function<｜tool▁sep｜>NAME` and a fenced object too): their special tokens passed on
 *   as text by a server without the model's parser;
 * - Mistral (Devstral, Mistral Small 3.2, Magistral): `[TOOL_CALLS]NAME[ARGS]{…}` for each call
 *   (`[CALL_ID]…` and `[ARGS]` optional), and the older models' `[TOOL_CALLS] [{"name": …, "arguments": {…}}, …]`;
 * - Llama 3.1–3.3: `<|python_tag|>{"name": …, "parameters": {…}}`, `<|eom_id|>` after it or not.
 *   These two have no closing tag: the calls are read when the output ends;
 * - gpt-oss's Harmony messages (`<|channel|>analysis<|message|>…<|end|>` and a message addressed
 *   `to=functions.NAME`), when the output starts with one: see `harmony-text.ts`, which also
 *   gives the analysis channel back as reasoning.
 * In the Qwen3-Coder and GLM forms a value becomes the type the tool's schema gives that parameter.
 * Text around the calls stays text. A block that names no declared tool, or cannot be read, is
 * given back as the text it was. Text that may be the start of a marker is held until the next
 * delta shows what it is; a call's block is held until it closes (or the output ends).
 */
export function createToolTextSplitter(tools: readonly ToolDefinition[]): ToolTextSplitter {
  const byName = new Map(tools.map((t) => [t.name, t]));
  // gpt-oss's Harmony messages are told by the output's first characters (held until they tell).
  let start = '';
  let chosen: ToolTextSplitter | undefined;
  const choose = (harmony: boolean): ToolTextSplitter => (chosen = harmony ? createHarmonySplitter(byName) : createMarkupSplitter(byName));
  return {
    push(delta) {
      if (chosen) return chosen.push(delta);
      start += delta;
      const harmony = startsHarmony(start);
      if (harmony === undefined) return [];
      const text = start;
      start = '';
      return choose(harmony).push(text);
    },
    flush() {
      if (chosen) return chosen.flush();
      const s = choose(false);
      return [...s.push(start), ...s.flush()];
    },
  };
}

/** The forms other than Harmony, markers anywhere in the text (see {@link createToolTextSplitter}). */
function createMarkupSplitter(byName: ReadonlyMap<string, ToolDefinition>): ToolTextSplitter {
  /** Outside a block: text held back (a marker cut across deltas, or whitespace after a call). */
  let held = '';
  /** The marker of the block being read, or undefined outside a block. */
  let open: string | undefined;
  /**
   * The open block's text: what is known not to hold its end tag, and the last few characters,
   * which may hold its start. Kept apart so a long call streamed in small deltas is read once.
   */
  let blockParts: string[] = [];
  let tail = '';
  /** A `<function=…>` block just ended: a `</tool_call>` after it belongs to it. */
  let afterFunction = false;

  const block = (out: ToolTextSegment[], raw: string): void => {
    const calls = readBlock(raw, byName);
    if (calls) for (const call of calls) out.push({ call });
    else addSegment(out, { text: raw });
  };

  return {
    push(delta) {
      const out: ToolTextSegment[] = [];
      let s = delta;
      for (;;) {
        if (open) {
          const endTag = END_OF.get(open)!;
          if (endTag === '') {
            blockParts.push(s); // to the end of the output
            return out;
          }
          const window = tail + s;
          const end = window.indexOf(endTag);
          if (end === -1) {
            const keep = Math.min(window.length, endTag.length - 1);
            blockParts.push(window.slice(0, window.length - keep));
            tail = window.slice(window.length - keep);
            return out;
          }
          block(out, blockParts.join('') + window.slice(0, end + endTag.length));
          s = window.slice(end + endTag.length);
          blockParts = [];
          tail = '';
          afterFunction = open === FUNCTION;
          open = undefined;
          continue;
        }
        s = held + s;
        held = '';
        if (afterFunction) {
          const rest = s.trimStart();
          if (rest.length < TOOL_CALL_END.length && TOOL_CALL_END.startsWith(rest)) {
            held = s; // undecided yet
            return out;
          }
          afterFunction = false;
          if (rest.startsWith(TOOL_CALL_END)) s = rest.slice(TOOL_CALL_END.length);
        }
        const r = scanTo(s, OPENERS);
        addSegment(out, { text: r.text });
        if (!r.at) {
          held = r.held;
          return out;
        }
        open = r.at.marker;
        s = s.slice(r.at.index);
      }
    },
    flush() {
      const out: ToolTextSegment[] = [];
      if (open) block(out, blockParts.join('') + tail);
      else if (!afterFunction) addSegment(out, { text: held });
      held = '';
      tail = '';
      blockParts = [];
      open = undefined;
      afterFunction = false;
      return out;
    },
  };
}

/** One-shot form for a whole reply's text. */
export function splitToolText(text: string, tools: readonly ToolDefinition[]): ToolTextSegment[] {
  const s = createToolTextSplitter(tools);
  const out: ToolTextSegment[] = [];
  for (const seg of [...s.push(text), ...s.flush()]) addSegment(out, seg);
  return out;
}

/**
 * The calls one block holds (one, but for a Kimi section), or undefined when it cannot be read.
 * A block the output ended inside is read too: models drop closing tags before they stop, and a
 * Hermes object that never closed stays unreadable.
 */
function readBlock(raw: string, tools: ReadonlyMap<string, ToolDefinition>): TextToolCall[] | undefined {
  if (raw.startsWith(MISTRAL_CALLS)) return readMistral(raw.replace(END_TOKENS, ''), tools);
  if (raw.startsWith(LLAMA_CALL)) {
    const call = readHermes(raw.slice(LLAMA_CALL.length).replace(END_TOKENS, '').trim(), tools);
    return call && [call];
  }
  for (const format of [KIMI, DEEPSEEK]) if (raw.startsWith(format.section) || raw.startsWith(format.call)) return readTokenCalls(raw, format, tools);
  let body = raw;
  if (body.startsWith(TOOL_CALL)) body = body.slice(TOOL_CALL.length);
  if (body.endsWith(TOOL_CALL_END)) body = body.slice(0, -TOOL_CALL_END.length);
  body = body.trim();
  const call = body.startsWith(FUNCTION) ? readFunction(body, tools) : body.startsWith('{') ? readHermes(body, tools) : readKeyValues(body, tools);
  return call && [call];
}

/** A special-token call format: its section and call tags, and how one call's text splits into name and arguments. */
interface TokenCalls {
  section: string;
  sectionEnd: string;
  call: string;
  callEnd: string;
  split(call: string): { name: string; args: string } | undefined;
}

/** Kimi K2: `functions.NAME:INDEX<|tool_call_argument_begin|>{…}`. */
const KIMI: TokenCalls = {
  section: KIMI_SECTION, sectionEnd: KIMI_SECTION_END, call: KIMI_CALL, callEnd: KIMI_CALL_END,
  split(call) {
    const sep = call.indexOf(KIMI_ARGUMENTS);
    if (sep === -1) return undefined;
    return { name: call.slice(0, sep).trim().replace(/^functions\./, '').replace(/:\d+$/, ''), args: call.slice(sep + KIMI_ARGUMENTS.length) };
  },
};

/** DeepSeek: `NAME<｜tool▁sep｜>{…}`, or V3's `function<｜tool▁sep｜>NAME` and the object fenced on the lines after. */
const DEEPSEEK: TokenCalls = {
  section: DEEPSEEK_SECTION, sectionEnd: DEEPSEEK_SECTION_END, call: DEEPSEEK_CALL, callEnd: DEEPSEEK_CALL_END,
  split(call) {
    const sep = call.indexOf(DEEPSEEK_SEP);
    if (sep === -1) return undefined;
    const name = call.slice(0, sep).trim();
    const rest = call.slice(sep + DEEPSEEK_SEP.length);
    if (name !== 'function') return { name, args: rest };
    const nl = rest.indexOf('\n');
    return nl === -1 ? undefined : { name: rest.slice(0, nl).trim(), args: rest.slice(nl + 1) };
  },
};

/** The calls of a special-token section (or of one call alone); undefined when one cannot be read. */
function readTokenCalls(raw: string, format: TokenCalls, tools: ReadonlyMap<string, ToolDefinition>): TextToolCall[] | undefined {
  const body = raw.replace(format.section, '').replace(format.sectionEnd, '');
  const calls: TextToolCall[] = [];
  for (const piece of body.split(format.call).slice(1)) {
    const end = piece.indexOf(format.callEnd);
    const parts = format.split(end === -1 ? piece : piece.slice(0, end));
    const args = parts && repairArguments(parts.args);
    if (!parts || !tools.has(parts.name) || args === undefined) return undefined;
    calls.push({ name: parts.name, arguments: args });
  }
  return calls.length > 0 ? calls : undefined;
}

/**
 * Mistral's calls, everything from the first `[TOOL_CALLS]` on: `NAME[CALL_ID]ID[ARGS]{…}` per
 * call (tokenizer v11 and later; the markers between name and arguments may be missing), or one
 * JSON array of `{"name": …, "arguments": {…}}` (earlier models).
 */
function readMistral(raw: string, tools: ReadonlyMap<string, ToolDefinition>): TextToolCall[] | undefined {
  const pieces = raw.split(MISTRAL_CALLS).slice(1).map((p) => p.trim());
  if (pieces[0]?.startsWith('[')) {
    if (pieces.length !== 1) return undefined;
    let list: unknown;
    try {
      list = JSON.parse(pieces[0]);
    } catch {
      return undefined;
    }
    if (!Array.isArray(list) || list.length === 0) return undefined;
    const calls = list.map((o) => hermesCall(o, tools));
    return calls.every((c) => c !== undefined) ? calls : undefined;
  }
  const calls: TextToolCall[] = [];
  for (const piece of pieces) {
    const brace = piece.indexOf('{');
    if (brace === -1) return undefined;
    const name = piece.slice(0, brace).split(MISTRAL_CALL_ID)[0]!.replace(MISTRAL_ARGS, '').trim();
    const args = repairArguments(piece.slice(brace));
    if (!tools.has(name) || args === undefined) return undefined;
    calls.push({ name, arguments: args });
  }
  return calls.length > 0 ? calls : undefined;
}

/** `{"name": …, "arguments": {…} | "…"}` (also `parameters`). */
function readHermes(body: string, tools: ReadonlyMap<string, ToolDefinition>): TextToolCall | undefined {
  const json = repairArguments(body);
  return json === undefined ? undefined : hermesCall(JSON.parse(json), tools);
}

/** A parsed `{"name": …, "arguments" | "parameters": …}` naming a declared tool, as a call. */
function hermesCall(value: unknown, tools: ReadonlyMap<string, ToolDefinition>): TextToolCall | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.name !== 'string' || !tools.has(o.name)) return undefined;
  const args = o.arguments ?? o.parameters;
  if (typeof args === 'string') return { name: o.name, arguments: fixedArguments(args) };
  if (args === undefined || args === null) return { name: o.name, arguments: '{}' };
  return typeof args === 'object' && !Array.isArray(args) ? { name: o.name, arguments: JSON.stringify(args) } : undefined;
}

/** `<function=NAME>` then `<parameter=KEY>value</parameter>`…, closing tags optional. */
function readFunction(body: string, tools: ReadonlyMap<string, ToolDefinition>): TextToolCall | undefined {
  const nameEnd = body.indexOf('>');
  if (nameEnd === -1) return undefined;
  const name = body.slice(FUNCTION.length, nameEnd).trim();
  const tool = tools.get(name);
  if (!tool) return undefined;
  let rest = body.slice(nameEnd + 1);
  const end = rest.lastIndexOf(FUNCTION_END);
  if (end !== -1) rest = rest.slice(0, end);
  const props = (tool.parameters.properties ?? {}) as Record<string, { type?: unknown } | undefined>;
  const args: Record<string, unknown> = {};
  const pieces = rest.split(PARAMETER);
  if (pieces[0]!.trim() !== '') return undefined; // something other than parameters
  for (const piece of pieces.slice(1)) {
    const keyEnd = piece.indexOf('>');
    if (keyEnd === -1) return undefined;
    const key = piece.slice(0, keyEnd).trim();
    let value = piece.slice(keyEnd + 1);
    const close = value.lastIndexOf(PARAMETER_END);
    if (close !== -1) value = value.slice(0, close);
    // The value sits on its own lines (`>\nvalue\n</parameter>`), or inline after one space.
    args[key] = typed(value.replace(/^(?:\r?\n| )|\r?\n$/g, ''), props[key]?.type);
  }
  return { name, arguments: JSON.stringify(args) };
}

const ARG_PAIR = /<arg_key>([\s\S]*?)<\/arg_key>\s*<arg_value>([\s\S]*?)<\/arg_value>/g;

/** GLM's `NAME<arg_key>KEY</arg_key><arg_value>value</arg_value>…` (no pairs: no arguments). */
function readKeyValues(body: string, tools: ReadonlyMap<string, ToolDefinition>): TextToolCall | undefined {
  const lt = body.indexOf('<');
  const name = (lt === -1 ? body : body.slice(0, lt)).trim();
  const tool = tools.get(name);
  if (!tool) return undefined;
  const pairs = lt === -1 ? '' : body.slice(lt);
  if (pairs.replace(ARG_PAIR, '').trim() !== '') return undefined; // something other than pairs
  const props = (tool.parameters.properties ?? {}) as Record<string, { type?: unknown } | undefined>;
  const args: Record<string, unknown> = {};
  for (const [, key, value] of pairs.matchAll(ARG_PAIR)) args[key!.trim()] = typed(value!, props[key!.trim()]?.type);
  return { name, arguments: JSON.stringify(args) };
}

/** A parameter's text as the type its schema declares: strings stay text, the rest is read as JSON when it can be. */
function typed(value: string, type: unknown): unknown {
  const types = Array.isArray(type) ? type : [type];
  if (type === undefined || types.includes('string')) return value;
  const text = value.trim();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
