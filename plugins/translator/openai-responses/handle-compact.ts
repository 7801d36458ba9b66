import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import { readJsonBody } from '../../../core/pipeline/read-json-body.ts';
import type { HttpInput, RouteHost, Translator } from '../../../core/plugin/types.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { decodeCompactRequest } from './decode-compact-request.ts';
import { buildCompactedResponse } from './encode-compacted-response.ts';
import { encodeResponsesError } from './encode-responses-error.ts';
import type { ResponsesCompaction } from './responses-compaction.ts';
import type { StoredResponses } from './stored-responses.ts';

/**
 * `POST /v1/responses/compact` (OpenAI's compaction endpoint, which Codex calls to compact a
 * long conversation): authenticated like every `/v1` route, the body read under the gateway's
 * body limit and decoded (`decodeCompactRequest`), then the pipeline runs it by model like
 * `POST /v1/responses` (aliases, combos, fallback, hooks, one usage row) with the compact
 * codec. How each target compacts is `ResponsesCompaction`'s choice. Errors, before or from the
 * pipeline, are OpenAI error JSON with their status.
 */
export function compactHandler(
  compaction: ResponsesCompaction, stored: StoredResponses | undefined, bodyLimitBytes: () => number,
): (input: HttpInput, host: RouteHost) => Promise<Response> {
  const codec = createCompactCodec(compaction);
  return async (input, host) => {
    try {
      // Authenticated before the body is read: an anonymous caller costs no parsing.
      const key = await host.authenticate(input);
      const body = input.body ?? (await readJsonBody(input.request, bodyLimitBytes()));
      const run: HttpInput = { ...input, body, key };
      const { req, job } = decodeCompactRequest(run, stored);
      compaction.track(run, job);
      return await host.run(codec, run, req);
    } catch (e) {
      return encodeResponsesError(toGatewayError(e));
    }
  };
}

/**
 * The codec the pipeline answers a compact request with: a summarization result becomes the
 * compacted history (`buildCompactedResponse`); a forwarded reply goes back as its bytes
 * without reaching it. Never streamed.
 */
function createCompactCodec(compaction: ResponsesCompaction): Translator {
  return {
    dialect: 'openai-responses',
    routes: [],
    decode() {
      throw new GatewayError('GW_INTERNAL', 'A compact request is decoded by its route.');
    },
    encodeResult(result, _req, call) {
      return Response.json(buildCompactedResponse(result as ChatResult, compaction.job(call)?.kept ?? []));
    },
    encodeStream() {
      throw new GatewayError('GW_INTERNAL', 'A compaction is never streamed.');
    },
    encodeError: (err) => encodeResponsesError(err),
  };
}
