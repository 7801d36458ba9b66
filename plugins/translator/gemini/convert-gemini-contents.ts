import type {
  ContentPart,
  FilePart,
  ImagePart,
  Message,
  ReasoningPart,
  TextPart,
  ToolResultPart,
} from '../../../core/types/hub.ts';
import type { GeminiContent, GeminiPart } from './gemini-request-schema.ts';
import { CallLedger } from './call-ledger.ts';
import { unwrapCarried, unwrapSignature } from './gemini-signature.ts';

type FunctionResponse = NonNullable<GeminiPart['functionResponse']>;

/**
 * Converts validated Gemini `contents` into hub messages.
 * - `model` turns become `assistant` messages: text, thoughts (reasoning with signature,
 *   origin `gemini` unless the signature was wrapped by the gateway), function calls.
 *   Consecutive `model` contents are one turn (one message), and its adjacent text parts one
 *   text: `@google/genai`'s chat session keeps each streamed chunk as a content of its own.
 * - `user` turns become `user` messages; each `functionResponse` becomes its own `tool`
 *   message, kept in order with the surrounding user parts.
 * - A `thoughtSignature` on a text or call part goes to `providerOptions.gemini.thoughtSignature`.
 * Parts the hub cannot carry (executableCode, codeExecutionResult, videoMetadata alone) are skipped.
 *
 * @see https://ai.google.dev/api/caching#Content
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function convertGeminiContents(contents: readonly GeminiContent[]): Message[] {
  const ledger = new CallLedger();
  const out: Message[] = [];
  let turn: Turn | undefined;
  for (const content of contents) {
    if (content.role !== 'model') {
      turn = undefined;
      userTurn(content.parts, ledger, out);
    } else if (turn) {
      modelParts(content.parts, ledger, turn);
    } else {
      turn = { parts: [], blocks: new Set() };
      modelParts(content.parts, ledger, turn);
      out.push({ role: 'assistant', content: turn.parts });
    }
  }
  return out;
}

/**
 * An assistant turn being built: its parts, and the keys (`blockKeys`) of the reasoning blocks
 * among them, so a block carried on a call is checked against the turn at once, however long.
 */
interface Turn {
  parts: ContentPart[];
  blocks: Set<string>;
}

function modelParts(parts: readonly GeminiPart[], ledger: CallLedger, turn: Turn): void {
  const out = turn.parts;
  for (const p of parts) {
    if (p.functionCall) {
      const sig = signature(p, turn);
      // The client's own call id is kept for a Gemini upstream, which pairs the response by it.
      const gemini: Record<string, unknown> = {};
      if (sig) gemini.thoughtSignature = sig;
      if (typeof p.functionCall.id === 'string' && p.functionCall.id) gemini.id = p.functionCall.id;
      out.push({
        type: 'tool-call',
        id: ledger.call(p.functionCall.name, p.functionCall.id),
        name: p.functionCall.name,
        arguments: JSON.stringify(p.functionCall.args ?? {}),
        ...(Object.keys(gemini).length > 0 ? { providerOptions: { gemini } } : {}),
      });
    } else if (p.thought === true) {
      const r: ReasoningPart = { type: 'reasoning', text: p.text ?? '', origin: 'gemini' };
      if (p.thoughtSignature) {
        const s = unwrapSignature(p.thoughtSignature);
        if (s.redacted) r.redacted = s.value;
        else r.signature = s.value;
        r.origin = s.origin;
        if (s.origin !== 'gemini') r.text = takeUnsignedThoughts(out) + r.text;
      }
      addReasoning(turn, r);
    } else {
      const sig = signature(p, turn);
      const last = out[out.length - 1];
      // Text streamed in pieces is one text: a client that keeps every chunk (the SDK's chat
      // session) sends "Hel", "lo" as parts, which other upstreams would read as two paragraphs.
      if (!sig && p.text && last?.type === 'text') last.text += p.text;
      else media(p, sig, out);
    }
  }
}

/** Adds a reasoning part to the turn, noting its block. */
function addReasoning(turn: Turn, r: ReasoningPart): void {
  turn.parts.push(r);
  for (const key of blockKeys(r)) turn.blocks.add(key);
}

/** What tells a reasoning block apart: its signature, or its redacted payload. */
function blockKeys(b: { signature?: string; redacted?: string }): string[] {
  const keys: string[] = [];
  if (b.signature !== undefined) keys.push(`s:${b.signature}`);
  if (b.redacted !== undefined) keys.push(`r:${b.redacted}`);
  return keys;
}

/**
 * The text of the unsigned thought parts that end `out`, removed from it. A stream puts a foreign
 * signature on a thought part of its own once the thinking it signs was sent (Claude signs a
 * block at its end), so a client replays the text and the signature apart; the provider that
 * made the signature needs them together, unchanged.
 */
