import { join } from 'node:path';
import type { GatewayEvents } from '../../../core/bus/events.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { CallContext, CallResult, GatewayRequest, HttpInput, SecretBox } from '../../../core/plugin/types.ts';
import { ReplyCapture } from '../../../core/util/reply-capture.ts';
import { buildResponseEcho, buildResponseObject, newId, toResponseId, type ResponseState } from './build-response-object.ts';
import { badRequest } from './check-schema.ts';
import { customToolNames } from './custom-tools.ts';
import { applyFinish } from './encode-responses-result.ts';
import { encodeOutputItems } from './encode-output-items.ts';
import { ResponseStore, type StoredResponse } from './response-store.ts';

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
}

/** A Responses request on its way, between decode and its terminal event. */
interface Pending extends ResponseMeta {
  keyId: string;
  /** This request's own input items. */
  input: unknown[];
  echo: Record<string, unknown>;
  includeEncrypted: boolean;
  /** Names of the request's custom tools (their calls are stored as `custom_tool_call` items). */
  custom?: ReadonlySet<string>;
  capture?: ReplyCapture;
}

const SWEEP_MS = 3_600_000;

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

  constructor(private readonly s: StoreSettings) {}

  /**
   * Decode step: the items a `previous_response_id` stands for (oldest first), and the request
   * noted for storage. Throws 400 when storage is off or the previous response is unknown.
   */
  begin(input: HttpInput, raw: Record<string, unknown>, items: unknown[]): readonly unknown[] {
    const previous = typeof raw.previous_response_id === 'string' && raw.previous_response_id.length > 0 ? raw.previous_response_id : null;
    const save = this.s.enabled && raw.store !== false;
    const keyId = input.key?.id ?? '';
    let history: readonly unknown[] = [];
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
    this.pending.set(input, {
      fallbackId: newId('resp_'), store: save, previousResponseId: previous, keyId, input: items, echo: {}, includeEncrypted: false,
    });
    return history;
  }

  /** Decode step, once the request is built: what its stored copy echoes. */
  decoded(input: HttpInput, req: GatewayRequest): void {
    const p = this.pending.get(input);
    if (!p?.store) return;
    p.echo = buildResponseEcho(req, p);
    p.includeEncrypted = true;
    p.custom = customToolNames(req);
  }

  /** Echo values for the response object of `call`. */
  meta(call: CallContext | undefined): ResponseMeta | undefined {
    return call ? this.pending.get(call.http) : undefined;
  }

  /** wrapCall: records the reply of a request that will be stored. */
  wrap(next: () => Promise<CallResult>, call: CallContext): Promise<CallResult> {
    const p = this.pending.get(call.http);
    if (!p?.store) return next();
    this.recording.set(call.id, p);
    return next().then((res) => {
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
    const state: ResponseState = {
      id: toResponseId(result.id, p.fallbackId), createdAt, model: result.model || e.requestedModel, status: 'completed',
      output: encodeOutputItems(result.content, p.includeEncrypted, p.custom), usage: result.usage ?? e.usage,
      completedAt: Math.max(createdAt, Math.floor(now / 1000)),
    };
    applyFinish(state, result.finishReason);
    this.open().put({
      id: state.id, keyId: p.keyId, previousId: p.previousResponseId, createdAt: now, expiresAt: now + this.s.ttlMs,
      input: p.input, response: buildResponseObject(state, p.echo),
    });
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
    if (!r) throw notFound(id, this.s.enabled);
    return r;
  }

  /** Deletes the stored response `id` of `keyId`; 404 when there is none. */
  delete(id: string, keyId: string): void {
    if (!this.s.enabled || !this.open().delete(id, keyId)) throw notFound(id, this.s.enabled);
  }

  dispose(): void {
    this.recording.clear();
    this.store?.release();
    this.store = undefined;
  }

  private open(): ResponseStore {
    return (this.store ??= acquire(join(this.s.dataDir, 'responses.db'), this.s.maxBytes, this.s.now, this.s.box, this.s.onError)).store;
  }
}

function notFound(id: string, enabled: boolean): GatewayError {
  const shown = /^[\w-]{1,128}$/.test(id) ? `'${id}' ` : '';
  const why = enabled ? '' : ': stored responses are turned off in this gateway (openai-responses store: false)';
  return new GatewayError('GW_NOT_FOUND', `Response ${shown}not found${why}.`, { status: 404, param: 'response_id' });
}

interface SharedStore {
  store: ResponseStore;
  release(): void;
}

/** One open database per file, shared by the instances a config reload makes; swept hourly. */
const OPEN = new Map<string, { store: ResponseStore; refs: number; timer: ReturnType<typeof setInterval> }>();

function acquire(file: string, maxBytes: number, now: () => number, box: SecretBox | undefined, onError?: (err: unknown) => void): SharedStore {
  let s = OPEN.get(file);
  if (!s) {
    const store = new ResponseStore(file, maxBytes, box, onError);
    store.sweep(now());
    const timer = setInterval(() => store.sweep(now()), SWEEP_MS);
    timer.unref?.();
    OPEN.set(file, (s = { store, refs: 0, timer }));
  }
  s.store.maxBytes = maxBytes;
  s.refs++;
  const shared = s;
  let released = false;
  return {
    store: shared.store,
    release() {
      if (released) return;
      released = true;
      if (--shared.refs > 0) return;
      clearInterval(shared.timer);
      OPEN.delete(file);
      shared.store.close();
    },
  };
}
