/**
 * A local Azure OpenAI resource on 127.0.0.1 (random port), speaking Azure's wire format byte for
 * byte: the v1 API (`/openai/v1/chat/completions`, `/responses`, `/embeddings`, deployment =
 * body `model`) and the deployments API (`/openai/deployments/{name}/…?api-version=…`,
 * `/openai/responses?api-version=…`), `api-key` or Entra bearer auth, compact JSON with Azure's
 * key order, `prompt_filter_results` / `content_filter_results` on replies and chunks (the
 * stream opens with Azure's `choices: []` filter chunk), Azure's error envelopes (401,
 * DeploymentNotFound, 429 with `retry-after` / `retry-after-ms`, the content-filter 400).
 * Every request is recorded with the exact bytes of the body it was answered with (`sent`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startMockHttpServer, type MockHttpServer, type RecordedBase } from './mock-http-server.ts';
import { defaultReply, tokens, type MockReply } from './mock-openai-replies.ts';
import { buildResponse, defaultReply as defaultResponsesReply, replyEvents } from './mock-responses-replies.ts';

type Json = Record<string, unknown>;

/** A fault injected into one request (taken in order by the next requests). */
export interface AzureFault {
  /** Answer with this status and Azure's error body for it (`body` overrides it). */
  status?: number;
  /** `retry-after` seconds (with `retry-after-ms`), as Azure sends them on a 429. */
  retryAfter?: number;
  body?: unknown;
  /** The prompt is refused by the content filter: 400 `content_filter`, these categories filtered (category → severity). */
  contentFilter?: Record<string, string>;
  /** A 401 that quotes the credential it was sent (a careless upstream). */
  echoCredential?: boolean;
}

export interface RecordedAzureRequest extends RecordedBase<AzureFault> {
  /** The exact bytes of the response body. */
  sent: string;
}

export interface MockAzureOptions {
  /** Deployments: name → the model version answers report. An unknown name is Azure's 404 DeploymentNotFound. */
  deployments: Record<string, string>;
  /** `api-key` values accepted. */
  apiKeys?: string[];
  /** Entra ID bearer tokens accepted. */
  bearerTokens?: string[];
  /** Custom chat answer (default: echo, or a tool call for "weather" + tools). `finishReason: 'content_filter'` cuts the reply as Azure's output filter does. */
  respond?: (body: Json) => MockReply;
}

export interface MockAzure extends MockHttpServer<RecordedAzureRequest, AzureFault> {
  /** The resource endpoint, `http://127.0.0.1:<port>`. */
  endpoint: string;
}

