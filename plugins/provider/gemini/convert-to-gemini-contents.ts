import { mapImageMediaType } from '../../../core/util/map-image-media-type.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ContentPart, FilePart, ImagePart, Message, ToolResultPart } from '../../../core/types/hub.ts';
import type { GeminiContent, GeminiPart } from './gemini-wire-types.ts';
import { toolArgumentsObject } from '../../../core/util/tool-arguments.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

export interface ConvertContentsOptions {
  /**
   * Signature put on a model turn's first function call when it has none (a call made by
   * another provider or a client that drops signatures). Gemini 3 refuses such turns
   * otherwise; Google documents this value for exactly that case.
   */
  fillSignature?: string;
}

/**
 * Hub messages → Gemini `systemInstruction` + `contents`.
 * - system messages (anywhere) are joined into `systemInstruction` (sent as the user turn when
 *   there is no other turn: Gemini needs one);
 * - `assistant` → role `model`; `user` and `tool` → role `user`; consecutive turns of one
 *   role are merged (parallel function responses belong in one turn);
 * - tool results become `functionResponse` parts named after the call they answer: the name
 *   is recovered from the assistant tool call with the same id earlier in the conversation;
 * - thought signatures go back only when Gemini made them (origin `gemini`); a bare signature
 *   (empty reasoning part) rides on the next part of the turn, as Gemini placed it.
 *
 * Errors: 400 GW_BAD_REQUEST for a tool result whose call cannot be found.
 *
 * @see https://ai.google.dev/api/caching#Content
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function convertToGeminiContents(messages: readonly Message[], opts: ConvertContentsOptions = {}): {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
} {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const calls = new Map<string, Call>();
  const push = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of messages) {
    if (m.role === 'system') {
      for (const p of m.content) if (p.type === 'text' && p.text !== '') system.push({ text: p.text });
    } else if (m.role === 'assistant') {
      push('model', modelParts(m.content, calls, opts.fillSignature));
    } else {
      push('user', userParts(m.content, calls));
    }
  }
  // Instructions alone (an OpenAI client may send only a system message): Gemini needs a turn,
  // so they become it.
  if (contents.length === 0 && system.length > 0) return { contents: [{ role: 'user', parts: system }] };
  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}

function modelParts(content: readonly ContentPart[], calls: Map<string, Call>, fill: string | undefined): GeminiPart[] {
  const out: GeminiPart[] = [];
  let pending: string | undefined;
  let firstCall = true;
  for (const part of content) {
    let p: GeminiPart | undefined;
    let own: unknown;
    if (part.type === 'reasoning') {
      if (part.origin !== 'gemini') continue;
      if (part.text === '') {
        if (part.signature) pending = part.signature;
        continue;
      }
      p = { text: part.text, thought: true };
      own = part.signature;
    } else if (part.type === 'tool-call') {
      const call: NonNullable<GeminiPart['functionCall']> = { name: part.name, args: toolArgumentsObject(part.arguments) };
      const nativeId = part.providerOptions?.gemini?.id;
      if (typeof nativeId === 'string') call.id = nativeId;
      calls.set(part.id, { name: part.name, ...(call.id === undefined ? {} : { id: call.id }) });
      p = { functionCall: call };
      own = part.providerOptions?.gemini?.thoughtSignature ?? pending ?? (firstCall ? fill : undefined);
      firstCall = false;
    } else if (part.type === 'text') {
      if (part.text === '') continue;
      p = { text: part.text };
      own = part.providerOptions?.gemini?.thoughtSignature;
    } else if (part.type === 'image' || part.type === 'file') {
      p = media(part);
    }
    if (!p) continue;
    const sig = typeof own === 'string' ? own : p.thought ? undefined : pending;
    if (sig) p.thoughtSignature = sig;
    if (!p.thought) pending = undefined;
    out.push(p);
  }
  // A signature with nothing after it rides on the last part (Gemini refuses empty text parts).
  const last = out[out.length - 1];
  if (pending && last && !last.thoughtSignature) last.thoughtSignature = pending;
  return out;
}

function userParts(content: readonly ContentPart[], calls: Map<string, Call>): GeminiPart[] {
  const out: GeminiPart[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text !== '') out.push({ text: part.text });
    } else if (part.type === 'tool-result') {
      out.push(...functionResponse(part, calls));
    } else if (part.type === 'image' || part.type === 'file') {
      const p = media(part);
      if (p) out.push(p);
    }
  }
  return out;
}

/** An earlier call: its function name, and the id Gemini gave it (a response names it back). */
interface Call {
  name: string;
  id?: string;
}

/**
 * A tool result as `functionResponse` (+ any images as inline parts after it), with the id of
 * the call it answers when Gemini gave one. Text that is a JSON object is sent as that object;
 * other text as `{output}` (`{error}` for a failed call).
 */
function functionResponse(part: ToolResultPart, calls: Map<string, Call>): GeminiPart[] {
  const call = calls.get(part.toolCallId);
  const name = call?.name ?? part.name;
  if (!name) {
    throw new GatewayError('GW_BAD_REQUEST', `The tool result for call "${part.toolCallId}" answers no earlier tool call; Gemini needs the function name.`, { status: 400 });
  }
  const text = part.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
  let response: Record<string, unknown>;
  if (part.isError) response = { error: text };
  else {
    const parsed = tryParse(text);
    response = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : { output: text };
  }
  const out: GeminiPart[] = [{ functionResponse: call?.id === undefined ? { name, response } : { id: call.id, name, response } }];
  for (const c of part.content) {
    if (c.type === 'image') {
      const p = media(c);
      if (p) out.push(p);
    }
  }
  return out;
}

/** Image or file part: base64 / data: URL → `inlineData`; other URLs → `fileData`. */
function media(part: ImagePart | FilePart): GeminiPart | undefined {
  const fallback = part.type === 'image' ? 'image/jpeg' : 'application/octet-stream';
  // An image's bytes name its type (`mapImageMediaType`): a client's label may be a guess.
  const typed = (mimeType: string, data: string) => (mimeType.startsWith('image/') ? mapImageMediaType(mimeType, data) : mimeType);
  if (part.data) return { inlineData: { mimeType: typed(part.mediaType ?? fallback, part.data), data: part.data } };
  if (!part.url) return undefined;
  const dataUrl = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(part.url);
  if (dataUrl) {
    const data = dataUrl[2] ? dataUrl[3] : Buffer.from(decodeURIComponent(dataUrl[3])).toString('base64');
    return { inlineData: { mimeType: typed(dataUrl[1] ?? part.mediaType ?? fallback, data), data } };
  }
  return { fileData: { fileUri: part.url, mimeType: part.mediaType ?? guessMime(part.url) ?? fallback } };
}

const EXT_MIME: Readonly<Record<string, string>> = lookupTable({
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', heic: 'image/heic',
  pdf: 'application/pdf', mp3: 'audio/mpeg', wav: 'audio/wav', mp4: 'video/mp4', txt: 'text/plain',
});

function guessMime(url: string): string | undefined {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return ext ? EXT_MIME[ext] : undefined;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
