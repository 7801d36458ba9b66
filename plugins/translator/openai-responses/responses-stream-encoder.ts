import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { FinishReason, StreamPart, Usage } from '../../../core/types/hub.ts';
import { encodeSse } from '../../../core/util/sse.ts';
import { buildResponseObject, outputItemId, toResponseId, type OutputItem, type ResponseEcho, type ResponseState } from './build-response-object.ts';
import { errorEventPayload, failedResponseError } from './encode-responses-error.ts';
import { applyFinish } from './encode-responses-result.ts';
import type { ToolForm } from './client-tools.ts';
import { customInput } from './custom-tools.ts';
import { callItem, callItemPrefix, messageItem, outputTextPart, reasoningItem, type ItemStatus } from './encode-output-items.ts';
import { sealReasoning } from './reasoning-envelope.ts';

interface OpenText { index: number; id: string; text: string }
interface OpenReasoning { index: number; id: string; text: string; hasPart: boolean }
/** `whole`: its arguments go out at its end, not as deltas (a custom tool's input, a tool search's arguments). */
interface OpenCall { index: number; id: string; callId: string; name: string; args: string; whole: boolean; form?: ToolForm }

/** The arguments of a function call the model made without any (as OpenAI writes them). */
const NO_ARGUMENTS = '{}';

/** Fixed for one response: its id and model until `start` says otherwise, the echo, `include`. */
export interface StreamEncoderInit {
  id: string;
  /**
   * Keep `id` whatever the upstream calls its reply: the id of a stored response, which an
   * upstream id (Ollama's `chatcmpl-<n>` of a few hundred values) could collide with.
   */
  ownId?: boolean;
  model: string;
  echo: ResponseEcho;
  includeEncrypted: boolean;
  /** How custom and namespaced tools are written back (`toolForms`): custom ones stream as `custom_tool_call` items. */
  forms?: ReadonlyMap<string, ToolForm>;
}