const SAFE = { filtered: false, severity: 'safe' };
const NOT_DETECTED = { filtered: false, detected: false };
/** `content_filter_results` of a completion chunk that passed the filters. */
const COMPLETION_FILTERS = { hate: SAFE, protected_material_code: NOT_DETECTED, protected_material_text: NOT_DETECTED, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTERS = [{ prompt_index: 0, content_filter_results: { hate: SAFE, jailbreak: NOT_DETECTED, self_harm: SAFE, sexual: SAFE, violence: SAFE } }];
const FINGERPRINT = 'fp_ee1d74bde0';

const CONTENT_FILTER_MESSAGE = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";

/** Azure's error bodies, as the service words them. */
function azureError(status: number, fault: AzureFault | undefined, credential: string): Json {
  if (fault?.contentFilter) {
    const result: Json = { hate: SAFE, jailbreak: NOT_DETECTED, self_harm: SAFE, sexual: SAFE, violence: SAFE };
    for (const [category, severity] of Object.entries(fault.contentFilter)) result[category] = { filtered: true, severity };
    return { error: { message: CONTENT_FILTER_MESSAGE, type: null, param: 'prompt', code: 'content_filter', status: 400, innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: result } } };
  }
  if (status === 401) {
    const quoted = fault?.echoCredential ? ` (received "${credential}")` : '';
    return { error: { code: '401', message: `Access denied due to invalid subscription key or wrong API endpoint${quoted}. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.` } };
  }
  if (status === 429) {
    return { error: { code: '429', message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${fault?.retryAfter ?? 6} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.` } };
  }
  if (status === 404) return { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } };
  return { error: { code: 'InternalServerError', message: 'The server had an error while processing your request. Sorry about that!' } };
}

/** Which API a path and query name, and the deployment they address; undefined: Azure's "Resource not found". */
type Api = 'chat' | 'responses' | 'embeddings' | 'images';
const API_OF: Record<string, Api> = { 'chat/completions': 'chat', responses: 'responses', embeddings: 'embeddings', 'images/generations': 'images' };

function route(method: string, url: URL, body: Json): { api: Api; deployment: string } | undefined {
  if (method !== 'POST') return undefined;
  const version = url.searchParams.get('api-version');
  const v1 = /^\/openai\/v1\/(chat\/completions|responses|embeddings|images\/generations)$/.exec(url.pathname);
  if (v1 && (version === null || version === 'preview' || version === 'v1')) return { api: API_OF[v1[1]!]!, deployment: String(body.model ?? '') };
  if (!version || !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(version)) return undefined;
  if (url.pathname === '/openai/responses') return { api: 'responses', deployment: String(body.model ?? '') };
  const classic = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings|images\/generations)$/.exec(url.pathname);
  if (classic) return { api: API_OF[classic[2]!]!, deployment: decodeURIComponent(classic[1]!) };
  return undefined;
}

/** Starts the mock resource; see the file comment. */
export async function startMockAzure(opts: MockAzureOptions): Promise<MockAzure> {
  let seq = 0;
  const server = await startMockHttpServer<AzureFault, RecordedAzureRequest>('mock-azure', handle);

  function send(res: ServerResponse, rec: RecordedAzureRequest, status: number, type: string, text: string, headers: Record<string, string> = {}): void {
    rec.sent = text;
    res.writeHead(status, {
      'content-type': type, 'apim-request-id': `apim-${seq}`, 'x-request-id': `req-${seq}`, 'x-ms-region': 'East US 2',
      'x-ratelimit-remaining-requests': '249', 'x-ratelimit-remaining-tokens': '249000', ...headers,
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedAzureRequest): Promise<void> {
    rec.sent = '';
    seq++;
    const body = (rec.body && typeof rec.body === 'object' ? rec.body : {}) as Json;
    const apiKey = rec.headers['api-key'];
    const bearer = /^Bearer (.+)$/.exec(rec.headers.authorization ?? '')?.[1];
    const fault = server.nextFault();
    if (fault) rec.fault = fault;
    const authorized = (apiKey !== undefined && (opts.apiKeys ?? []).includes(apiKey)) || (bearer !== undefined && (opts.bearerTokens ?? []).includes(bearer));
    if (!authorized || fault?.echoCredential) return send(res, rec, 401, 'application/json', JSON.stringify(azureError(401, fault, apiKey ?? bearer ?? '')));
    const target = route(req.method ?? '', new URL(req.url ?? '/', 'http://x'), body);
    if (!target) return send(res, rec, 404, 'application/json', JSON.stringify({ error: { code: '404', message: 'Resource not found' } }));
    const model = opts.deployments[target.deployment];
    if (model === undefined) return send(res, rec, 404, 'application/json', JSON.stringify(azureError(404, undefined, '')));
    if (fault?.contentFilter || fault?.status) {
      const status = fault.contentFilter ? 400 : fault.status!;
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter), 'retry-after-ms': String(fault.retryAfter * 1000) };
      return send(res, rec, status, 'application/json', JSON.stringify(fault.body ?? azureError(status, fault, '')), headers);
    }
    const created = 1_750_000_000 + seq;
    if (target.api === 'embeddings') return send(res, rec, 200, 'application/json', JSON.stringify(embeddings(body, model)));
    if (target.api === 'images') return send(res, rec, 200, 'application/json', JSON.stringify(image(body, created)));
    if (target.api === 'responses') {
      const response = buildResponse(body, defaultResponsesReply(body), { id: `resp_azure${seq}`, created, seq });
      response.model = model;
      if (body.stream !== true) return send(res, rec, 200, 'application/json', JSON.stringify(response));
      const events = replyEvents(response).map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
      return send(res, rec, 200, 'text/event-stream; charset=utf-8', events.join(''));
    }
    const reply = (opts.respond ?? defaultReply)(body);
    const head = { id: `chatcmpl-Azure${seq}`, created, model, promptTokens: tokens(JSON.stringify(body.messages ?? '').length) };
    if (body.stream !== true) return send(res, rec, 200, 'application/json', JSON.stringify(completion(reply, head)));
    const usage = (body.stream_options as Json | undefined)?.include_usage === true;
    const text = chunks(reply, head, usage).map((c) => `data: ${c}\n\n`).join('') + 'data: [DONE]\n\n';
    return send(res, rec, 200, 'text/event-stream; charset=utf-8', text);
  }

  return Object.assign(server, { endpoint: `http://127.0.0.1:${server.port}` });
}

interface Head {
  id: string;
  created: number;
  model: string;
  promptTokens: number;
}

function toolCalls(r: MockReply): Json[] {
  return (r.toolCalls ?? []).map((c, i) => ({ function: { arguments: c.arguments, name: c.name }, id: c.id ?? `call_azure${i}`, type: 'function' }));
}

function finishOf(r: MockReply): string {
  return r.finishReason ?? (r.toolCalls?.length ? 'tool_calls' : 'stop');
}

function usageOf(r: MockReply, head: Head): Json {
  const completion = tokens((r.content?.length ?? 0) + (r.toolCalls ?? []).reduce((n, c) => n + c.arguments.length, 0));
  return {
    completion_tokens: completion,
    completion_tokens_details: { accepted_prediction_tokens: 0, audio_tokens: 0, reasoning_tokens: 0, rejected_prediction_tokens: 0 },
    prompt_tokens: head.promptTokens,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
    total_tokens: head.promptTokens + completion,
  };
}

/** Filter results of the reply's last choice: the category that cut it when the output filter did. */
function finalFilters(r: MockReply): Json {
  return finishOf(r) === 'content_filter' ? { ...COMPLETION_FILTERS, violence: { filtered: true, severity: 'medium' } } : COMPLETION_FILTERS;
}

/** A non-streamed `chat.completion`, keys in Azure's (alphabetical) order. */
function completion(r: MockReply, head: Head): Json {
  const calls = toolCalls(r);
  const filtered = finishOf(r) === 'content_filter';
  const message: Json = { annotations: [], content: filtered ? null : r.content ?? (calls.length ? null : ''), refusal: null, role: 'assistant' };
  if (calls.length) message.tool_calls = calls;
  return {
    choices: [{ content_filter_results: calls.length ? {} : finalFilters(r), finish_reason: finishOf(r), index: 0, logprobs: null, message }],
    created: head.created, id: head.id, model: head.model, object: 'chat.completion',
    prompt_filter_results: PROMPT_FILTERS, system_fingerprint: FINGERPRINT, usage: usageOf(r, head),
  };
}

/**
 * The data of each SSE event: Azure's prompt-filter chunk (`choices: []`, empty id and model),
 * the role chunk, text in word pieces each with its filter results, tool calls (header then
 * argument fragments), the finish chunk, and the usage chunk when asked for.
 */
function chunks(r: MockReply, head: Head, includeUsage: boolean): string[] {
  const meta = { created: head.created, id: head.id, model: head.model, obfuscation: 'x1Yz', object: 'chat.completion.chunk', system_fingerprint: FINGERPRINT };
  const chunk = (delta: Json, filters: Json = {}, finish: string | null = null) =>
    JSON.stringify({ choices: [{ content_filter_results: filters, delta, finish_reason: finish, index: 0, logprobs: null }], ...meta });
  const out = [JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTERS })];
  out.push(chunk({ content: '', refusal: null, role: 'assistant' }));
  for (const piece of r.content?.match(/\s*\S+\s*/g) ?? []) out.push(chunk({ content: piece }, COMPLETION_FILTERS));
  toolCalls(r).forEach((c, index) => {
    const fn = c.function as { name: string; arguments: string };
    out.push(chunk({ tool_calls: [{ function: { arguments: '', name: fn.name }, id: c.id, index, type: 'function' }] }));
    const third = Math.ceil(fn.arguments.length / 3) || 1;
    for (let i = 0; i < fn.arguments.length; i += third) out.push(chunk({ tool_calls: [{ function: { arguments: fn.arguments.slice(i, i + third) }, index }] }));
  });
  out.push(chunk({}, finishOf(r) === 'content_filter' ? finalFilters(r) : {}, finishOf(r)));
  if (includeUsage) out.push(JSON.stringify({ choices: [], ...meta, usage: usageOf(r, head) }));
  return out;
}

/** A gpt-image-1 answer: one base64 PNG with its filter results, and token usage. */
function image(body: Json, created: number): Json {
  const filters = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
  const data = [{ b64_json: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', content_filter_results: filters, prompt_filter_results: filters }];
  const input = tokens(String(body.prompt ?? '').length);
  return { created, data, usage: { input_tokens: input, input_tokens_details: { image_tokens: 0, text_tokens: input }, output_tokens: 272, total_tokens: input + 272 } };
}

function embeddings(body: Json, model: string): Json {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((text, index) => ({ embedding: [0.0123, -0.0456, String(text).length / 100], index, object: 'embedding' }));
  const n = tokens(JSON.stringify(body.input ?? '').length);
  return { data, model, object: 'list', usage: { prompt_tokens: n, total_tokens: n } };
}

export interface MockEntra extends MockHttpServer<RecordedBase<never>, never> {
  /** The authority to configure (`entra: { authority }`), `http://127.0.0.1:<port>`. */
  authority: string;
  /** Tokens issued so far, in order (`canary-entra-<n>-…`). */
  issued: string[];
}

/**
 * A Microsoft Entra ID token endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials
 * grant, form-encoded) that knows one app. Answers as Entra does: `{token_type, expires_in,
 * ext_expires_in, access_token}`, or `invalid_client` (AADSTS7000215) for a wrong secret. Each
 * token it issues is also accepted by `azure` (pushed to its `bearerTokens`).
 */
export async function startMockEntra(app: { tenantId: string; clientId: string; clientSecret: string }, azure: { bearerTokens: string[] }): Promise<MockEntra> {
  const issued: string[] = [];
  const server = await startMockHttpServer<never>('mock-entra', async (req, res, rec) => {
    const form = new URLSearchParams(typeof rec.body === 'string' ? rec.body : '');
    const json = (status: number, body: Json) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== `/${app.tenantId}/oauth2/v2.0/token`) return json(404, { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.' });
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== app.clientId || form.get('client_secret') !== app.clientSecret) {
      return json(401, {
        error: 'invalid_client', error_codes: [7000215],
        error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      });
    }
    const token = `canary-entra-${issued.length + 1}-${crypto.randomUUID()}`;
    issued.push(token);
    azure.bearerTokens.push(token);
    return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  });
  return Object.assign(server, { authority: `http://127.0.0.1:${server.port}`, issued });
}
