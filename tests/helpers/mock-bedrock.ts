/**
 * A fake Amazon Bedrock runtime: `POST /model/{modelId}/converse`, `/converse-stream` and
 * `/count-tokens`.
 *
 * - Auth as Bedrock checks it: a Bedrock API key as `Authorization: Bearer`, or an AWS SigV4
 *   signature that this mock verifies on its own (node:crypto, from the request as received:
 *   the path encoded once more, the signed headers' values, the body's hash), with the
 *   credential scope (region, service `bedrock`), `x-amz-date` within 5 minutes,
 *   `x-amz-content-sha256` equal to the body's SHA-256, and a session's `x-amz-security-token`
 *   signed and equal to the token issued with the key. A refusal is a 403 with Bedrock's error
 *   type. The accepted keys can change while it runs (`credentials`), as after a rotation.
 * - The body is checked like the service does (known fields, user first, alternating turns,
 *   non-blank text, tool results answering the previous turn's calls, a `toolConfig` whenever
 *   tool blocks appear, inference values in range); a refusal is a 400 ValidationException.
 * - CountTokens (`{"input": {"converse": {messages, system, toolConfig,
 *   additionalModelRequestFields}}}`, nothing else) counts Claude foundation models only, as the
 *   service does: an inference profile (`us.anthropic.…`), an ARN or another vendor's model is
 *   refused with a 400 ValidationException "The provided model doesn't support counting
 *   tokens.". The count is `bedrockInputTokens` of the converse input (its characters / 4).
 * - Answers: the last user text echoed; a `toolUse` of the first tool when the text asks for the
 *   weather; `tool said: <result>` after a tool result; a signed reasoning block first when
 *   Claude thinking is on; a forced tool choice (`any`, `tool`) always a `toolUse`, whose input
 *   satisfies the tool's schema (tests/helpers/mock-bedrock-tools.ts, which also says which
 *   models refuse tools or forced choices). Streams are AWS event-stream frames
 *   (encodeAwsEventMessage) with the `p` padding field Bedrock adds, split across network
 *   writes; a tool's input comes in uneven fragments.
 * - Errors: `{"message"}` with `x-amzn-ErrorType: <Type>:http://internal.amazon.com/coral/…`.
 *   Scripted faults: an HTTP error (429 ThrottlingException with an optional Retry-After, 500
 *   InternalServerException…), an exception event after N events, a connection dropped after N.
 */
import { createHash, createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { encodeAwsEventMessage } from '../../core/util/aws-event-stream.ts';
import { forcedToolUse, inputFragments, toolConfigProblem } from './mock-bedrock-tools.ts';
import { responders, sleep, startMockHttpServer, type MockHttpServer, type RecordedBase } from './mock-http-server.ts';

type Json = Record<string, any>;

export interface BedrockFault {
  /** Answer this HTTP status with Bedrock's error for it (429 throttling, 500, 503…). */
  status?: number;
  /** Error type for `status` (default by status). */
  type?: string;
  message?: string;
  retryAfter?: string;
  /** Stream: an exception event (`:exception-type`, default modelStreamErrorException) after N events. */
  exceptionAfterEvents?: number;
  exception?: string;
  /** Stream: the connection reset after N events. */
  dropAfterEvents?: number;
}

export interface RecordedBedrock extends RecordedBase<BedrockFault> {
  /** The model id, decoded from the path. */
  model: string;
  operation: 'converse' | 'converse-stream' | 'count-tokens';
  stream: boolean;
  auth: 'bearer' | 'sigv4' | 'none';
  /** SigV4: the access key id and region of the signature's credential scope. */
  accessKeyId?: string;
  region?: string;
  /** What answered: 200, or the refusal's status. */
  status: number;
  /** Why the request was refused, if it was. */
  problem?: string;
}

export interface MockBedrockOptions {
  /** Bedrock API keys it accepts. */
  apiKeys?: string[];
  /** IAM keys it accepts (with the session token a temporary key must carry). */
  credentials?: Array<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  /** The region signatures must be scoped to (default us-east-1). */
  region?: string;
  /** Ids that stand for another model (an application inference profile's ARN → its model id): checked as that model. */
  servesAs?: Record<string, string>;
}

export interface MockBedrock extends MockHttpServer<RecordedBedrock, BedrockFault> {
  url: string;
  /** The IAM keys it accepts, read at each request: push rotated keys, remove retired ones. */
  credentials: NonNullable<MockBedrockOptions['credentials']>;
}

const { sendJson } = responders('x-amzn-requestid');

const DEFAULT_TYPES: Record<number, string> = {
  400: 'ValidationException', 403: 'AccessDeniedException', 404: 'ResourceNotFoundException', 408: 'ModelTimeoutException',
  424: 'ModelErrorException', 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException',
};

function awsError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { message }, { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers });
}