/**
 * Turns hub stream parts into the Responses event sequence: `response.created`,
 * `response.in_progress`, per item `output_item.added` → deltas → `output_item.done`, then
 * exactly one terminal event (`response.completed`, `response.incomplete` or `response.failed`
 * followed by `error`), written at `end()` or on an error. Every event carries an increasing `sequence_number`. Text and reasoning
 * items close when another item starts; function calls close at their end part (or at finish).
 *
 * Each method returns the SSE text to write (possibly empty). Not thread-safe; one per response.
 *
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export class ResponsesStreamEncoder {
  private seq = 0;
  private out = '';
  private started = false;
  private finished = false;
  private readonly state: ResponseState;
  private text?: OpenText;
  private reasoning?: OpenReasoning;
  private readonly calls = new Map<string, OpenCall>();
  private usage?: Usage;
  private pendingFinish?: FinishReason;

  constructor(private readonly init: StreamEncoderInit) {
    this.state = { id: init.id, model: init.model, createdAt: Math.floor(Date.now() / 1000), status: 'in_progress', output: [] };
  }

  /** True once a terminal event was written; later parts are ignored. */
  get done(): boolean {
    return this.finished;
  }

  /** `StreamEncoder.closed`: the same as `done`. */
  get closed(): boolean {
    return this.finished;
  }

  /** Encodes one part. */
  push(part: StreamPart): string {
    if (this.finished) return '';
    switch (part.type) {
      case 'start':
        this.start(part.id, part.model, part.created);
        break;
      case 'text-delta':
        this.textDelta(part.text);
        break;
      case 'reasoning-delta':
        this.reasoningDelta(part.text);
        break;
      case 'reasoning-end':
        this.reasoningEnd(part);
        break;
      case 'tool-call-start':
        this.callStart(part.id, part.name);
        break;
      case 'tool-call-delta':
        this.callDelta(part.id, part.argumentsDelta);
        break;
      case 'tool-call-end':
        this.callEnd(part.id);
        break;
      case 'usage':
        this.usage = part.usage;
        break;
      case 'finish':
        this.finish(part.reason, part.usage);
        break;
      case 'error':
        return this.fail(part.error);
    }
    return this.takeOut();
  }

  /**
   * End of the parts: writes the terminal event of a finished response, or fails a response
   * whose parts stopped without a finish (a truncated upstream).
   */
  end(): string {
    if (this.finished) return '';
    if (this.pendingFinish !== undefined) {
      this.terminal(this.pendingFinish);
      return this.takeOut();
    }
    return this.fail(new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream stream ended before the response was complete.'));
  }

  /**
   * The response failed: `response.failed` with the items so far, then an `error` event. An
   * error after the finish part changes nothing the client could use: the response completes.
   */
  fail(err: GatewayError): string {
    if (this.finished) return '';
    if (this.pendingFinish !== undefined) return this.end();
    this.start();
    this.snapshotOpenItems();
    this.finished = true;
    this.state.status = 'failed';
    this.state.error = failedResponseError(err);
    this.state.usage = this.usage;
    this.emit('response.failed', { response: this.snapshot() });
    this.out += encodeSse(JSON.stringify(errorEventPayload(err, this.seq++)), 'error');
    return this.takeOut();
  }

  /** Puts what the open items hold so far into the output, for `response.failed`. */
  private snapshotOpenItems(): void {
    const { output } = this.state;
    if (this.text) output[this.text.index] = messageItem(this.text.id, this.text.text, 'in_progress');
    if (this.reasoning?.hasPart) output[this.reasoning.index] = reasoningItem(this.reasoning.id, [this.reasoning.text], undefined);
    for (const c of this.calls.values()) output[c.index] = openCallItem(c, 'in_progress');
  }

  /** The events written since the last call. */
  private takeOut(): string {
    const text = this.out;
    this.out = '';
    return text;
  }

  private emit(type: string, payload: Record<string, unknown>): void {
    this.out += encodeSse(JSON.stringify({ type, ...payload, sequence_number: this.seq++ }), type);
  }

  private snapshot(): Record<string, unknown> {
    return buildResponseObject(this.state, this.init.echo);
  }

  private start(id?: string, model?: string, created?: number): void {
    if (this.started) return;
    this.started = true;
    if (id && !this.init.ownId) this.state.id = toResponseId(id);
    if (model) this.state.model = model;
    if (created) this.state.createdAt = created;
    // The same response object in both events (each is written out at once).
    const response = this.snapshot();
    this.emit('response.created', { response });
    this.emit('response.in_progress', { response });
  }

  /** The id of the next output item (see `outputItemId`). */
  private itemId(prefix: string): string {
    return outputItemId(prefix, this.state.id, this.state.output.length);
  }

  private addItem(item: OutputItem): number {
    const index = this.state.output.length;
    this.state.output.push(item);
    this.emit('response.output_item.added', { output_index: index, item });
    return index;
  }

  private textDelta(delta: string): void {
    this.start();
    this.closeReasoning();
    if (!this.text) {
      const id = this.itemId('msg_');
      const index = this.addItem(messageItem(id, undefined, 'in_progress'));
      this.text = { index, id, text: '' };
      this.emit('response.content_part.added', { item_id: id, output_index: index, content_index: 0, part: outputTextPart('') });
    }
    if (delta.length === 0) return;
    this.text.text += delta;
    const { id, index } = this.text;
    this.emit('response.output_text.delta', { item_id: id, output_index: index, content_index: 0, delta, logprobs: [] });
  }

  private closeText(status: ItemStatus = 'completed'): void {
    const open = this.text;
    if (!open) return;
    this.text = undefined;
    const { id, index, text } = open;
    this.emit('response.output_text.done', { item_id: id, output_index: index, content_index: 0, text, logprobs: [] });
    this.emit('response.content_part.done', { item_id: id, output_index: index, content_index: 0, part: outputTextPart(text) });
    this.doneItem(index, messageItem(id, text, status));
  }

  private doneItem(index: number, item: OutputItem): void {
    this.state.output[index] = item;
    this.emit('response.output_item.done', { output_index: index, item });
  }

  private openReasoning(): OpenReasoning {
    this.start();
    this.closeText();
    if (!this.reasoning) {
      const id = this.itemId('rs_');
      const index = this.addItem(reasoningItem(id, [], undefined));
      this.reasoning = { index, id, text: '', hasPart: false };
    }
    return this.reasoning;
  }

  private reasoningDelta(delta: string): void {
    const open = this.openReasoning();
    if (!open.hasPart) {
      open.hasPart = true;
      this.emit('response.reasoning_summary_part.added', {
        item_id: open.id, output_index: open.index, summary_index: 0, part: { type: 'summary_text', text: '' },
      });
    }
    if (delta.length === 0) return;
    open.text += delta;
    this.emit('response.reasoning_summary_text.delta', { item_id: open.id, output_index: open.index, summary_index: 0, delta });
  }

  private reasoningEnd(part: Extract<StreamPart, { type: 'reasoning-end' }>): void {
    this.openReasoning();
    this.closeReasoning(this.init.includeEncrypted ? sealReasoning(part) : undefined);
  }

  private closeReasoning(encrypted?: string): void {
    const open = this.reasoning;
    if (!open) return;
    this.reasoning = undefined;
    const { id, index, text } = open;
    if (open.hasPart) {
      this.emit('response.reasoning_summary_text.done', { item_id: id, output_index: index, summary_index: 0, text });
      this.emit('response.reasoning_summary_part.done', {
        item_id: id, output_index: index, summary_index: 0, part: { type: 'summary_text', text },
      });
    }
    this.doneItem(index, reasoningItem(id, open.hasPart ? [text] : [], encrypted));
  }

  private callStart(callId: string, name: string): void {
    this.start();
    this.closeText();
    this.closeReasoning();
    if (this.calls.has(callId)) return;
    const form = this.init.forms?.get(name);
    const id = this.itemId(callItemPrefix(form));
    const open: OpenCall = { index: 0, id, callId, name, args: '', whole: form !== undefined && form.kind !== 'function', form };
    open.index = this.addItem(openCallItem(open, 'in_progress'));
    this.calls.set(callId, open);
  }

  /** Function arguments stream as they come; a custom call's input is sent whole at its end (it is inside the JSON the model writes). */
  private callDelta(callId: string, delta: string): void {
    const call = this.calls.get(callId);
    if (!call || delta.length === 0) return;
    call.args += delta;
    if (!call.whole) this.emit('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta });
  }

  /** A call without arguments gets `{}`: Responses arguments are always JSON, which clients parse. */
  private callEnd(callId: string, status: ItemStatus = 'completed'): void {
    const call = this.calls.get(callId);
    if (!call) return;
    if (!call.whole && call.args.length === 0) this.callDelta(callId, NO_ARGUMENTS);
    this.calls.delete(callId);
    const { id, index, args } = call;
    const name = call.form?.name ?? call.name;
    if (call.form?.kind === 'custom') {
      const input = customInput(args);
      this.emit('response.custom_tool_call_input.delta', { item_id: id, output_index: index, delta: input });
      this.emit('response.custom_tool_call_input.done', { item_id: id, output_index: index, input });
    } else if (!call.whole) {
      this.emit('response.function_call_arguments.done', { item_id: id, output_index: index, name, arguments: args });
    }
    this.doneItem(index, openCallItem(call, status));
  }

  /**
   * Closes every open item; the terminal event waits for `end()` so late usage still counts.
   * A response cut short (`length`, `content-filter`) closes the items it cut `incomplete`.
   */
  private finish(reason: FinishReason, usage: Usage | undefined): void {
    const status: ItemStatus = reason === 'length' || reason === 'content-filter' ? 'incomplete' : 'completed';
    this.start();
    this.closeText(status);
    this.closeReasoning();
    for (const callId of [...this.calls.keys()]) this.callEnd(callId, status);
    this.pendingFinish = reason;
    if (usage) this.usage = usage;
  }

  private terminal(reason: FinishReason): void {
    this.finished = true;
    this.state.usage = this.usage;
    this.state.completedAt = Math.max(this.state.createdAt, Math.floor(Date.now() / 1000));
    applyFinish(this.state, reason);
    const type = this.state.status === 'completed' ? 'response.completed'
      : this.state.status === 'incomplete' ? 'response.incomplete' : 'response.failed';
    this.emit(type, { response: this.snapshot() });
  }
}

/** The item of an open call: a function call, or a custom tool call whose input is known at its end. */
function openCallItem(c: OpenCall, status: ItemStatus): OutputItem {
  return callItem(c.id, c.callId, c.name, c.args, status, c.form);
}
