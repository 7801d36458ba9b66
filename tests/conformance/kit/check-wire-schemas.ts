/**
 * Checks a body an upstream received against that API's published request schema
 * (/work/shared/fixtures/schemas), on top of the rules each mock enforces itself (the OpenAI
 * Chat mock checks nothing, so for it this is the only check), and the stream events the
 * gateway sends to clients against the published event schemas.
 */
import { readFileSync } from 'node:fs';
import { createSchemaChecker, type SchemaChecker } from './check-json-schema.ts';
import type { WireFormat } from './read-upstream-request.ts';

const SCHEMAS = `${import.meta.dir}/../../../../shared/fixtures/schemas`;

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${SCHEMAS}/${name}`, 'utf8')) as Record<string, unknown>;
}

/**
 * Spec-vs-wire differences of Responses input items, patched the way the fixtures' own kit
 * patches its: the spec requires `id` on reasoning items, `id` + `status` on assistant messages
 * and `annotations` + `logprobs` on their `output_text` parts (the shapes of *output*), but as
 * input the API accepts, and Codex sends, stateless items without them.
 */
function openaiDoc(): Record<string, unknown> {
  const doc = load('openai-openapi-subset.json');
  const schemas = (doc.components as { schemas: Record<string, { required?: string[] }> }).schemas;
  const relax = (name: string, keys: string[]) => {
    const s = schemas[name];
    if (s?.required) s.required = s.required.filter((r) => !keys.includes(r));
  };
  relax('ReasoningItem', ['id']);
  relax('OutputMessage', ['id', 'status']);
  relax('OutputTextContent', ['annotations', 'logprobs']);
  return doc;
}

/**
 * The spec for what the gateway sends, with the two spec-vs-wire patches the fixtures' kit
 * applies: `Response.user` and `Response.usage` may be null (as in every API sample and in
 * `response.created` events).
 */
function responseDoc(): Record<string, unknown> {
  const doc = load('openai-openapi-subset.json');
  const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
  const props = schemas.ModelResponseProperties.properties as Record<string, unknown>;
  props.user = { anyOf: [props.user, { type: 'null' }] };
  schemas.ResponseUsage = { anyOf: [schemas.ResponseUsage, { type: 'null' }] };
  return doc;
}

interface Checkers {
  /** The OpenAI spec with the input-side patches above (for request bodies). */
  openai: SchemaChecker;
  /** The OpenAI spec as published (for what the gateway sends to clients). */
  openaiStrict: SchemaChecker;
  anthropic: SchemaChecker;
  gemini: SchemaChecker;
}

let checkers: Checkers | undefined;

function all(): Checkers {
  checkers ??= {
    openai: createSchemaChecker(openaiDoc()),
    openaiStrict: createSchemaChecker(responseDoc()),
    anthropic: createSchemaChecker(load('anthropic.schema.json')),
    gemini: createSchemaChecker(load('gemini.schema.json')),
  };
  return checkers;
}

const POINTERS: Record<WireFormat, string> = {
  openai: '#/components/schemas/CreateChatCompletionRequest',
  responses: '#/components/schemas/CreateResponse',
  anthropic: '#/$defs/MessageCreateParams',
  gemini: '#/$defs/GenerateContentRequest',
};

/** Schema problems of one upstream request body (empty when it is valid). */
export function checkUpstreamBody(format: WireFormat, body: unknown): string[] {
  const c = all();
  const checker = format === 'openai' || format === 'responses' ? c.openai : c[format];
  return checker.check(body, POINTERS[format]);
}

/** Where each client dialect's stream events are defined. */
const EVENTS = {
  'anthropic-messages': ['anthropic', '#/$defs/StreamEvent'],
  'openai-responses': ['openaiStrict', '#/components/schemas/ResponseStreamEvent'],
  gemini: ['gemini', '#/$defs/GenerateContentResponse'],
  'openai-chat': ['openaiStrict', '#/components/schemas/CreateChatCompletionStreamResponse'],
} as const;

/** Schema problems of one stream event the gateway sent to a client of `dialect`. */
export function checkClientEvent(dialect: keyof typeof EVENTS, event: unknown): string[] {
  const [doc, pointer] = EVENTS[dialect];
  return all()[doc].check(event, pointer);
}