function takeUnsignedThoughts(out: ContentPart[]): string {
  let text = '';
  for (let last = out[out.length - 1]; isUnsignedThought(last); last = out[out.length - 1]) {
    text = last.text + text;
    out.pop();
  }
  return text;
}

function isUnsignedThought(p: ContentPart | undefined): p is ReasoningPart {
  return p?.type === 'reasoning' && p.origin === 'gemini' && !p.signature && p.redacted === undefined;
}

function userTurn(parts: readonly GeminiPart[], ledger: CallLedger, out: Message[]): void {
  let pending: ContentPart[] = [];
  const flush = (): void => {
    if (pending.length > 0) out.push({ role: 'user', content: pending });
    pending = [];
  };
  for (const p of parts) {
    if (p.functionResponse) {
      flush();
      const result = toolResult(p.functionResponse, ledger);
      out.push({ role: 'tool', content: [result] });
      // Media a tool result cannot hold (a PDF the tool read) follows it, as Gemini CLI sends
      // such parts to models without multimodal function responses.
      const carried: ContentPart[] = [];
      for (const m of p.functionResponse.parts ?? []) media(m, undefined, carried);
      for (const c of carried) {
        if (c.type === 'image') result.content.push(c);
        else pending.push(c);
      }
    } else if (p.thought !== true) {
      media(p, undefined, pending);
    }
  }
  flush();
}

/**
 * The Gemini signature on a non-thought part. A wrapped foreign signature becomes an empty
 * reasoning part of its origin placed before the part, so it can reach its own provider again;
 * foreign blocks carried whole on a call (`wrapCarried`) become their reasoning parts, unless the
 * client sent them as thought parts too.
 */
function signature(p: GeminiPart, turn: Turn): string | undefined {
  if (!p.thoughtSignature) return undefined;
  const carried = unwrapCarried(p.thoughtSignature);
  if (carried) {
    for (const b of carried.blocks) if (!turn.blocks.has(blockKeys(b)[0]!)) addReasoning(turn, { type: 'reasoning', ...b, origin: carried.origin });
    return undefined;
  }
  const s = unwrapSignature(p.thoughtSignature);
  if (s.origin === 'gemini' && (p.functionCall || (p.text !== undefined && p.text !== ''))) return s.value;
  addReasoning(turn, s.redacted
    ? { type: 'reasoning', text: '', redacted: s.value, origin: s.origin }
    : { type: 'reasoning', text: '', signature: s.value, origin: s.origin });
  return undefined;
}

/** Text, inline data and file parts; empty text is dropped (several upstreams reject it). */
function media(p: Pick<GeminiPart, 'text' | 'inlineData' | 'fileData'>, sig: string | undefined, out: ContentPart[]): void {
  if (p.text !== undefined && p.text !== '') {
    const t: TextPart = { type: 'text', text: p.text };
    if (sig) t.providerOptions = { gemini: { thoughtSignature: sig } };
    out.push(t);
  } else if (p.inlineData) {
    const { mimeType, data } = p.inlineData;
    if (mimeType.startsWith('image/')) out.push({ type: 'image', data, mediaType: mimeType } satisfies ImagePart);
    else out.push({ type: 'file', data, mediaType: mimeType } satisfies FilePart);
  } else if (p.fileData) {
    const { fileUri, mimeType } = p.fileData;
    if (mimeType?.startsWith('image/')) out.push({ type: 'image', url: fileUri, mediaType: mimeType } satisfies ImagePart);
    else out.push({ type: 'file', url: fileUri, mediaType: mimeType ?? 'application/octet-stream' } satisfies FilePart);
  }
}

/**
 * A function response as a tool result. A response that is only `{output|result|content: "…"}`
 * becomes that text, `{error: "…"}` an error result; anything else its JSON text, which a
 * Gemini upstream turns back into the same object. Images in its `parts` are added by the caller.
 */
function toolResult(fr: FunctionResponse, ledger: CallLedger): ToolResultPart {
  const response = fr.response ?? {};
  const keys = Object.keys(response);
  const key = keys.length === 1 ? keys[0] : '';
  const value = response[key];
  const plain = typeof value === 'string' && PLAIN_KEYS.has(key);
  const part: ToolResultPart = {
    type: 'tool-result',
    toolCallId: ledger.answer(fr.name, fr.id),
    name: fr.name,
    content: [{ type: 'text', text: plain ? value : JSON.stringify(response) }],
  };
  if (plain && key === 'error') part.isError = true;
  return part;
}

const PLAIN_KEYS: ReadonlySet<string> = new Set(['output', 'result', 'content', 'error']);
