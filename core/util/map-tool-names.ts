import type { ChatRequest, ChatResult, ContentPart, Message, StreamPart } from '../types/hub.ts';

/**
 * The tool (function) names an upstream API accepts. Clients name tools by their own rules
 * (Claude Code's `mcp__<server>__<tool>` may pass 64 characters, Gemini CLI's MCP tools may hold
 * `.` or `:`), and an upstream with a narrower rule refuses the whole request with a 400.
 */
export interface ToolNameRule {
  /** Longest name accepted. */
  maxLength: number;
  /** Matches a whole name the API accepts (not global: `test` keeps no state). */
  valid: RegExp;
  /** Matches every character the API refuses (global, for `replace`). */
  invalidChar: RegExp;
  /** What a name must start with, where the API says (Gemini: a letter or `_`). */
  firstChar?: RegExp;
}

/**
 * OpenAI Chat Completions and Responses function names: `^[a-zA-Z0-9_-]{1,64}$`. Also used for
 * every OpenAI-compatible upstream: a name OpenAI takes, they take.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
 */
export const OPENAI_TOOL_NAMES: ToolNameRule = { maxLength: 64, valid: /^[a-zA-Z0-9_-]{1,64}$/, invalidChar: /[^a-zA-Z0-9_-]/g };

/**
 * Anthropic Messages tool names: `^[a-zA-Z0-9_-]{1,128}$`, as the API's own 400 states it
 * (`tools.N.custom.name: String should match pattern …`).
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export const ANTHROPIC_TOOL_NAMES: ToolNameRule = { maxLength: 128, valid: /^[a-zA-Z0-9_-]{1,128}$/, invalidChar: /[^a-zA-Z0-9_-]/g };

/**
 * Gemini function declaration names: letters, digits, `_`, `.`, `:` and `-`, at most 64, and
 * (as Vertex AI, which serves the Code Assist backends, documents it) starting with a letter or `_`.
 *
 * @see https://ai.google.dev/api/caching#FunctionDeclaration
 */
export const GEMINI_TOOL_NAMES: ToolNameRule = {
  maxLength: 64, valid: /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/, invalidChar: /[^a-zA-Z0-9_.:-]/g, firstChar: /^[a-zA-Z_]/,
};

/** A request's tool names as one upstream gets them, and the way back for its replies. */
export interface ToolNames {
  /** The request with every refused name replaced: tools, tool choice, calls and results of the history. */
  request: ChatRequest;
  /** The client's name for a name the upstream used (unchanged when it is not one of ours). */
  toClient(name: string): string;
  /** A result whose tool calls carry the client's names again. */
  restoreResult(result: ChatResult): ChatResult;
  /** The same for a stream (`tool-call-start` parts). */
  restoreStream(parts: ReadableStream<StreamPart>): ReadableStream<StreamPart>;
}

/** Characters of the hash that ends a shortened or disambiguated name (`_` + 8 hex). */
const HASH_LENGTH = 8;

/**
 * The tool names of `req` fitted to `rule`, or undefined when every name already fits (the
 * common case: nothing is copied and names reach the upstream exactly as the client wrote them).
 *
 * A refused name gets its refused characters replaced by `_` (and a leading `_` where the first
 * character may not start a name). When that is too long, or equals another name of the
 * request (a valid one, or another renamed one: `a.b` and `a:b`), it is cut and ends with `_`
 * and 8 hex digits of the SHA-256 of the original name. The result depends only on the names of
 * the request, so the same tools get the same names on every turn (prompt caches keep working),
 * and each upstream name maps back to exactly one client name.
 */