export async function startMockBedrock(opts: MockBedrockOptions = {}): Promise<MockBedrock> {
  const region = opts.region ?? 'us-east-1';
  const credentials = opts.credentials ?? [];
  const server: MockHttpServer<RecordedBedrock, BedrockFault> = await startMockHttpServer<BedrockFault, RecordedBedrock>('mock-bedrock', async (req, res, rec, drop): Promise<void> => {
    const [path] = (req.url ?? '').split('?');
    const m = /^\/model\/([^/]+)\/(converse|converse-stream|count-tokens)$/.exec(path ?? '');
    rec.status = 200;
    rec.auth = 'none';
    const refuse = (status: number, type: string, problem: string) => {
      rec.status = status;
      rec.problem = problem;
      awsError(res, status, type, problem);
    };
    if (req.method !== 'POST' || !m) return refuse(404, 'UnknownOperationException', `no operation at ${req.method} ${path}`);
    rec.model = decodeURIComponent(m[1]!);
    rec.operation = m[2] as RecordedBedrock['operation'];
    rec.stream = rec.operation === 'converse-stream';
    const authProblem = checkAuth(rec, path!, { ...opts, credentials }, region);
    if (authProblem) return refuse(403, authProblem.type, authProblem.message);
    const body = (rec.body ?? {}) as Json;
    const counting = rec.operation === 'count-tokens';
    const invalid = counting ? countProblem(body, rec.model)
      : generationProblem(body, opts.servesAs?.[rec.model] ?? rec.model) ?? converseProblem(body) ?? toolConfigProblem(body, rec.model) ?? betaProblem(body, rec.model) ?? await converseImageProblem(body);
    if (invalid) return refuse(400, 'ValidationException', invalid);
    const fault: BedrockFault | undefined = server.nextFault();
    rec.fault = fault;
    if (fault?.status) {
      rec.status = fault.status;
      const type = fault.type ?? DEFAULT_TYPES[fault.status] ?? 'InternalServerException';
      return awsError(res, fault.status, type, fault.message ?? `${type} (mock)`, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    }
    if (counting) return sendJson(res, 200, { inputTokens: bedrockInputTokens(body.input.converse) });
    const answer = answerOf(body);
    if (!rec.stream) return sendJson(res, 200, converseJson(answer));
    await sendStream(res, streamFrames(answer), fault, drop);
  });
  return Object.assign(server, { url: `http://127.0.0.1:${server.port}`, credentials });
}

// ---------------------------------------------------------------------------------------------
// Auth: an independent SigV4 verifier.

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The SigV4 signature (hex) of a request as received, computed independently of the gateway's
 * signer: the path encoded once more, no query, the signed headers' values as received, the
 * body's SHA-256. Shared with the fake STS (tests/helpers/mock-aws-sts.ts).
 */
export function sigV4Signature(o: {
  method: string; path: string; headers: Record<string, string>; signed: string[]; bodyHash: string;
  secretAccessKey: string; amzDate: string; region: string; service: string;
}): string {
  const day = o.amzDate.slice(0, 8);
  const canonical = [
    o.method,
    o.path.split('/').map(rfc3986).join('/'),
    '',
    o.signed.map((h) => `${h}:${(o.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join(''),
    o.signed.join(';'),
    o.bodyHash,
  ].join('\n');
  const scope = `${day}/${o.region}/${o.service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${o.amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  let key: Buffer = createHmac('sha256', `AWS4${o.secretAccessKey}`).update(day).digest();
  for (const part of [o.region, o.service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

function checkAuth(rec: RecordedBedrock, path: string, opts: MockBedrockOptions, region: string): { type: string; message: string } | undefined {
  const auth = rec.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) {
    rec.auth = 'bearer';
    return opts.apiKeys?.includes(auth.slice(7)) ? undefined : { type: 'UnrecognizedClientException', message: 'Invalid API Key format: Must start with pre-defined prefix' };
  }
  if (!auth.startsWith('AWS4-HMAC-SHA256 ')) return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  rec.auth = 'sigv4';
  const parts = Object.fromEntries(auth.slice(17).split(/,\s*/).map((kv) => kv.split('=') as [string, string]));
  const [keyId, day, scopeRegion, service, terminator] = (parts.Credential ?? '').split('/');
  rec.accessKeyId = keyId;
  rec.region = scopeRegion;
  const creds = opts.credentials?.find((c) => c.accessKeyId === keyId);
  if (!creds) return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  if (scopeRegion !== region || service !== 'bedrock' || terminator !== 'aws4_request') {
    return { type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region and service: ${parts.Credential}` };
  }
  const amzDate = rec.headers['x-amz-date'] ?? '';
  const at = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(day ?? '-') || !(Math.abs(Date.now() - at) < 5 * 60_000)) return { type: 'InvalidSignatureException', message: 'Signature expired or x-amz-date missing' };
  const raw = rec.body === undefined ? '' : typeof rec.body === 'string' ? rec.body : JSON.stringify(rec.body);
  const bodyHash = createHash('sha256').update(raw).digest('hex');
  if (rec.headers['x-amz-content-sha256'] !== bodyHash) return { type: 'InvalidSignatureException', message: 'x-amz-content-sha256 does not match the body' };
  const signed = (parts.SignedHeaders ?? '').split(';');
  for (const need of ['host', 'x-amz-date', 'x-amz-content-sha256', 'content-type', ...(creds.sessionToken ? ['x-amz-security-token'] : [])]) {
    if (!signed.includes(need)) return { type: 'InvalidSignatureException', message: `${need} must be signed` };
  }
  if (rec.headers['x-amz-security-token'] !== creds.sessionToken) return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  const expected = sigV4Signature({ method: 'POST', path: path!, headers: rec.headers, signed, bodyHash, secretAccessKey: creds.secretAccessKey, amzDate, region, service: 'bedrock' });
  if (parts.Signature !== expected) {
    return { type: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The Converse body, checked as the service checks it.

/** The beta flags Bedrock documents for Claude's `anthropic_beta` (the mock ignores model versions). */
const KNOWN_BETAS = new Set([
  'computer-use-2024-10-22', 'computer-use-2025-01-24', 'computer-use-2025-11-24', 'token-efficient-tools-2025-02-19',
  'interleaved-thinking-2025-05-14', 'output-128k-2025-02-19', 'dev-full-thinking-2025-05-14', 'context-1m-2025-08-07',
  'context-management-2025-06-27', 'effort-2025-11-24', 'tool-search-tool-2025-10-19', 'tool-examples-2025-10-29',
]);

/** `anthropic_beta`: Claude only, known flags only ("invalid beta flag", as Bedrock answers). */
function betaProblem(body: Json, model: string): string | undefined {
  const betas = body.additionalModelRequestFields?.anthropic_beta;
  if (betas === undefined) return undefined;
  if (!/anthropic\.claude/.test(model)) return 'The model returned the following errors: unknown variant `anthropic_beta`';
  if (!Array.isArray(betas) || betas.some((b) => !KNOWN_BETAS.has(b))) return 'The model returned the following errors: invalid beta flag';
  return undefined;
}

const TOP_LEVEL = new Set(['messages', 'system', 'inferenceConfig', 'toolConfig', 'additionalModelRequestFields', 'additionalModelResponseFieldPaths', 'guardrailConfig', 'performanceConfig', 'promptVariables', 'requestMetadata']);
const INFERENCE = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences']);
const BLOCKS = new Set(['text', 'image', 'document', 'video', 'toolUse', 'toolResult', 'reasoningContent', 'cachePoint', 'guardContent', 'citationsContent']);

function blockProblem(b: Json, where: string): string | undefined {
  const keys = Object.keys(b ?? {});
  if (keys.length !== 1 || !BLOCKS.has(keys[0]!)) return `${where}: a content block must have exactly one known member (got ${keys.join(',') || 'none'})`;
  if ('text' in b && (typeof b.text !== 'string' || !b.text.trim())) return `${where}: The text field in the ContentBlock object is blank.`;
  if ('image' in b && (!['png', 'jpeg', 'gif', 'webp'].includes(b.image?.format) || typeof b.image?.source?.bytes !== 'string')) return `${where}: invalid image`;
  if ('toolUse' in b && (!/^[a-zA-Z0-9_-]{1,64}$/.test(b.toolUse?.toolUseId ?? '') || typeof b.toolUse?.input !== 'object')) return `${where}: invalid toolUse`;
  if ('toolResult' in b && (!Array.isArray(b.toolResult?.content) || b.toolResult.content.length === 0)) return `${where}: invalid toolResult`;
  return undefined;
}

/** What CountTokens's `converse` input takes (`ConverseTokensRequest`). */
const COUNT_CONVERSE = new Set(['messages', 'system', 'toolConfig', 'additionalModelRequestFields']);
/** Models CountTokens counts: Claude foundation models, not inference profiles or ARNs. */
const COUNTABLE = /^anthropic\.claude-/;

/**
 * A CountTokens body: exactly `{"input": {"converse": …}}` (this mock takes no `invokeModel`),
 * the converse input's fields among those CountTokens takes, its content checked as Converse's.
 */
function countProblem(body: Json, model: string): string | undefined {
  for (const k of Object.keys(body)) if (k !== 'input') return `Malformed input request: extraneous key [${k}] is not permitted`;
  const union = Object.keys(body.input ?? {});
  if (union.length !== 1 || union[0] !== 'converse') return `input must set exactly one member, converse (got ${union.join(',') || 'none'})`;
  const converse = body.input.converse as Json;
  for (const k of Object.keys(converse ?? {})) if (!COUNT_CONVERSE.has(k)) return `Malformed input request: extraneous key [${k}] is not permitted`;
  if (!COUNTABLE.test(model)) return "The provided model doesn't support counting tokens.";
  return converseProblem(converse ?? {}, true);
}

/** The mock's count of a CountTokens converse input: the characters of its system, messages and tools divided by 4. */
export function bedrockInputTokens(converse: Json): number {
  return Math.max(1, Math.ceil(JSON.stringify([converse.system ?? [], converse.messages ?? [], converse.toolConfig ?? {}]).length / 4));
}

/** Claude models that think only adaptively and take no sampling parameters (Bedrock's model cards: Opus 4.7 and later, Claude 5, Mythos, Fable). */
const ADAPTIVE_ONLY = /claude-(?:opus-4-[7-9]|[a-z]+-[5-9](?!\d)|mythos|fable)/;

/** What such a model refuses, in Anthropic's words as Bedrock passes them on. */
function generationProblem(body: Json, model: string): string | undefined {
  if (!ADAPTIVE_ONLY.test(model)) return undefined;
  const extra = (body.additionalModelRequestFields ?? {}) as Json;
  if (extra.thinking?.type === 'enabled') {
    return 'The model returned the following errors: "thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
  }
  const inf = (body.inferenceConfig ?? {}) as Json;
  const set = inf.temperature !== undefined ? 'temperature' : inf.topP !== undefined ? 'top_p' : extra.top_k !== undefined ? 'top_k' : undefined;
  return set ? `The model returned the following errors: '${set}' is deprecated for this model.` : undefined;
}

function converseProblem(body: Json, counting = false): string | undefined {
  for (const k of Object.keys(body)) if (!TOP_LEVEL.has(k)) return `Malformed input request: extraneous key [${k}] is not permitted`;
  const msgs = body.messages as Json[] | undefined;
  if (!Array.isArray(msgs) || msgs.length === 0) return 'A conversation must start with a user message.';
  let toolBlocks = false;
  for (const [i, m] of msgs.entries()) {
    if (m.role !== (i % 2 === 0 ? 'user' : 'assistant')) return i === 0 ? 'A conversation must start with a user message. Try again with a conversation that starts with a user message.' : 'A conversation must alternate between user and assistant roles.';
    if (!Array.isArray(m.content) || m.content.length === 0) return `messages.${i}.content must not be empty`;
    for (const [j, b] of (m.content as Json[]).entries()) {
      const problem = blockProblem(b, `messages.${i}.content.${j}`);
      if (problem) return problem;
      if ('toolUse' in b || 'toolResult' in b) toolBlocks = true;
    }
    if (m.role === 'user' && i > 0) {
      const calls = new Set((msgs[i - 1]!.content as Json[]).filter((b) => b.toolUse).map((b) => b.toolUse.toolUseId));
      for (const b of m.content as Json[]) {
        if (b.toolResult && !calls.has(b.toolResult.toolUseId)) return `The toolUseId ${b.toolResult.toolUseId} in a toolResult does not match a toolUse of the previous turn.`;
      }
    }
  }
  if (toolBlocks && !body.toolConfig) return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  for (const s of (body.system ?? []) as Json[]) if (!(typeof s.text === 'string' && s.text.trim()) && !s.cachePoint) return 'system: invalid block';
  const inf = (body.inferenceConfig ?? {}) as Json;
  for (const k of Object.keys(inf)) if (!INFERENCE.has(k)) return `inferenceConfig: extraneous key [${k}] is not permitted`;
  for (const k of ['temperature', 'topP']) if (k in inf && !(inf[k] >= 0 && inf[k] <= 1)) return `inferenceConfig.${k} must be within 0..1`;
  for (const t of (body.toolConfig?.tools ?? []) as Json[]) {
    if (t.cachePoint) continue;
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(t.toolSpec?.name ?? '') || typeof t.toolSpec?.inputSchema?.json !== 'object') return 'toolConfig.tools: invalid toolSpec';
  }
  const thinking = body.additionalModelRequestFields?.thinking;
  if (counting) return thinking && !(thinking.type === 'enabled' && thinking.budget_tokens >= 1024) ? 'thinking: invalid' : undefined;
  if (thinking?.type === 'adaptive') return inf.temperature === undefined ? undefined : 'thinking: temperature must be unset';
  if (thinking && (inf.temperature !== undefined || !(thinking.budget_tokens < (inf.maxTokens ?? 0)))) return 'thinking: budget_tokens must be below maxTokens and temperature unset';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Answers.

interface Answer {
  reasoning?: { text: string; signature: string };
  text?: string;
  tool?: { id: string; name: string; input: Json };
  stopReason: string;
  usage: Json;
}

function answerOf(body: Json): Answer {
  const last = (body.messages as Json[]).at(-1)!.content as Json[];
  const said = last.filter((b) => typeof b.text === 'string').map((b) => b.text).join(' ');
  const result = last.find((b) => b.toolResult)?.toolResult;
  const tools = ((body.toolConfig?.tools ?? []) as Json[]).filter((t) => t.toolSpec);
  const cached = JSON.stringify(body).includes('"cachePoint"');
  const usage: Json = { inputTokens: 12, outputTokens: 5, totalTokens: 17, ...(cached ? { cacheReadInputTokens: 8, cacheWriteInputTokens: 3, totalTokens: 28 } : {}) };
  const reasoning = body.additionalModelRequestFields?.thinking ? { text: 'Let me think.', signature: 'sig-mock-1' } : undefined;
  const forced = forcedToolUse(body, said, result !== undefined);
  if (forced) {
    const text = /preamble/i.test(said) ? 'Sure, here it is.' : undefined;
    return { reasoning, text, tool: { id: 'tooluse_mock_forced', ...forced }, stopReason: 'tool_use', usage };
  }
  if (result) return { reasoning, text: `tool said: ${result.content.map((c: Json) => c.text ?? '').join('')}`, stopReason: 'end_turn', usage };
  if (tools.length > 0 && /weather/i.test(said)) {
    return { reasoning, tool: { id: 'tooluse_mock_1', name: tools[0]!.toolSpec.name, input: { city: 'Paris' } }, stopReason: 'tool_use', usage };
  }
  return { reasoning, text: said, stopReason: 'end_turn', usage };
}

function converseJson(a: Answer): Json {
  const content: Json[] = [];
  if (a.reasoning) content.push({ reasoningContent: { reasoningText: a.reasoning } });
  if (a.text !== undefined) content.push({ text: a.text });
  if (a.tool) content.push({ toolUse: { toolUseId: a.tool.id, name: a.tool.name, input: a.tool.input } });
  return { output: { message: { role: 'assistant', content } }, stopReason: a.stopReason, usage: a.usage, metrics: { latencyMs: 42 } };
}

let padding = 0;
/** One event frame; Bedrock pads every payload with a `p` field of varying length. */
const event = (type: string, payload: Json) => encodeAwsEventMessage(
  { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
  JSON.stringify({ ...payload, p: 'abcdefghijklmnopqrstuvwxyz'.slice(0, 1 + (padding++ % 26)) }),
);

function streamFrames(a: Answer): Uint8Array[] {
  const frames = [event('messageStart', { role: 'assistant' })];
  let index = 0;
  if (a.reasoning) {
    frames.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: a.reasoning.text } } }));
    frames.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { signature: a.reasoning.signature } } }));
    frames.push(event('contentBlockStop', { contentBlockIndex: index++ }));
  }
  if (a.text !== undefined) {
    for (const piece of a.text.match(/\S+\s*|\s+/g) ?? ['']) frames.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { text: piece } }));
    frames.push(event('contentBlockStop', { contentBlockIndex: index++ }));
  }
  if (a.tool) {
    const json = JSON.stringify(a.tool.input);
    frames.push(event('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: a.tool.id, name: a.tool.name } } }));
    for (const piece of inputFragments(json)) frames.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: piece } } }));
    frames.push(event('contentBlockStop', { contentBlockIndex: index++ }));
  }
  frames.push(event('messageStop', { stopReason: a.stopReason }));
  frames.push(event('metadata', { usage: a.usage, metrics: { latencyMs: 42 } }));
  return frames;
}

/** Writes the frames with a pause between them, the third frame split across two writes. */
async function sendStream(res: ServerResponse, frames: Uint8Array[], fault: BedrockFault | undefined, drop: () => void): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': crypto.randomUUID() });
  for (const [i, frame] of frames.entries()) {
    if (fault?.dropAfterEvents === i) {
      await sleep(20);
      return drop();
    }
    if (fault?.exceptionAfterEvents === i) {
      res.end(encodeAwsEventMessage(
        { ':exception-type': fault.exception ?? 'modelStreamErrorException', ':content-type': 'application/json', ':message-type': 'exception' },
        JSON.stringify({ message: fault.message ?? 'The model stream failed (mock).', originalStatusCode: 500 }),
      ));
      return;
    }
    if (i === 2) {
      res.write(frame.subarray(0, 7));
      await sleep(2);
      res.write(frame.subarray(7));
    } else {
      res.write(frame);
    }
    await sleep(2);
  }
  res.end();
}

/**
 * Converse's image limits (checked on the decoded images): at most 20 images in a request, each
 * at most 3.75 MB and 8000 px a side. The wording is the mock's.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-supported-models-features.html
 */
async function converseImageProblem(body: Json): Promise<string | undefined> {
  const images: string[] = [];
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    for (const b of Array.isArray(m?.content) ? m.content : []) {
      if (b?.image) images.push(String(b.image.source?.bytes ?? ''));
      for (const c of Array.isArray(b?.toolResult?.content) ? b.toolResult.content : []) if (c?.image) images.push(String(c.image.source?.bytes ?? ''));
    }
  }
  if (images.length > 20) return `Too many images: ${images.length}, the maximum is 20.`;
  for (const data of images) {
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > 3.75 * 1024 * 1024) return `Image size ${bytes.length} bytes exceeds the maximum of 3.75 MB.`;
    const meta = await new Bun.Image(bytes).metadata().catch(() => undefined);
    if (meta && Math.max(meta.width, meta.height) > 8000) return `Image dimensions ${meta.width}x${meta.height} exceed the maximum of 8000 pixels.`;
  }
  return undefined;
}
