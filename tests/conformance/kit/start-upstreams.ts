/**
 * The provider-config table of the matrix: the four upstream wire formats, each a byte-faithful
 * mock started once per test file, with one uniform handle for what cases need (recorded bodies,
 * faults, one-shot parallel tool calls, the neutral view, schema checks).
 */
import { startMockAnthropic, type MockAnthropic } from '../../helpers/mock-anthropic-upstream.ts';
import { startMockGemini, type MockGemini } from '../../helpers/mock-gemini-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../../helpers/mock-openai-upstream.ts';
import { startMockResponses, type MockResponses } from '../../helpers/mock-responses-upstream.ts';
import { checkUpstreamBody } from './check-wire-schemas.ts';
import type { Driver } from './conformance-types.ts';
import {
  anthropicResponder, geminiParallelRaw, geminiReply, openaiResponder, responsesResponder, type Arms,
} from './mock-responders.ts';
import { readUpstreamRequest, type UpstreamView, type WireFormat } from './read-upstream-request.ts';

/** The upstream formats, in report order (labels name the provider `type:`). */
export const FORMATS: Array<[string, WireFormat]> = [
  ['openai (type openai)', 'openai'],
  ['anthropic (type anthropic)', 'anthropic'],
  ['openai-responses (type openai-responses)', 'responses'],
  ['gemini (type gemini)', 'gemini'],
];

/** One request as an upstream received it. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** The handle a case uses for one upstream. */
export interface Upstream {
  format: WireFormat;
  /** `type:` in the provider config. */
  type: string;
  /** Provider name in the gateway config (the model prefix). */
  provider: string;
  /** The upstream model id. */
  model: string;
  /** The client dialect that takes the passthrough lane to this upstream. */
  nativeDialect: Driver['dialect'];
  /** The provider's YAML entry. */
  yaml: string;
  received(): Received[];
  /** The next request answers with this HTTP status (an error body in the API's shape). */
  failNext(status: number): void;
  /** The next stream sends some content, then fails (error event or broken connection). */
  failNextMidStream(): void;
  /** The next reply is two parallel tool calls (`get_weather`, `get_time`). */
  parallelNext(): void;
  /** Undoes what a case armed and was not consumed. */
  disarm(): void;
  view(body: unknown): UpstreamView;
  /** Schema problems of a received body. */
  problems(body: unknown): string[];
  stop(): Promise<void>;
}

const KEY = { openai: 'sk-oai-upstream', anthropic: 'sk-ant-upstream', responses: 'sk-resp-upstream', gemini: 'AIzaSy-upstream-gemini' };

function entry(name: string, type: string, baseUrl: string, key: string): string {
  return `  ${name}: { type: ${type}, base_url: "${baseUrl}", keys: [ "${key}" ], allow_private_network: true }`;
}

function common(format: WireFormat) {
  return {
    view: (body: unknown) => readUpstreamRequest(format, body),
    problems: (body: unknown) => checkUpstreamBody(format, body),
  };
}

function openaiUpstream(mock: MockOpenAI, arms: Arms): Upstream {
  return {
    format: 'openai', type: 'openai', provider: 'oai', model: 'gpt-4o-mini', nativeDialect: 'openai-chat',
    yaml: entry('oai', 'openai', mock.url, KEY.openai),
    received: () => mock.requests.map((r) => ({ path: r.path, headers: r.headers, body: r.body as Record<string, unknown> })),
    failNext: (status) => mock.script([{ status }]),
    failNextMidStream: () => mock.script([{ dropAfterChunks: 2 }]),
    parallelNext: () => { arms.parallel = true; },
    disarm: () => { arms.parallel = false; },
    ...common('openai'),
    stop: () => mock.stop(),
  };
}

function anthropicUpstream(mock: MockAnthropic, arms: Arms): Upstream {
  return {
    format: 'anthropic', type: 'anthropic', provider: 'claude', model: 'claude-sonnet-4-6', nativeDialect: 'anthropic-messages',
    yaml: entry('claude', 'anthropic', mock.origin, KEY.anthropic),
    received: () => mock.requests.map((r) => ({ path: r.path, headers: r.headers, body: r.body as Record<string, unknown> })),
    failNext: (status) => mock.script([{ status }]),
    failNextMidStream: () => mock.script([{ streamErrorAfterEvents: 4 }]),
    parallelNext: () => { arms.parallel = true; },
    disarm: () => { arms.parallel = false; },
    ...common('anthropic'),
    stop: () => mock.stop(),
  };
}

function responsesUpstream(mock: MockResponses, arms: Arms): Upstream {
  return {
    format: 'responses', type: 'openai-responses', provider: 'resp', model: 'gpt-5.4', nativeDialect: 'openai-responses',
    yaml: entry('resp', 'openai-responses', mock.url, KEY.responses),
    received: () => mock.requests.map((r) => ({ path: r.path, headers: r.headers, body: r.body as Record<string, unknown> })),
    failNext: (status) => mock.script([{ status }]),
    failNextMidStream: () => mock.script([{ streamErrorAfterEvents: 5 }]),
    parallelNext: () => { arms.parallel = true; },
    disarm: () => { arms.parallel = false; },
    ...common('responses'),
    stop: () => mock.stop(),
  };
}

const NO_FAULTS = { status: undefined, streamErrorAfterChunks: undefined, raw: undefined, failTimes: undefined };

function geminiUpstream(mock: MockGemini): Upstream {
  const model = 'gemini-3-pro-preview';
  return {
    format: 'gemini', type: 'gemini', provider: 'gem', model, nativeDialect: 'gemini',
    yaml: entry('gem', 'gemini', mock.url, KEY.gemini),
    received: () => mock.requests.map((r) => ({ path: r.path + r.search, headers: r.headers, body: r.body as Record<string, unknown> })),
    failNext: (status) => mock.configure({ ...NO_FAULTS, status, failTimes: 1 }),
    failNextMidStream: () => mock.configure({ ...NO_FAULTS, streamErrorAfterChunks: 1, failTimes: 1 }),
    parallelNext: () => mock.configure({ ...NO_FAULTS, raw: geminiParallelRaw(model) }),
    disarm: () => mock.configure(NO_FAULTS),
    ...common('gemini'),
    stop: () => mock.stop(),
  };
}

/** Starts the four mocks; `yaml` is the `providers:` section naming all of them. */
export async function startUpstreams(): Promise<{ list: Upstream[]; yaml: string; stop(): Promise<void> }> {
  const arms = { openai: { parallel: false }, anthropic: { parallel: false }, responses: { parallel: false } };
  const [oai, claude, resp, gem] = await Promise.all([
    startMockOpenAI({ apiKey: KEY.openai, respond: openaiResponder(arms.openai) }),
    startMockAnthropic({ apiKey: KEY.anthropic, respond: anthropicResponder(arms.anthropic) }),
    startMockResponses({ apiKey: KEY.responses, respond: responsesResponder(arms.responses) }),
    startMockGemini({ apiKey: KEY.gemini, reply: geminiReply }),
  ]);
  const list = [openaiUpstream(oai, arms.openai), anthropicUpstream(claude, arms.anthropic), responsesUpstream(resp, arms.responses), geminiUpstream(gem)];
  return {
    list,
    yaml: `providers:\n${list.map((u) => u.yaml).join('\n')}\n`,
    stop: async () => { await Promise.all(list.map((u) => u.stop())); },
  };
}
