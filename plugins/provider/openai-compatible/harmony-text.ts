import type { ToolDefinition } from '../../../core/types/hub.ts';
import { repairArguments } from '../../../core/util/tool-arguments.ts';
import { addSegment, scanTo, type ToolTextSegment, type ToolTextSplitter } from './text-segments.ts';

const START = '<|start|>';
const CHANNEL = '<|channel|>';
const MESSAGE = '<|message|>';
/** What ends a message's body: its end, a call, the last message's return, or the next message. */
const BODY_ENDS = ['<|end|>', '<|call|>', '<|return|>', START, CHANNEL] as const;
/** The markers a Harmony output starts with (the server's prompt may end in `<|start|>assistant`). */
const OPENERS = [START, CHANNEL] as const;

/**
 * True when `text` (the output's first characters, leading white space allowed) starts a
 * Harmony message, false when it cannot, undefined while it is too short to tell.
 */
export function startsHarmony(text: string): boolean | undefined {
  const t = text.trimStart();
  if (t === '') return undefined;
  if (OPENERS.some((m) => t.startsWith(m))) return true;
  return OPENERS.some((m) => t.length < m.length && m.startsWith(t)) ? undefined : false;
}

/** What a message's body is, from its header. */
type Kind = { is: 'text' } | { is: 'reasoning' } | { is: 'call'; name: string | undefined };

/**
 * gpt-oss's Harmony format, as a server without the model's parser passes it on as text
 * (mlx and transformers servers, llama.cpp without `--jinja`): messages of
 * `<|start|>assistant<|channel|>NAME … <|message|>BODY` ending in `<|end|>`, `<|call|>` or
 * `<|return|>`. The `analysis` channel is the model's reasoning; `final` (and `commentary`
 * addressed to no one) is the answer; a message addressed `to=functions.NAME` (in the header,
 * before or after the channel; ` json` or `<|constrain|>json` after it, or `json` glued to the
 * name) is a call of the declared tool NAME with the body as its arguments. A call of a tool
 * the request did not declare (gpt-oss's built-in `browser.*`, `python`) stays text, as its
 * whole message was written. Reasoning and answer text stream as they come; a call goes out
 * when its message ends.
 */
export function createHarmonySplitter(tools: ReadonlyMap<string, ToolDefinition>): ToolTextSplitter {
  /** Between messages, in a header, or in a body. */
  let state: 'out' | 'header' | 'body' = 'out';
  /** Text not yet given out: a marker may be cut across deltas. */
  let held = '';
  let header = '';
  let kind: Kind = { is: 'text' };
  /** A call's body so far, and its whole message as written (given back as text when unreadable). */
  let callBody = '';
  let callRaw = '';

  /** Text outside any message: white space (a line break between messages) is dropped. */
  const between = (out: ToolTextSegment[], text: string): void => {
    if (text.trim() !== '') addSegment(out, { text });
  };
  const body = (out: ToolTextSegment[], text: string): void => {
    if (text === '') return;
    if (kind.is === 'call') callBody += text;
    else addSegment(out, kind.is === 'reasoning' ? { reasoning: text } : { text });
  };
  const endMessage = (out: ToolTextSegment[], endToken: string): void => {
    if (kind.is === 'call') {
      const args = kind.name === undefined ? undefined : repairArguments(callBody.trim() || '{}');
      if (kind.name !== undefined && args !== undefined) addSegment(out, { call: { name: kind.name, arguments: args } });
      else addSegment(out, { text: callRaw + callBody + endToken });
    }
    state = 'out';
    kind = { is: 'text' };
    callBody = '';
    callRaw = '';
  };

  return {
    push(delta) {
      const out: ToolTextSegment[] = [];
      let s = held + delta;
      held = '';
      for (;;) {
        if (state === 'out') {
          // Text between messages (in a well-formed output only line breaks, dropped by `between`).
          const r = scanTo(s, OPENERS);
          between(out, r.text);
          if (!r.at) {
            held = r.held;
            return out;
          }
          s = s.slice(r.at.index);
          state = 'header';
          header = '';
          continue;
        }
        if (state === 'header') {
          header += s;
          const m = header.indexOf(MESSAGE);
          if (m === -1) return out;
          s = header.slice(m + MESSAGE.length);
          kind = kindOf(header.slice(0, m), tools);
          if (kind.is === 'call') callRaw = header.slice(0, m + MESSAGE.length);
          state = 'body';
          continue;
        }
        const r = scanTo(s, BODY_ENDS);
        body(out, r.text);
        if (!r.at) {
          held = r.held;
          return out;
        }
        // The next message's opener is read as the start of that message.
        const consumed = r.at.marker === START || r.at.marker === CHANNEL ? '' : r.at.marker;
        endMessage(out, consumed);
        s = s.slice(r.at.index + consumed.length);
      }
    },
    flush() {
      const out: ToolTextSegment[] = [];
      if (state === 'header') addSegment(out, { text: header + held });
      else if (state === 'body') {
        body(out, held);
        endMessage(out, '');
      } else between(out, held);
      held = '';
      header = '';
      state = 'out';
      return out;
    },
  };
}

/** What a header (`<|start|>assistant to=functions.NAME<|channel|>commentary json`, …) makes of its body. */
function kindOf(header: string, tools: ReadonlyMap<string, ToolDefinition>): Kind {
  const recipient = /\bto=(\S+?)(?=<\||\s|$)/.exec(header)?.[1];
  if (recipient !== undefined) {
    const name = recipient.startsWith('functions.') ? recipient.slice('functions.'.length) : undefined;
    if (name !== undefined && tools.has(name)) return { is: 'call', name };
    // `json` glued to the name (`to=functions.shelljson`), as gpt-oss sometimes writes it.
    if (name !== undefined && name.endsWith('json') && tools.has(name.slice(0, -4))) return { is: 'call', name: name.slice(0, -4) };
    return { is: 'call', name: undefined };
  }
  const channel = /<\|channel\|>\s*(\w+)/.exec(header)?.[1];
  return channel === 'analysis' ? { is: 'reasoning' } : { is: 'text' };
}
