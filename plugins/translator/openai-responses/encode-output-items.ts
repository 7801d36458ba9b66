import type { ChatResult, ReasoningPart } from '../../../core/types/hub.ts';
import { outputItemId, type OutputItem } from './build-response-object.ts';
import type { ToolForm } from './client-tools.ts';
import { customInput } from './custom-tools.ts';
import { toolArgumentsObject } from '../../../core/util/tool-arguments.ts';
import { RESPONSES_ORIGIN, sealReasoning } from './reasoning-envelope.ts';

/**
 * Builders of Responses output items, shared by the JSON result and the stream so both emit
 * byte-identical shapes.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
 */

/**
 * The status of a message or tool-call item: `incomplete` for the item being written when the
 * response was cut (`max_output_tokens`, a content filter), as OpenAI marks it.
 */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** An `output_text` content part. */
export function outputTextPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** An assistant `message` item with one `output_text` part (none while it is still opening). */
export function messageItem(id: string, text: string | undefined, status: ItemStatus): OutputItem {
  return { type: 'message', id, status, role: 'assistant', content: text === undefined ? [] : [outputTextPart(text)] };
}

/**
 * The item of a call of hub tool `name`: a `function_call`, a `custom_tool_call` (its `input`
 * plain text) for a custom tool, or a `tool_search_call` (its `arguments` an object) for a tool
 * search the client runs; named as the client declared it, with its `namespace` if it has one
 * (`form`, see `toolForms`). `callId` is the id the client answers with; `args` the JSON the
 * model wrote (a custom call's input is inside it).
 */
export function callItem(id: string, callId: string, name: string, args: string, status: ItemStatus, form?: ToolForm): OutputItem {
  if (form?.kind === 'tool_search') {
    return { type: 'tool_search_call', id, call_id: callId, execution: 'client', arguments: status === 'in_progress' ? {} : toolArgumentsObject(args), status };
  }
  const item: OutputItem = form?.kind === 'custom'
    ? { type: 'custom_tool_call', id, call_id: callId, name: form.name, input: status === 'in_progress' ? '' : customInput(args), status }
    : { type: 'function_call', id, call_id: callId, name: form?.name ?? name, arguments: args, status };
  if (form?.namespace) item.namespace = form.namespace;
  return item;
}

/** The prefix of the item id of a call in the client's form of its tool. */
export function callItemPrefix(form: ToolForm | undefined): string {
  return form?.kind === 'custom' ? 'ctc_' : form?.kind === 'tool_search' ? 'tsc_' : 'fc_';
}

/** A reasoning item; `encrypted` only when the client asked for it through `include`. */
export function reasoningItem(id: string, summary: string[], encrypted: string | undefined): OutputItem {
  const item: OutputItem = { type: 'reasoning', id, summary: summary.map((text) => ({ type: 'summary_text', text })) };
  if (encrypted !== undefined) item.encrypted_content = encrypted;
  return item;
}

/**
 * Marks the last output item `incomplete` when it carries a status (a message or a tool call):
 * the item a cut response (status `incomplete`) stopped in. Reasoning items carry none.
 */
export function markCutItem(items: OutputItem[]): void {
  const last = items.at(-1);
  if (last && typeof last.status === 'string') last.status = 'incomplete';
}

/** The id a reasoning part had upstream (OpenAI `rs_…`), or the one item `index` of `responseId` gets. */
export function reasoningItemId(part: Pick<ReasoningPart, 'providerOptions'> | undefined, responseId: string, index: number): string {
  const id = part?.providerOptions?.[RESPONSES_ORIGIN]?.id;
  return typeof id === 'string' && id.length > 0 ? id : outputItemId('rs_', responseId, index);
}

/**
 * Converts the content of a chat result into the output items of response `responseId`, in
 * order: consecutive text parts share one message item, each tool call becomes a
 * `function_call` (arguments `{}` when the model gave none: clients parse them as JSON) or a
 * `custom_tool_call`, in the client's form of its tool (`forms`), each reasoning part a
 * `reasoning` item. Item ids come from the response id and the item's place (`outputItemId`).
 */
export function encodeOutputItems(content: ChatResult['content'], responseId: string, includeEncrypted: boolean, forms?: ReadonlyMap<string, ToolForm>): OutputItem[] {
  const items: OutputItem[] = [];
  const id = (prefix: string) => outputItemId(prefix, responseId, items.length);
  let text: string | undefined;
  const flushText = (): void => {
    if (text !== undefined) items.push(messageItem(id('msg_'), text, 'completed'));
    text = undefined;
  };
  for (const part of content) {
    switch (part.type) {
      case 'text':
        text = (text ?? '') + part.text;
        break;
      case 'tool-call': {
        flushText();
        const form = forms?.get(part.name);
        items.push(callItem(id(callItemPrefix(form)), part.id, part.name, part.arguments || '{}', 'completed', form));
        break;
      }
      case 'reasoning': {
        flushText();
        const encrypted = includeEncrypted ? sealReasoning(part) : undefined;
        items.push(reasoningItem(reasoningItemId(part, responseId, items.length), part.text ? [part.text] : [], encrypted));
        break;
      }
    }
  }
  flushText();
  return items;
}
