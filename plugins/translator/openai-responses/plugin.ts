import * as v from 'valibot';
import { lazyTranslator } from '../../../core/plugin/lazy-translator.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { parseDuration } from '../../../core/util/time-windows.ts';
import { encodeResponsesError } from './encode-responses-error.ts';
import type { ResponsesCompaction } from './responses-compaction.ts';
import { RESPONSES_ROUTES } from './responses-routes.ts';
import type { StoredResponses } from './stored-responses.ts';

const Duration = v.pipe(
  v.union([v.number(), v.string()]),
  v.check((x) => parseDuration(x) !== undefined, 'a duration: milliseconds or e.g. 12h, 30d'),
  v.transform((x) => parseDuration(x)!),
);

const ConfigSchema = v.object({
  /** Keep responses (unless the request says `store: false`), for `previous_response_id` and `GET /v1/responses/{id}`. */
  store: v.optional(v.boolean(), true),
  /** How long a stored response is kept, and a conversation that does not change. */
  store_ttl: v.optional(Duration, 30 * 86_400_000),
  /** Total size of stored responses (MB of JSON) past which the oldest are deleted. */
  store_max_mb: v.optional(v.pipe(v.number(), v.minValue(1)), 512),
});
type Config = v.InferOutput<typeof ConfigSchema>;

/** Largest single reply kept (normalized JSON). */
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/**
 * The OpenAI Responses client dialect (Codex and the `openai` SDK), with stored responses
 * (`previous_response_id` across any provider) and conversation compaction on any provider
 * (`POST /v1/responses/compact`). Loaded by default; its code, and the store's database, are
 * opened on the first Responses request.
 */
export default {
  name: 'openai-responses',
  kind: 'translator',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI Responses dialect: POST /v1/responses, /v1/responses/compact, stored responses and previous_response_id.',
  config: ConfigSchema,
  setup(ctx) {
    let stored: StoredResponses | undefined;
    let compaction: ResponsesCompaction | undefined;
    ctx.provide('translator', lazyTranslator(
      { dialect: 'openai-responses', routes: RESPONSES_ROUTES, encodeError: (err) => encodeResponsesError(err) },
      async () => {
        const [{ createResponsesTranslator }, { StoredResponses }, { ResponsesCompaction }] = await Promise.all([
          import('./responses-translator.ts'), import('./stored-responses.ts'), import('./responses-compaction.ts'),
        ]);
        stored = new StoredResponses({
          enabled: ctx.config.store, ttlMs: ctx.config.store_ttl, maxBytes: ctx.config.store_max_mb * 1024 * 1024,
          maxEntryBytes: MAX_ENTRY_BYTES, dataDir: ctx.host.dataDir, now: () => ctx.host.now(), box: ctx.host.secretBox,
          onError: (err) => ctx.log.warn('stored responses not written', { error: err instanceof Error ? err.message : String(err) }),
        });
        compaction = new ResponsesCompaction((type) => ctx.host.adapter?.(type));
        return createResponsesTranslator(stored, {
          compaction, bodyLimitBytes: () => ctx.host.config().server.body_limit_mb * 1024 * 1024,
        });
      },
    ));
    // Compact requests (`POST /v1/responses/compact`): a late layer (`post`), next to the provider
    // call, so retries, breakers and cooldowns wrap a forwarded compaction as any other call.
    // For the others this is one call and a compare.
    ctx.hook('wrapCall', (next, attempt, call) => (compaction && call.dialect === 'openai-responses' ? compaction.wrap(next, attempt, call) : next()), { order: 'post' });
    if (!ctx.config.store) return () => stored?.dispose();
    // Only Responses requests are recorded; for the others this is one call and a compare.
    ctx.hook('wrapCall', (next, _attempt, call) => (stored && call.dialect === 'openai-responses' ? stored.wrap(next, call) : next()));
    ctx.on('response:completed', (e) => stored?.completed(e));
    ctx.on('request:failed', (e) => stored?.forget(e.id));
    return () => stored?.dispose();
  },
} satisfies Plugin<Config>;
