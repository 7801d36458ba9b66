import type { GatewayRequest } from '../../../core/plugin/types.ts';
import { encodeParts } from '../../../core/pipeline/encoded-body.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { buildResponseEcho, newId, wantsEncryptedReasoning } from './build-response-object.ts';
import { ResponsesStreamEncoder } from './responses-stream-encoder.ts';
import type { ResponseMeta } from './stored-responses.ts';
import { toolForms } from './client-tools.ts';

/**
 * Encodes hub stream parts as the Responses SSE stream (`event: <type>` + `data: {…}` frames).
 *
 * Pull-driven: one part is read when the client can take more bytes, so a slow client slows the
 * upstream instead of filling memory. A parts stream that throws becomes `response.failed` +
 * `error`; a client disconnect (cancel) cancels the parts stream, which aborts the upstream.
 *
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function encodeResponsesStream(parts: ReadableStream<StreamPart>, req: GatewayRequest, meta?: ResponseMeta): ReadableStream<Uint8Array> {
  return encodeParts(parts, createResponsesStreamEncoder(req, meta));
}

/** The part encoder of a Responses stream for `req` (also driven by the pipeline directly). */
export function createResponsesStreamEncoder(req: GatewayRequest, meta?: ResponseMeta): ResponsesStreamEncoder {
  return new ResponsesStreamEncoder({
    id: meta?.fallbackId ?? newId('resp_'),
    ownId: meta !== undefined,
    model: req.model,
    echo: buildResponseEcho(req, meta),
    includeEncrypted: wantsEncryptedReasoning(req),
    forms: toolForms(req),
  });
}
