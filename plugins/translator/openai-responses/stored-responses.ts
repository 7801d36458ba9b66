import { join } from 'node:path';
import type { GatewayEvents } from '../../../core/bus/events.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { CallContext, CallResult, GatewayRequest, HttpInput, SecretBox } from '../../../core/plugin/types.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { ReplyCapture } from '../../../core/util/reply-capture.ts';
import { buildResponseEcho, buildResponseObject, newId, toResponseId, type OutputItem, type ResponseState } from './build-response-object.ts';
import { badRequest } from './check-schema.ts';
import { toolForms, type ToolForm } from './client-tools.ts';
import { applyFinish } from './encode-responses-result.ts';
import { encodeOutputItems, markCutItem } from './encode-output-items.ts';
import type { ConversationItem, StoredConversation } from './conversation-store.ts';
import { conversationItem, conversationView, forUpstream } from './conversation-items.ts';
import { listOf, parseListQuery, unknownAfter } from './list-page.ts';
import { conversationNotFound, itemNotFound, responseNotFound } from './not-found-errors.ts';
import { RESPONSES_ORIGIN } from './reasoning-envelope.ts';
import type { ResponseStore, StoredResponse } from './response-store.ts';
import { acquire, nextGeneration, type SharedStore } from './shared-response-store.ts';

/** The `store` settings of the openai-responses plugin, resolved. */
export interface StoreSettings {
  enabled: boolean;
  ttlMs: number;
  maxBytes: number;
  /** Largest single reply that is kept (bytes of its normalized JSON). */
  maxEntryBytes: number;
  dataDir: string;
  now(): number;
  /** Seals stored rows (the host's key ring); without it they are kept as plain JSON. */
  box?: SecretBox;
  /** Told when a batch of responses could not be written. */
  onError?(err: unknown): void;
}

/** What a response object echoes about storage; the encoders ask for it per call. */
export interface ResponseMeta {
  /** The response id when the upstream result has none (shared with the stored copy). */
  fallbackId: string;
  store: boolean;
  previousResponseId: string | null;
  /** The conversation the response joins (`conversation`), echoed as `{id}`. */
  conversationId?: string | null;
}

/** A Responses request on its way, between decode and its terminal event. */
interface Pending extends ResponseMeta {
  keyId: string;
  /** This request's own input items. */
  input: unknown[];
  echo: Record<string, unknown>;
  includeEncrypted: boolean;
  /** How the request's custom and namespaced tools are written back (`toolForms`). */
  forms?: ReadonlyMap<string, ToolForm>;
  capture?: ReplyCapture;
  /** The reply went to the client as the upstream's own bytes (its items, ids and all). */
  passthrough?: boolean;
}

/**
 * Stored responses: `store` (default true, as OpenAI) keeps a response and the input it
 * answered, so a later request can continue it with `previous_response_id` whatever provider
 * serves either turn, and `GET`/`DELETE /v1/responses/{id}` and `…/input_items` work. The
 * gateway resolves the chain itself and always sends the upstream the whole conversation.
 *
 * The reply is recorded on its way to the client (any lane, streamed or not) and written when
 * the request completes; a failed request stores nothing. Responses belong to the client key
 * that made them. The database opens on first use and is shared by the plugin instances a
 * config reload makes.
 */
export class StoredResponses {
  private readonly pending = new WeakMap<HttpInput, Pending>();
  /** Requests whose reply is being recorded, by call id, until their terminal event. */
  private readonly recording = new Map<string, Pending>();
  private store: SharedStore | undefined;
  /** Instances made later (by later reloads) have the newer settings. */
  private readonly generation = nextGeneration();

  constructor(private readonly s: StoreSettings) {}

