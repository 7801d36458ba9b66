import { REFUSED, refusal } from '../../../core/util/refused-fields.ts';
import type { RoleOrderQuirk } from './openai-quirks.ts';

/** A message field's path: `messages.2.assistant.reasoning_content` (pydantic, Cerebras), `messages[2].reasoning_content` (OpenAI). */
const MESSAGE_PATH = /messages(?:\.|\[)\d+\]?(?:\.(?:system|user|assistant|tool|developer|function))?\.([A-Za-z_]\w*)/;
/** The field quoted apart from its place: OpenAI's older "('reasoning_content' was unexpected) - 'messages.1'", Groq's "('messages.1' : property 'reasoning_content' is unsupported)". */
const QUOTED = /'([A-Za-z_]\w*)' (?:was unexpected|is unsupported)/;
/** What a message is made of: never dropped, whatever an error says. */
const ESSENTIAL = new Set(['role', 'content', 'tool_calls', 'tool_call_id']);

/**
 * The message field (of the body's `messages`) the upstream's error refuses as one it does not
 * define, or undefined. Clients replay what they got in the history (`reasoning_content`,
 * `refusal`, `annotations`, `reasoning`), and a strict validator refuses every later turn for it:
 * Cerebras "property 'messages.2.assistant.reasoning_content' is unsupported", a pydantic server's
 * "messages.1.assistant.reasoning_content: Extra inputs are not permitted", OpenAI's "Unknown
 * parameter: 'messages[1].reasoning_content'." A field a message cannot go without (role,
 * content, tool calls) is never named here.
 */
export function findRefusedMessageField(error: unknown, body: Record<string, unknown>): string | undefined {
  const refused = refusal(error);
  if (!refused) return undefined;
  const { message, param } = refused;
  if (!REFUSED.test(message) || !message.includes('messages')) return undefined;
  const field = MESSAGE_PATH.exec(param)?.[1] ?? MESSAGE_PATH.exec(message)?.[1] ?? QUOTED.exec(message)?.[1];
  if (field === undefined || ESSENTIAL.has(field) || !Array.isArray(body.messages)) return undefined;
  return body.messages.some((m) => typeof m === 'object' && m !== null && Object.hasOwn(m, field)) ? field : undefined;
}

/**
 * How a server that reads a message's `content` as a string only refuses a list of parts: serde's
 * "messages[1].content: invalid type: sequence, expected a string" (DeepSeek), SambaNova's
 * "Invalid 'content' type. Expected one of: ['str'], got list", Groq's "'messages.1.content' :
 * value must be a string", pydantic's "messages.1.content: Input should be a valid string".
 */
const STRING_ONLY = /sequence, expected a string|expected one of: \['str'\], got list|value must be a string|input should be a valid string/i;

/**
 * True when the upstream's error (400 or 422) refuses content given as a list where it reads a
 * string, and the body holds such a list (Cline, Roo and Kilo send every user turn as a list of
 * text parts), so it can go as one string.
 */
export function refusesListContent(error: unknown, body: Record<string, unknown>): boolean {
  const refused = refusal(error);
  if (!refused) return false;
  const { message, param } = refused;
  if (!STRING_ONLY.test(message) || !/content/.test(`${message} ${param}`)) return false;
  return Array.isArray(body.messages) && body.messages.some((m) => Array.isArray((m as { content?: unknown } | null)?.content));
}

/**
 * How upstreams state a rule of role order, and the quirk that keeps it: a model whose chat
 * template has no system role (Gemma on vLLM or a reseller: "System role not supported"; Mistral
 * Instruct's template in LM Studio or llama.cpp: "Error rendering prompt with jinja template: Only
 * user and assistant roles are supported!"; OpenAI's
 * first reasoning models: "'messages[0].role' does not support 'system' with this model"); a
 * template that wants user and assistant to alternate (Llama 2 and Mistral templates:
 * "Conversation roles must alternate user/assistant/user/assistant/...", Perplexity: "user and
 * assistant roles should be alternating", DeepSeek: "does not support successive user or
 * assistant messages"); Mistral's "Unexpected role 'user' after role 'tool'".
 */
const ROLE_RULES: ReadonlyArray<readonly [RoleOrderQuirk, RegExp]> = [
  ['systemAsUser', /system role (?:is )?not supported|does not support 'system'|system messages? (?:is|are) not supported|only user and assistant roles are supported/i],
  ['strictAlternation', /roles must alternate|roles should be alternating|successive user or assistant messages/i],
  ['assistantAfterTool', /unexpected role '?user'? after role '?tool'?/i],
];

/** The role-order rule the upstream's error (400 or 422) states, or undefined for any other error. */
export function findRoleOrderRule(error: unknown): RoleOrderQuirk | undefined {
  const message = refusal(error)?.message;
  return message === undefined ? undefined : ROLE_RULES.find(([, words]) => words.test(message))?.[0];
}

/** The two names of the output-token limit, each refused by some servers: each one's other. */
const TOKEN_FIELDS: Readonly<Record<string, string>> = { max_tokens: 'max_completion_tokens', max_completion_tokens: 'max_tokens' };

/**
 * The name the output-token limit should go under when the upstream's error (400 or 422) refuses
 * the body's own as one it does not take (OpenAI's reasoning models: "Unsupported parameter:
 * 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."; an older
 * server: "Unrecognized request argument supplied: max_completion_tokens"), or undefined.
 */
export function refusedTokenField(error: unknown, body: Record<string, unknown>): string | undefined {
  const refused = refusal(error);
  if (!refused) return undefined;
  const { message, param } = refused;
  if (!REFUSED.test(message)) return undefined;
  // The refused name is the one named first ("'max_tokens' is not supported … Use 'max_completion_tokens'").
  const named = /(?:^|[^a-z_])(max_tokens|max_completion_tokens)(?![a-z_])/.exec(`${param} ${message}`)?.[1];
  if (named === undefined || !(named in body) || TOKEN_FIELDS[named]! in body) return undefined;
  return TOKEN_FIELDS[named];
}

/**
 * What an assistant turn without text should carry as content, when the upstream's error (400 or
 * 422) refuses the body's: "" for a server that refuses null (Ollama's "invalid message content
 * type: <nil>", LM Studio's "'content' field must be a string or an array of objects", "expected
 * a string, got null"), null for one that refuses "" (Bedrock's OpenAI-compatible endpoint: "The
 * content field in the Message object at messages.[1] is empty"). Undefined for any other error,
 * or when no message holds the refused form.
 */
export function statedEmptyContent(error: unknown, body: Record<string, unknown>): '' | null | undefined {
  const message = refusal(error)?.message;
  if (message === undefined || !Array.isArray(body.messages)) return undefined;
  const holds = (content: unknown) => (body.messages as Array<{ role?: unknown; content?: unknown }>).some((m) => m?.role === 'assistant' && m.content === content);
  if (/content type: <nil>|'content' field must be a string or an array|expected a string, got null/i.test(message)) return holds(null) ? '' : undefined;
  if (/content field in the message object at messages\.?\[?\d*\]? is empty/i.test(message)) return holds('') ? null : undefined;
  return undefined;
}
