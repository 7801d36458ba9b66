/**
 * The counting endpoints the helper mocks lack, on the helpers' recording server: Gemini's
 * `models/{model}:countTokens` (`contents` or `generateContentRequest`, never both; the helper's
 * Gemini mock takes only a generateContent body there) and OpenAI's `/v1/responses/input_tokens`
 * (absent from the helper's Responses mock). Each checks the request as the real API does (the
 * key, the fields the endpoint takes, then the helper validators for the content) and answers
 * the count the test set, in the API's own reply shape. Faults (`script`) apply to the next
 * requests: a status with the API's error body, or no answer at all.
 *
 * @see https://ai.google.dev/api/tokens#method:-models.counttokens
 * @see https://platform.openai.com/docs/api-reference/responses/input-tokens
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateGeminiRequest } from '../helpers/mock-gemini-validate.ts';
import { responders, startMockHttpServer, type MockHttpServer, type RecordedBase } from '../helpers/mock-http-server.ts';
import { validateResponsesRequest } from '../helpers/mock-responses-validate.ts';

type Json = Record<string, unknown>;

/** A fault for the next request: answer `status` with the API's error body, or `hang` (never answer). */
export interface CountFault {
  status?: number;
  hang?: boolean;
}

export type CountRequest = RecordedBase<CountFault>;

export interface CountingMock extends MockHttpServer<CountRequest, CountFault> {
  /** Base URL as a provider's `base_url` takes it (Gemini: the origin; Responses: with `/v1`). */
  url: string;
  /** The count the next successful requests answer. */
  count: number;
  /** The last request's parsed body. */
  lastBody(): Json | undefined;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const google = responders('x-goog-request-id', 2);
const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };
const googleError = (res: ServerResponse, code: number, message: string) =>
  google.sendJson(res, code, { error: { code, message, status: STATUS[code] ?? 'UNKNOWN' } });

/** The Gemini API's countTokens, with the key `apiKey` in `x-goog-api-key`. */
export async function startGeminiCounter(apiKey: string, count: number): Promise<CountingMock> {
  const mock = await startCounter('gemini-counter', async (req, res, rec) => {
    const m = /^\/v1beta\/models\/([^/:]+):countTokens$/.exec((req.url ?? '').split('?')[0]);
    if (req.method !== 'POST' || !m) return googleError(res, 404, 'The requested URL was not found on this server.');
    if (rec.headers['x-goog-api-key'] !== apiKey) return googleError(res, 400, 'API key not valid. Please pass a valid API key.');
    if (applyFault(mock, rec, (status) => googleError(res, status, `Mock ${STATUS[status] ?? 'error'}`))) return;
    const problem = checkGeminiCount(rec.body, m[1]);
    if (problem) return googleError(res, 400, problem);
    google.sendJson(res, 200, { totalTokens: mock.count, promptTokensDetails: [{ modality: 'TEXT', tokenCount: mock.count }] });
  }, count);
  mock.url = `http://127.0.0.1:${mock.port}`;
  return mock;
}

/** The documented body: `contents`, or a `generateContentRequest` naming `models/{model}`; never both. */
function checkGeminiCount(body: unknown, model: string): string | undefined {
  if (!isObj(body)) return 'Invalid JSON payload received. Expected an object.';
  for (const k of Object.keys(body)) {
    if (k !== 'contents' && k !== 'generateContentRequest') return `Invalid JSON payload received. Unknown name "${k}": Cannot find field.`;
  }
  if (body.contents !== undefined && body.generateContentRequest !== undefined) return 'contents and generateContentRequest are mutually exclusive.';
  if (isObj(body.generateContentRequest)) {
    if (body.generateContentRequest.model !== `models/${model}`) return 'GenerateContentRequest.model: must name the model of the URL.';
    return validateGeminiRequest(body.generateContentRequest, model);
  }
  return validateGeminiRequest({ contents: body.contents }, model);
}

/** The body fields of `POST /v1/responses/input_tokens`. */
const INPUT_TOKENS_PARAMS = new Set([
  'conversation', 'input', 'instructions', 'model', 'parallel_tool_calls', 'personality', 'previous_response_id', 'reasoning',
  'text', 'tool_choice', 'tools', 'truncation',
]);
const openai = responders('x-request-id', 2);
const openaiError = (res: ServerResponse, status: number, message: string, param: string | null = null, code: string | null = null) =>
  openai.sendJson(res, status, { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param, code } });

/** OpenAI's `input_tokens`, with the key `apiKey` as a bearer token. */
export async function startResponsesCounter(apiKey: string, count: number): Promise<CountingMock> {
  const mock = await startCounter('responses-counter', async (req, res, rec) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/responses/input_tokens') {
      return openaiError(res, 404, `Invalid URL (${req.method} ${req.url})`);
    }
    if (rec.headers.authorization !== `Bearer ${apiKey}`) return openaiError(res, 401, 'Incorrect API key provided.', null, 'invalid_api_key');
    if (applyFault(mock, rec, (status) => openaiError(res, status, `Mock fault ${status}.`))) return;
    const body = rec.body;
    if (!isObj(body)) return openaiError(res, 400, 'We could not parse the JSON body of your request.');
    for (const key of Object.keys(body)) if (!INPUT_TOKENS_PARAMS.has(key)) return openaiError(res, 400, `Unknown parameter: '${key}'.`, key, 'unknown_parameter');
    const problem = validateResponsesRequest(body);
    if (problem) return openaiError(res, problem.status, problem.message, problem.param, problem.code);
    openai.sendJson(res, 200, { object: 'response.input_tokens', input_tokens: mock.count });
  }, count);
  mock.url = `http://127.0.0.1:${mock.port}/v1`;
  return mock;
}

async function startCounter(
  name: string,
  handle: (req: IncomingMessage, res: ServerResponse, rec: CountRequest) => Promise<void>,
  count: number,
): Promise<CountingMock> {
  const server = await startMockHttpServer<CountFault>(name, (req, res, rec) => handle(req, res, rec));
  return Object.assign(server, { url: '', count, lastBody: () => server.requests.at(-1)?.body as Json | undefined });
}

/** Applies the next scripted fault; true when it answered (or will never answer). */
function applyFault(mock: CountingMock, rec: CountRequest, fail: (status: number) => void): boolean {
  const fault = mock.nextFault();
  if (!fault) return false;
  rec.fault = fault;
  if (fault.hang) return true;
  if (fault.status) fail(fault.status);
  return fault.status !== undefined;
}