  /**
   * Decode step: the items a `previous_response_id` or a `conversation` stands for (oldest first,
   * as they go upstream), the request's own items with each `item_reference` replaced by the
   * stored item it names, and the request noted for storage. Throws 400 when storage is off,
   * the previous response is unknown or both are given; 404 for an unknown conversation or a
   * referenced item that is not found.
   */
  begin(input: HttpInput, raw: Record<string, unknown>, items: unknown[]): { history: readonly unknown[]; own: unknown[] } {
    const previous = typeof raw.previous_response_id === 'string' && raw.previous_response_id.length > 0 ? raw.previous_response_id : null;
    const conversation = conversationIdOf(raw.conversation);
    const save = this.s.enabled && raw.store !== false;
    const keyId = input.key?.id ?? '';
    let history: readonly unknown[] = [];
    if (conversation !== null) {
      if (previous !== null) throw badRequest('previous_response_id and conversation cannot both be set.', 'conversation');
      if (!this.s.enabled) throw badRequest('conversation is not supported: stored responses are turned off in this gateway (openai-responses store: false).', 'conversation');
      if (!this.shared().conversations.get(conversation, keyId)) throw conversationNotFound(conversation);
      history = this.shared().conversations.items(conversation, keyId).map((i) => i.item);
    }
    if (previous !== null) {
      if (!this.s.enabled) {
        throw badRequest(
          'previous_response_id is not supported: stored responses are turned off in this gateway (openai-responses store: false); send the full input.',
          'previous_response_id',
        );
      }
      const found = this.history(previous, keyId);
      if (!found) throw badRequest(`Previous response with id '${previous}' not found.`, 'previous_response_id');
      history = found;
    }
    const own = this.resolveReferences(items, 'input', keyId, findById(history));
    this.pending.set(input, {
      fallbackId: newId('resp_'), store: save, previousResponseId: previous, conversationId: conversation, keyId, input: own, echo: {},
      includeEncrypted: false,
    });
    return { history: history.map(forUpstream), own };
  }

  /**
   * `items` with each `item_reference` replaced by the item it names (the same array when there
   * is none); `inHistory` finds an item of the history the items join (looked for first).
   */
  private resolveReferences<T>(items: T[], param: string, keyId: string, inHistory: InHistory = () => undefined): unknown[] {
    if (!items.some(isReference)) return items;
    return items.map((item, i) => (isReference(item) ? this.referenced(item.id, `${param}[${i}]`, keyId, inHistory) : item));
  }

  /**
   * The stored item an `item_reference` names: from the history this request continues, else
   * from this key's stored responses and conversations. 400 when storage is off or the reference
   * has no id; 404 (as OpenAI) when none has it.
   */
  private referenced(id: unknown, param: string, keyId: string, inHistory: InHistory): unknown {
    if (!this.s.enabled) {
      throw badRequest(`${param}: item_reference needs stored responses, which are turned off in this gateway (openai-responses store: false); send the full item.`, param);
    }
    if (typeof id !== 'string' || id.length === 0) throw badRequest(`${param}: an item_reference needs the id of a stored item.`, param);
    const item = inHistory(id)
      ?? this.open().item(id, keyId, this.s.now())
      ?? this.shared().conversations.item(id, keyId)?.item;
    // OpenAI's answer to a reference it cannot find: 404, `param: "input"`.
    if (item === undefined) throw itemNotFound(id, 'input');
    return forUpstream(item);
  }

  /** Decode step, once the request is built: what its stored copy echoes. */
  decoded(input: HttpInput, req: GatewayRequest): void {
    const p = this.pending.get(input);
    if (!p?.store && !p?.conversationId) return;
    req.mustCall = true;
    p.echo = buildResponseEcho(req, p);
    p.includeEncrypted = true;
    p.forms = toolForms(req);
  }

  /** Echo values for the response object of `call`. */
  meta(call: CallContext | undefined): ResponseMeta | undefined {
    return call ? this.pending.get(call.http) : undefined;
  }

  /** wrapCall: records the reply of a request that will be stored or joins a conversation. */
  wrap(next: () => Promise<CallResult>, call: CallContext): Promise<CallResult> {
    const p = this.pending.get(call.http);
    if (!p?.store && !p?.conversationId) return next();
    this.recording.set(call.id, p);
    return next().then((res) => {
      p.passthrough = res.type === 'passthrough';
      p.capture = new ReplyCapture(this.s.maxEntryBytes);
      return p.capture.wrap(res);
    });
  }

