import { GatewayError, isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, CallContext, CallResult, HttpInput, ProviderAdapter } from '../../../core/plugin/types.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import type { CompactJob } from './decode-compact-request.ts';
import { summaryOf } from './encode-compacted-response.ts';
import { canForwardCompaction, forwardCompaction } from './forward-compaction.ts';

/**
 * The attempts of `POST /v1/responses/compact`. The route runs the pipeline with the
 * summarization request (routing, fallback, hooks, billing as for any request) and notes the
 * request's job here; this `wrapCall` layer then picks, per attempt, how the target compacts:
 *
 * - an upstream that speaks the Responses API (`openai-responses`, `codex`) gets the client's
 *   body on its own `/responses/compact`, and the client its reply byte for byte;
 *   when it has no such endpoint (404, 405) the same upstream emulates it instead;
 * - any other upstream runs the summarization request (`next()`), which the compact codec
 *   turns into a compacted history. A reply without summary text fails the attempt (retryable:
 *   the next target may do better).
 *
 * Requests that are not compactions pass through untouched.
 */
export class ResponsesCompaction {
  private readonly jobs = new WeakMap<HttpInput, CompactJob>();

  /** `adapterOf(type)`: the provider adapter serving a provider type now. */
  constructor(private readonly adapterOf: (type: string) => ProviderAdapter | undefined) {}

  /** Notes the job of a compact request whose run gets `input` as its `call.http`. */
  track(input: HttpInput, job: CompactJob): void {
    this.jobs.set(input, job);
  }

  /** The job of the compact request `call` runs; undefined for any other request. */
  job(call: Pick<CallContext, 'http'> | undefined): CompactJob | undefined {
    return call ? this.jobs.get(call.http) : undefined;
  }

  /** wrapCall: see the class comment. Returns `next()` itself for other requests. */
  wrap(next: () => Promise<CallResult>, attempt: Attempt, call: CallContext): Promise<CallResult> {
    const job = this.jobs.get(call.http);
    return job ? this.compact(job, next, attempt, call) : next();
  }

  private async compact(job: CompactJob, next: () => Promise<CallResult>, attempt: Attempt, call: CallContext): Promise<CallResult> {
    const adapter = this.adapterOf(attempt.provider.type);
    if (canForwardCompaction(adapter)) {
      try {
        return await forwardCompaction(adapter, job.forward, attempt, call);
      } catch (e) {
        if (!lacksEndpoint(e) || call.signal.aborted) throw e;
        call.log.info('the upstream has no compaction endpoint: compacting by summary', { id: call.id, provider: attempt.provider.name });
      }
    }
    const res = await next();
    if (res.type === 'result' && summaryOf(res.result as ChatResult).length === 0) {
      throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream answered the compaction request without a summary.', { retryable: true });
    }
    return res;
  }
}

/** The upstream (or its adapter) has no compaction endpoint. */
function lacksEndpoint(e: unknown): boolean {
  if (!isGatewayError(e)) return false;
  const status = e.upstream?.status;
  return status === 404 || status === 405 || (e.code === 'GW_UNSUPPORTED' && e.upstream === undefined);
}
