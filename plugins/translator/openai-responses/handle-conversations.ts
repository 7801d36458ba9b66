import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import { readJsonBody } from '../../../core/pipeline/read-json-body.ts';
import type { HttpInput, RouteHost, RouteSpec } from '../../../core/plugin/types.ts';
import { badRequest } from './check-schema.ts';
import { encodeResponsesError } from './encode-responses-error.ts';
import type { StoredResponses } from './stored-responses.ts';

type Handler = (input: HttpInput, host: RouteHost) => Promise<Response>;
type Json = Record<string, unknown>;

/** Body limit of the conversation routes (items, not generations). */
const LIMIT_BYTES = 32 * 1024 * 1024;
/** Items one create call may add (as OpenAI). */
const MAX_ITEMS = 20;

/**
 * The Conversations API over the gateway's store (`/v1/conversations…`): create, retrieve,
 * update (metadata) and delete a conversation; list, add, retrieve and delete its items. A
 * conversation belongs to the client key that created it. A Responses request with
 * `conversation` gets its items ahead of its input, and adds its input and output to it (see
 * `StoredResponses`).
 *
 * @see https://platform.openai.com/docs/api-reference/conversations
 */
export function conversationHandler(spec: Pick<RouteSpec, 'method' | 'path'>, stored: StoredResponses | undefined): Handler {
  const answer = pick(spec);
  return async (input, host) => {
    try {
      const key = await host.authenticate(input);
      if (!stored) throw new GatewayError('GW_NOT_FOUND', 'Conversations are not available.', { status: 404 });
      return await answer(stored, key?.id ?? '', input);
    } catch (e) {
      return encodeResponsesError(toGatewayError(e));
    }
  };
}

type Answer = (stored: StoredResponses, keyId: string, input: HttpInput) => Response | Promise<Response>;

function pick(spec: Pick<RouteSpec, 'method' | 'path'>): Answer {
  const { method, path } = spec;
  if (path === '/v1/conversations') return create;
  if (path.endsWith('/items/:item_id')) return method === 'DELETE' ? deleteItem : getItem;
  if (path.endsWith('/items')) return method === 'POST' ? addItems : listItems;
  return method === 'DELETE' ? remove : method === 'POST' ? update : retrieve;
}

const create: Answer = async (stored, keyId, input) => {
  const body = await jsonBody(input, true);
  const items = itemsOf(body.items, false);
  return Response.json(stored.createConversation(keyId, metadataOf(body.metadata), items));
};

const retrieve: Answer = (stored, keyId, input) => Response.json(stored.conversation(input.params.id ?? '', keyId));

const update: Answer = async (stored, keyId, input) => {
  const body = await jsonBody(input, false);
  if (body.metadata === undefined) throw badRequest("Missing required parameter: 'metadata'.", 'metadata');
  return Response.json(stored.updateConversation(input.params.id ?? '', keyId, metadataOf(body.metadata)));
};

const remove: Answer = (stored, keyId, input) => {
  const id = input.params.id ?? '';
  stored.deleteConversation(id, keyId);
  return Response.json({ id, object: 'conversation.deleted', deleted: true });
};

const listItems: Answer = (stored, keyId, input) => Response.json(stored.conversationItems(input.params.id ?? '', keyId, input.url.searchParams));

const addItems: Answer = async (stored, keyId, input) => {
  const body = await jsonBody(input, false);
  const added = stored.addConversationItems(input.params.id ?? '', keyId, itemsOf(body.items, true));
  return Response.json({ object: 'list', data: added, first_id: added[0]?.id ?? null, last_id: added.at(-1)?.id ?? null, has_more: false });
};

const getItem: Answer = (stored, keyId, input) => {
  const itemId = input.params.item_id ?? '';
  const item = stored.findConversationItem(input.params.id ?? '', keyId, itemId);
  if (!item) throw new GatewayError('GW_NOT_FOUND', `Item with id '${itemId.slice(0, 128)}' not found.`, { status: 404, param: 'item_id' });
  return Response.json(item);
};

const deleteItem: Answer = (stored, keyId, input) =>
  Response.json(stored.deleteConversationItem(input.params.id ?? '', keyId, input.params.item_id ?? ''));

async function jsonBody(input: HttpInput, optional: boolean): Promise<Json> {
  const declared = input.request.headers.get('content-length');
  if (optional && (declared === '0' || (declared === null && !input.request.body))) return {};
  const body = input.body ?? (await readJsonBody(input.request, LIMIT_BYTES));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  return body as Json;
}

function itemsOf(value: unknown, required: boolean): unknown[] {
  if (value === undefined || value === null) {
    if (required) throw badRequest("Missing required parameter: 'items'.", 'items');
    return [];
  }
  if (!Array.isArray(value)) throw badRequest("Invalid type for 'items': expected an array of input items.", 'items');
  if (value.length > MAX_ITEMS) throw badRequest(`Invalid 'items': at most ${MAX_ITEMS} items at a time.`, 'items');
  value.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badRequest(`Invalid 'items[${i}]': an input item must be an object.`, `items[${i}]`);
  });
  return value;
}

/** `metadata`: at most 16 string values (keys ≤ 64, values ≤ 512 characters), as OpenAI. */
function metadataOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest("Invalid type for 'metadata': expected an object.", 'metadata');
  const entries = Object.entries(value as Json);
  if (entries.length > 16) throw badRequest("Invalid 'metadata': at most 16 pairs.", 'metadata');
  for (const [k, v] of entries) {
    if (typeof v !== 'string' || k.length > 64 || v.length > 512) throw badRequest(`Invalid 'metadata.${k.slice(0, 64)}': a string of at most 512 characters.`, 'metadata');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