  /** response:completed: writes the stored copy. */
  completed(e: GatewayEvents['response:completed']): void {
    const p = this.recording.get(e.id);
    if (!p) return;
    this.recording.delete(e.id);
    const result = p.capture?.reply();
    if (!result) return;
    const now = this.s.now();
    const createdAt = result.created ?? Math.floor(now / 1000);
    // The id the client saw: the upstream's on the passthrough lane, else the gateway's own.
    const id = p.passthrough ? toResponseId(result.id, p.fallbackId) : p.fallbackId;
    const upstream = p.passthrough ? upstreamOutput(result) : undefined;
    const state: ResponseState = {
      id, createdAt, model: result.model || e.requestedModel, status: 'completed',
      output: upstream ?? encodeOutputItems(result.content, id, p.includeEncrypted, p.forms),
      usage: result.usage ?? e.usage,
      completedAt: Math.max(createdAt, Math.floor(now / 1000)),
    };
    applyFinish(state, result.finishReason);
    // The stored copy says what the client saw: the cut item incomplete (the upstream's own output already does).
    if (!upstream && state.status === 'incomplete') markCutItem(state.output);
    if (p.store) {
      this.open().put({
        id: state.id, keyId: p.keyId, previousId: p.previousResponseId, createdAt: now, expiresAt: now + this.s.ttlMs,
        input: p.input, response: buildResponseObject(state, p.echo),
      });
    }
    if (p.conversationId) {
      // The conversation grows by this turn: its input, then its output.
      this.shared().conversations.add(p.conversationId, p.keyId, [...p.input, ...state.output].map((item) => conversationItem(item)));
    }
  }

  /** request:failed: nothing to store. */
  forget(id: string): void {
    this.recording.delete(id);
  }

  /** The conversation a `previous_response_id` stands for, or undefined (unknown, off, another key's). */
  history(id: string, keyId: string): readonly unknown[] | undefined {
    return this.s.enabled ? this.open().history(id, keyId, this.s.now()) : undefined;
  }

  /** The stored response `id` of `keyId`; 404 when there is none. */
  get(id: string, keyId: string): StoredResponse {
    const r = this.s.enabled ? this.open().get(id, keyId, this.s.now()) : undefined;
    if (!r) throw responseNotFound(id, !this.s.enabled);
    return r;
  }

  /** Deletes the stored response `id` of `keyId`; 404 when there is none. */
  delete(id: string, keyId: string): void {
    if (!this.s.enabled || !this.open().delete(id, keyId)) throw responseNotFound(id, !this.s.enabled);
  }

  dispose(): void {
    this.recording.clear();
    this.store?.release();
    this.store = undefined;
  }

  private open(): ResponseStore {
    return this.shared().store;
  }

  private shared(): SharedStore {
    return (this.store ??= acquire(join(this.s.dataDir, 'responses.db'), this.s, this.generation));
  }

  // --- the Conversations API -----------------------------------------------------------------

  /** `POST /v1/conversations`: a new conversation of `keyId`, with its first items. */
  createConversation(keyId: string, metadata: Record<string, string>, items: readonly unknown[]): Record<string, unknown> {
    this.requireEnabled();
    const c: StoredConversation = { id: newId('conv_'), keyId, createdAt: this.s.now(), metadata };
    // A reference is stored as the item it names: a later turn could not resolve it.
    this.shared().conversations.create(c, this.resolveReferences([...items], 'items', keyId).map(conversationItem));
    return conversationView(c);
  }

  /** The conversation `id` of `keyId` as the API shows it; 404 when there is none. */
  conversation(id: string, keyId: string): Record<string, unknown> {
    return conversationView(this.ownConversation(id, keyId));
  }

  updateConversation(id: string, keyId: string, metadata: Record<string, string>): Record<string, unknown> {
    this.ownConversation(id, keyId);
    this.shared().conversations.setMetadata(id, keyId, metadata);
    return this.conversation(id, keyId);
  }

