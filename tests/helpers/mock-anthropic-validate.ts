/**
 * The request rules of the Anthropic Messages API that the mock upstream enforces, so tests
 * catch a converter that would get a 400 from the real API. Returns the first problem as an
 * API-style message, or undefined when the body is acceptable.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */

type Json = Record<string, unknown>;
type Block = Json & { type: string };

const TOP_LEVEL = new Set([
  'model', 'max_tokens', 'messages', 'system', 'metadata', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k',
  'tools', 'tool_choice', 'thinking', 'service_tier', 'container', 'mcp_servers', 'context_management', 'output_format',
  'output_config', 'cache_control', 'inference_geo', 'speed',
]);
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The image format base64 data is in, by its first bytes (as the API reads it), or undefined when it is none of the four. */
function formatOf(base64: string): string | undefined {
  const b = Buffer.from(base64.slice(0, 16), 'base64');
  const hex = b.toString('hex');
  if (hex.startsWith('89504e470d0a1a0a')) return 'image/png';
  if (hex.startsWith('ffd8ff')) return 'image/jpeg';
  if (hex.startsWith('47494638')) return 'image/gif';
  if (hex.startsWith('52494646') && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/** The first rule `body` breaks, as the API words it, or undefined. `beta` is the anthropic-beta header. */
export function validateMessagesRequest(body: unknown, ctx: { countTokens: boolean; beta: string }): string | undefined {
  if (!isObj(body)) return 'body: Input should be an object';
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) return `${key}: Extra inputs are not permitted`;
  if (typeof body.model !== 'string' || body.model.length === 0) return 'model: Field required';
  if (!ctx.countTokens && (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  const problem = checkSystem(body.system) ?? checkSampling(body) ?? checkRemovedSampling(body) ?? checkSamplingPair(body) ?? checkTools(body) ?? checkThinking(body)
    ?? checkCacheBreakpoints(body);
  if (problem) return problem;
  return checkMessages(body.messages as unknown[], ctx.beta, isObj(body.thinking) && body.thinking.type !== 'disabled');
}

function checkSystem(system: unknown): string | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return 'system: Input should be a valid string or list';
  for (const [i, b] of system.entries()) {
    if (!isObj(b) || b.type !== 'text' || typeof b.text !== 'string') return `system.${i}: Input should be a text block`;
    if (b.text.length === 0) return `system.${i}.text: text content blocks must be non-empty`;
  }
  return undefined;
}

function checkSampling(b: Json): string | undefined {
  if (b.temperature !== undefined && (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature > 1)) {
    return 'temperature: Input should be less than or equal to 1';
  }
  if (b.metadata !== undefined && (!isObj(b.metadata) || Object.keys(b.metadata).some((k) => k !== 'user_id'))) {
    return 'metadata: Extra inputs are not permitted';
  }
  if (b.stop_sequences !== undefined) {
    if (!Array.isArray(b.stop_sequences)) return 'stop_sequences: Input should be a valid list';
    if (b.stop_sequences.some((s) => typeof s !== 'string' || s.trim().length === 0)) return 'stop_sequences: each stop sequence must contain non-whitespace';
  }
  return undefined;
}

function checkTools(b: Json): string | undefined {
  const tools = b.tools;
  if (tools !== undefined && !Array.isArray(tools)) return 'tools: Input should be a valid list';
  const names = new Set<string>();
  for (const [i, t] of (tools as unknown[] | undefined ?? []).entries()) {
    if (!isObj(t)) return `tools.${i}: Input should be an object`;
    if (t.type !== undefined && t.type !== 'custom') continue;
    if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) return `tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    if (names.has(t.name)) return 'tools: Tool names must be unique.';
    names.add(t.name);
    if (!isObj(t.input_schema) || t.input_schema.type !== 'object') return `tools.${i}.input_schema.type: Input should be 'object'`;
    if (!isDraft2020(t.input_schema)) {
      return `tools.${i}.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12 (https://json-schema.org/draft/2020-12). Learn more about tool use at https://docs.claude.com/en/docs/tool-use.`;
    }
  }
  const choice = b.tool_choice;
  if (choice === undefined) return undefined;
  if (!isObj(choice) || !['auto', 'any', 'tool', 'none'].includes(String(choice.type))) return 'tool_choice: Input tag does not match any of the expected tags';
  if (choice.type === 'tool' && !names.has(String(choice.name))) return `tool_choice.name: Tool '${String(choice.name)}' not found in tools`;
  if ((choice.type === 'tool' || choice.type === 'any') && names.size === 0) return 'tool_choice: requires tools';
  return undefined;
}

/**
 * A Claude model id's family and version (`claude-opus-4-8`, `claude-sonnet-4-5-20250929`,
 * `claude-sonnet-4-20250514`, `claude-3-7-sonnet-20250219`, `claude-sonnet-5`), or undefined for
 * other ids (test names, vendors' models), which take either thinking shape.
 */
export function claudeVersion(model: unknown): { family: string; version: number } | undefined {
  const id = String(model);
  const m = /^claude-([a-z]+)-(\d)(?:-(\d)(?!\d))?/.exec(id);
  if (m) return { family: m[1]!, version: Number(m[2]) + Number(m[3] ?? 0) / 10 };
  const old = /^claude-(\d)(?:-(\d))?-([a-z]+)/.exec(id);
  return old ? { family: old[3]!, version: Number(old[1]) + Number(old[2] ?? 0) / 10 } : undefined;
}

/** Opus 4.7 and later took away the sampling parameters. */
function checkRemovedSampling(b: Json): string | undefined {
  const claude = claudeVersion(b.model);
  if (!claude || !((claude.family === 'opus' && claude.version >= 4.7) || claude.version >= 5)) return undefined;
  const set = ['temperature', 'top_p', 'top_k'].find((k) => b[k] !== undefined);
  return set === undefined ? undefined : `'${set}' is deprecated for this model.`;
}

/** At most 4 blocks marked `cache_control` (tools, system, message blocks, a tool result's own; the request-level mark counts as one). */
function checkCacheBreakpoints(b: Json): string | undefined {
  const marked = (x: unknown) => isObj(x) && x.cache_control != null;
  let n = b.cache_control != null ? 1 : 0;
  for (const t of Array.isArray(b.tools) ? b.tools : []) if (marked(t)) n++;
  for (const s of Array.isArray(b.system) ? b.system : []) if (marked(s)) n++;
  for (const m of Array.isArray(b.messages) ? (b.messages as Json[]) : []) {
    for (const blk of Array.isArray(m?.content) ? (m.content as Json[]) : []) {
      if (marked(blk)) n++;
      for (const c of Array.isArray(blk?.content) ? (blk.content as unknown[]) : []) if (marked(c)) n++;
    }
  }
  return n > 4 ? `A maximum of 4 blocks with cache_control may be provided. Found ${n}.` : undefined;
}

/** Claude 4.5 and later take `temperature` or `top_p`, not both. */
function checkSamplingPair(b: Json): string | undefined {
  const claude = claudeVersion(b.model);
  if (!claude || claude.version < 4.5 || b.temperature === undefined || b.top_p === undefined) return undefined;
  return '`temperature` and `top_p` cannot both be specified for this model. Please use only one.';
}

function checkThinking(b: Json): string | undefined {
  const t = b.thinking;
  if (t === undefined) return undefined;
  if (!isObj(t) || !['enabled', 'disabled', 'adaptive'].includes(String(t.type))) return 'thinking: Input tag does not match any of the expected tags';
  if (t.type === 'disabled') return undefined;
  // Opus 4.7 and later think only adaptively; the models before 4.6 only with a budget.
  const claude = claudeVersion(b.model);
  if (claude && t.type === 'enabled' && ((claude.family === 'opus' && claude.version >= 4.7) || claude.version >= 5)) {
    return '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
  }
  if (claude && t.type === 'adaptive' && claude.version < 4.6) return 'adaptive thinking is not supported on this model';
  if (t.type === 'enabled') {
    if (!Number.isInteger(t.budget_tokens) || (t.budget_tokens as number) < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if ((t.budget_tokens as number) >= (b.max_tokens as number)) return '`max_tokens` must be greater than `thinking.budget_tokens`.';
  }
  if (b.temperature !== undefined && b.temperature !== 1) return '`temperature` may only be set to 1 when thinking is enabled.';
  if (b.top_k !== undefined) return '`top_k` must be unset when thinking is enabled.';
  const choice = b.tool_choice as Json | undefined;
  if (choice && (choice.type === 'any' || choice.type === 'tool')) return 'Thinking may not be enabled when tool_choice forces tool use.';
  return undefined;
}

function checkMessages(messages: unknown[], beta: string, thinking: boolean): string | undefined {
  let prevRole = '';
  let pendingToolUse: string[] = [];
  const toolUseIds = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (!isObj(m)) return `messages.${i}: Input should be an object`;
    for (const k of Object.keys(m)) if (k !== 'role' && k !== 'content') return `messages.${i}.${k}: Extra inputs are not permitted`;
    const systemOk = m.role === 'system' && beta.includes('mid-conversation-system');
    if (m.role !== 'user' && m.role !== 'assistant' && !systemOk) return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (m.role === prevRole) return `messages: roles must alternate between "user" and "assistant", but found multiple "${prevRole}" roles in a row`;
    prevRole = String(m.role);
    const blocks: Block[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content as Block[]);
    if (!Array.isArray(blocks) || blocks.length === 0) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    const results = blocks.filter((b) => isObj(b) && b.type === 'tool_result').map((b) => String(b.tool_use_id));
    if (pendingToolUse.length > 0) {
      const missing = pendingToolUse.filter((id) => !results.includes(id));
      if (missing.length > 0) return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}`;
    }
    for (const id of results) if (!pendingToolUse.includes(id)) return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}`;
    if (new Set(results).size < results.length) return `messages.${i}.content: each \`tool_use\` must have a single result`;
    const firstNonResult = blocks.findIndex((b) => b.type !== 'tool_result');
    if (results.length > 0 && firstNonResult !== -1 && blocks.slice(firstNonResult).some((b) => b.type === 'tool_result')) {
      return `messages.${i}.content: tool_result blocks must come first`;
    }
    pendingToolUse = [];
    const last = i === messages.length - 1;
    for (const [j, b] of blocks.entries()) {
      const problem = checkBlock(b, String(m.role), `messages.${i}.content.${j}`, last);
      if (problem) return problem;
      if (b.type === 'tool_use') {
        if (toolUseIds.has(String(b.id))) return `messages.${i}.content.${j}: \`tool_use\` ids must be unique`;
        toolUseIds.add(String(b.id));
        pendingToolUse.push(String(b.id));
      }
    }
    if (thinking && last && results.length > 0) {
      const prev = messages[i - 1] as Json;
      const prevBlocks = prev.content as Block[];
      if (Array.isArray(prevBlocks) && prevBlocks[0]?.type !== 'thinking' && prevBlocks[0]?.type !== 'redacted_thinking') {
        return `messages.${i - 1}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${prevBlocks[0]?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
      }
    }
  }
  return undefined;
}

function checkBlock(b: Block, role: string, at: string, lastMessage: boolean): string | undefined {
  if (!isObj(b) || typeof b.type !== 'string') return `${at}: Input should be an object with a type`;
  switch (b.type) {
    case 'text':
      if (typeof b.text !== 'string' || b.text.length === 0) return `${at}.text: text content blocks must be non-empty`;
      if (b.text.trim().length === 0) return `${at}.text: text content blocks must contain non-whitespace text`;
      if (role === 'assistant' && lastMessage && /\s$/.test(b.text)) return 'final assistant content cannot end with trailing whitespace';
      return undefined;
    case 'image': {
      const s = b.source as Json | undefined;
      if (!isObj(s)) return `${at}.source: Field required`;
      if (s.type === 'base64') {
        if (!IMAGE_TYPES.has(String(s.media_type)) || typeof s.data !== 'string') return `${at}.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
        const actual = formatOf(s.data);
        return actual && actual !== s.media_type ? `${at}.source.base64.data: Image does not match the provided media type ${s.media_type}` : undefined;
      }
      if (s.type === 'url') return typeof s.url === 'string' ? undefined : `${at}.source.url: Field required`;
      return s.type === 'file' ? undefined : `${at}.source: Input tag does not match any of the expected tags`;
    }
    case 'tool_use':
      if (role !== 'assistant') return `${at}: tool_use blocks are only allowed in assistant messages`;
      if (typeof b.id !== 'string' || !TOOL_ID.test(b.id)) return `${at}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
      return isObj(b.input) ? undefined : `${at}.input: Input should be a valid dictionary`;
    case 'tool_result': {
      if (role !== 'user') return `${at}: tool_result blocks are only allowed in user messages`;
      const inner = Array.isArray(b.content) ? (b.content as Block[]) : [];
      for (const [k, c] of inner.entries()) {
        if (isObj(c) && c.type === 'image') {
          const problem = checkBlock(c, role, `${at}.content.${k}`, false);
          if (problem) return problem;
        }
      }
      return undefined;
    }
    case 'thinking':
      if (role !== 'assistant') return `${at}: thinking blocks are only allowed in assistant messages`;
      if (typeof b.signature !== 'string' || !b.signature.startsWith('EqMockSig')) return `${at}.signature: Invalid \`signature\` in \`thinking\` block`;
      // Thinking blocks cannot be marked for caching (they are cached with the turn around them).
      return b.cache_control === undefined ? undefined : `${at}.thinking.cache_control: Extra inputs are not permitted`;
    case 'redacted_thinking':
      if (b.cache_control !== undefined) return `${at}.redacted_thinking.cache_control: Extra inputs are not permitted`;
      return role === 'assistant' && typeof b.data === 'string' ? undefined : `${at}: invalid redacted_thinking block`;
    default:
      return undefined;
  }
}

/**
 * The API's image limits, checked on the decoded images (Bun.Image reads their size): at most
 * 100 images; 5 MB of base64 each; 8000 px a side, 2000 px once there are more than 20; and each
 * one decodes ("Could not process image" otherwise).
 */
export async function checkImageLimits(body: unknown): Promise<string | undefined> {
  if (!isObj(body) || !Array.isArray(body.messages)) return undefined;
  const images: Array<{ at: string; source: Json }> = [];
  body.messages.forEach((m, i) => {
    if (!isObj(m) || !Array.isArray(m.content)) return;
    m.content.forEach((b: unknown, j) => {
      if (!isObj(b)) return;
      if (b.type === 'image' && isObj(b.source)) images.push({ at: `messages.${i}.content.${j}`, source: b.source });
      if (b.type === 'tool_result' && Array.isArray(b.content)) {
        b.content.forEach((c: unknown, k) => {
          if (isObj(c) && c.type === 'image' && isObj(c.source)) images.push({ at: `messages.${i}.content.${j}.content.${k}`, source: c.source });
        });
      }
    });
  });
  if (images.length > 100) return `messages: Too many images in one request: ${images.length} > 100`;
  const maxSide = images.length > 20 ? 2000 : 8000;
  for (const { at, source } of images) {
    if (source.type !== 'base64' || typeof source.data !== 'string') continue;
    if (source.data.length > 5 * 1024 * 1024) return `${at}.image.source.base64: image exceeds 5 MB maximum: ${source.data.length} bytes > 5242880 bytes`;
    const bytes = Buffer.from(source.data, 'base64');
    const meta = await new Bun.Image(bytes).metadata().catch(() => undefined);
    // The API decodes every image: a damaged or cut-short file fails the whole request.
    if (!meta || !(await new Bun.Image(bytes).resize(8, 8).png().bytes().then(() => true, () => false))) return 'Could not process image';
    if (Math.max(meta.width, meta.height) > maxSide) {
      return `${at}.image.source.base64.data: At least one of the image dimensions exceed max allowed size${images.length > 20 ? ' for many-image requests' : ''}: ${maxSide} pixels`;
    }
  }
  return undefined;
}

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/**
 * Whether a schema is valid against draft 2020-12's meta-schema in the ways MCP servers' schemas
 * break it: `items` as a list, a boolean `exclusiveMinimum`/`exclusiveMaximum`, a `required` that
 * is not a list of names, a count that is not a non-negative integer (`minLength: "1"`), a bound
 * that is not a number, a type that is not a JSON type. Checked through every sub-schema. (A
 * `$schema` naming draft-07 is valid: Claude Code's own tools carry one.)
 */
function isDraft2020(s: unknown): boolean {
  if (typeof s === 'boolean') return true;
  if (!isObj(s)) return false;
  if (s.$schema !== undefined && typeof s.$schema !== 'string') return false;
  if (Array.isArray(s.items) || typeof s.exclusiveMinimum === 'boolean' || typeof s.exclusiveMaximum === 'boolean') return false;
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every((r) => typeof r === 'string'))) return false;
  for (const k of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']) {
    if (s[k] !== undefined && !(Number.isInteger(s[k]) && (s[k] as number) >= 0)) return false;
  }
  for (const k of ['minimum', 'maximum', 'multipleOf']) if (s[k] !== undefined && typeof s[k] !== 'number') return false;
  if (s.enum !== undefined && !Array.isArray(s.enum)) return false;
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  if (!types.every((t) => JSON_TYPES.includes(t as string))) return false;
  const subs: unknown[] = [];
  for (const k of ['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']) if (s[k] !== undefined) subs.push(s[k]);
  for (const k of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) if (Array.isArray(s[k])) subs.push(...(s[k] as unknown[]));
  for (const k of ['properties', 'patternProperties', '$defs', 'definitions']) if (isObj(s[k])) subs.push(...Object.values(s[k] as Json));
  return subs.every(isDraft2020);
}