export function mapToolNames(req: ChatRequest, rule: ToolNameRule): ToolNames | undefined {
  if (!hasRefusedName(req, rule)) return undefined;
  const names = collectNames(req);
  const valid = new Set<string>();
  const cleaned = new Map<string, string>();
  const uses = new Map<string, number>();
  for (const n of names) {
    if (rule.valid.test(n)) {
      valid.add(n);
      continue;
    }
    const c = cleanName(n, rule);
    cleaned.set(n, c);
    uses.set(c, (uses.get(c) ?? 0) + 1);
  }
  const up = new Map<string, string>();
  const back = new Map<string, string>();
  for (const [n, c] of cleaned) {
    let u = c.length <= rule.maxLength && uses.get(c) === 1 && !valid.has(c) ? c : hashedName(c, n, rule);
    for (let salt = 1; valid.has(u) || back.has(u); salt++) u = hashedName(c, `${n}\u0000${salt}`, rule);
    up.set(n, u);
    back.set(u, n);
  }
  const toClient = (name: string) => back.get(name) ?? name;
  return {
    request: renameRequest(req, up),
    toClient,
    restoreResult: (result) => restoreResult(result, back),
    restoreStream: (parts) => parts.pipeThrough(new TransformStream<StreamPart, StreamPart>({
      transform(part, ctl) {
        ctl.enqueue(part.type === 'tool-call-start' && back.has(part.name) ? { ...part, name: toClient(part.name) } : part);
      },
    })),
  };
}

/** True when some tool name of the request breaks the rule; allocates nothing. */
function hasRefusedName(req: ChatRequest, rule: ToolNameRule): boolean {
  for (const t of req.tools ?? []) if (!rule.valid.test(t.name)) return true;
  if (typeof req.toolChoice === 'object' && !rule.valid.test(req.toolChoice.name)) return true;
  for (const m of req.messages) {
    for (const p of m.content) {
      if (p.type === 'tool-call' && !rule.valid.test(p.name)) return true;
      if (p.type === 'tool-result' && p.name !== undefined && !rule.valid.test(p.name)) return true;
    }
  }
  return false;
}

/** Every tool name the request holds, once each. */
function collectNames(req: ChatRequest): Set<string> {
  const names = new Set<string>();
  for (const t of req.tools ?? []) names.add(t.name);
  if (typeof req.toolChoice === 'object') names.add(req.toolChoice.name);
  for (const m of req.messages) {
    for (const p of m.content) {
      if (p.type === 'tool-call') names.add(p.name);
      else if (p.type === 'tool-result' && p.name !== undefined) names.add(p.name);
    }
  }
  return names;
}

function cleanName(name: string, rule: ToolNameRule): string {
  const c = name.replace(rule.invalidChar, '_');
  if (c === '') return '_';
  return rule.firstChar && !rule.firstChar.test(c) ? `_${c}` : c;
}

/** `cleaned` cut to fit, then `_` and a hash of `basis` (the original name). */
function hashedName(cleaned: string, basis: string, rule: ToolNameRule): string {
  const hash = new Bun.CryptoHasher('sha256').update(basis).digest('hex').slice(0, HASH_LENGTH);
  return `${cleaned.slice(0, rule.maxLength - HASH_LENGTH - 1)}_${hash}`;
}

function renameRequest(req: ChatRequest, up: ReadonlyMap<string, string>): ChatRequest {
  const out: ChatRequest = { ...req, messages: req.messages.map((m) => renameMessage(m, up)) };
  if (req.tools) out.tools = req.tools.map((t) => (up.has(t.name) ? { ...t, name: up.get(t.name)! } : t));
  if (typeof req.toolChoice === 'object' && up.has(req.toolChoice.name)) out.toolChoice = { ...req.toolChoice, name: up.get(req.toolChoice.name)! };
  return out;
}

function renameMessage(m: Message, up: ReadonlyMap<string, string>): Message {
  const renamed = (p: ContentPart) => (p.type === 'tool-call' || p.type === 'tool-result') && p.name !== undefined && up.has(p.name);
  if (!m.content.some(renamed)) return m;
  return { ...m, content: m.content.map((p) => (renamed(p) ? { ...p, name: up.get((p as { name: string }).name)! } : p)) };
}

function restoreResult(result: ChatResult, back: ReadonlyMap<string, string>): ChatResult {
  if (!result.content.some((p) => p.type === 'tool-call' && back.has(p.name))) return result;
  return { ...result, content: result.content.map((p) => (p.type === 'tool-call' && back.has(p.name) ? { ...p, name: back.get(p.name)! } : p)) };
}