  deleteConversation(id: string, keyId: string): void {
    this.requireEnabled();
    if (!this.shared().conversations.delete(id, keyId)) throw conversationNotFound(id);
  }

  /**
   * One page of the items of conversation `id` in OpenAI's list shape, by the query's `order`
   * (desc by default), `after` and `limit`; only that page is read. 404 for an unknown
   * conversation, then 400 for a bad parameter or an `after` that is not in it.
   */
  conversationItems(id: string, keyId: string, query: URLSearchParams): Record<string, unknown> {
    this.ownConversation(id, keyId);
    const q = parseListQuery(query, 'desc');
    const page = this.shared().conversations.page(id, keyId, q);
    if (!page) throw unknownAfter(q.after!);
    return listOf(page.items.map(listed), page.hasMore);
  }

  /** Item `itemId` of conversation `id` with its `id`, or undefined; 404 for an unknown conversation. */
  findConversationItem(id: string, keyId: string, itemId: string): (Record<string, unknown> & { id: string }) | undefined {
    this.ownConversation(id, keyId);
    const found = this.shared().conversations.itemOf(id, keyId, itemId);
    return found && listed(found);
  }

  /** Appends items; answers them with their ids. A reference looks in this conversation first. */
  addConversationItems(id: string, keyId: string, items: readonly unknown[]): Array<Record<string, unknown>> {
    this.ownConversation(id, keyId);
    const inConversation = (itemId: string) => this.shared().conversations.itemOf(id, keyId, itemId)?.item;
    const added = this.resolveReferences([...items], 'items', keyId, inConversation).map(conversationItem);
    this.shared().conversations.add(id, keyId, added);
    return added.map((a) => a.item);
  }

  deleteConversationItem(id: string, keyId: string, itemId: string): Record<string, unknown> {
    this.ownConversation(id, keyId);
    if (!this.shared().conversations.deleteItem(id, itemId)) throw itemNotFound(itemId, 'item_id');
    return this.conversation(id, keyId);
  }

  private ownConversation(id: string, keyId: string): StoredConversation {
    this.requireEnabled();
    const c = this.shared().conversations.get(id, keyId);
    if (!c) throw conversationNotFound(id);
    return c;
  }

  private requireEnabled(): void {
    if (!this.s.enabled) {
      throw new GatewayError('GW_NOT_FOUND', 'Conversations are turned off in this gateway (openai-responses store: false).', { status: 404 });
    }
  }
}

/** The output items a Responses upstream sent (see the provider's `responseMetadata`), if any. */
function upstreamOutput(result: ChatResult): OutputItem[] | undefined {
  const output = result.providerMetadata?.[RESPONSES_ORIGIN]?.output;
  return Array.isArray(output) ? (output as OutputItem[]) : undefined;
}

/** Finds an item of the history a reference is looked up in first, by its id. */
type InHistory = (id: string) => unknown;

/**
 * The first item of `items` with each id, found through a map made on the first call: a request
 * with thousands of references into a long history costs one pass, not one per reference.
 */
function findById(items: readonly unknown[]): InHistory {
  let byId: Map<unknown, unknown> | undefined;
  return (id) => {
    if (!byId) {
      byId = new Map();
      for (const item of items) {
        const itemId = (item as { id?: unknown } | null)?.id;
        if (!byId.has(itemId)) byId.set(itemId, item);
      }
    }
    return byId.get(id);
  };
}

/** A conversation item as the routes show it: the item with its `id`. */
function listed(i: ConversationItem): Record<string, unknown> & { id: string } {
  return { ...i.item, id: i.id };
}

/** An `item_reference` input item. */
function isReference(item: unknown): item is { type: 'item_reference'; id?: unknown } {
  return typeof item === 'object' && item !== null && (item as { type?: unknown }).type === 'item_reference';
}

/** `conversation` of a Responses request (`"conv_…"` or `{id}`), or null. */
function conversationIdOf(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id || null;
  return null;
}
