import * as v from 'valibot';
import { join } from 'node:path';
import { lazyTranslator, type ShellRoute } from '../../../core/plugin/lazy-translator.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { createUploadSpool, openAIErrorReleasing } from '../../../core/util/upload-spool.ts';

const ConfigSchema = v.object({
  /** Largest edit upload (all images + mask) in MB; a declared larger body gets 413 unread. */
  max_upload_mb: v.optional(v.pipe(v.number(), v.minValue(0.001)), 50),
  /** Where uploads are spooled while a request runs (default `<data-dir>/uploads`). */
  spool_dir: v.optional(v.string()),
  /**
   * An upload that sends nothing for this long is refused with 408 (ms; 0: no limit). The whole
   * upload must also arrive within `request.deadline_ms`.
   */
  upload_idle_ms: v.optional(v.pipe(v.number(), v.minValue(0)), 30_000),
});
export type ImagesConfig = v.InferOutput<typeof ConfigSchema>;

/** The routes; the edit upload's limit comes from the config. */
export function imagesRoutes(config: ImagesConfig): ShellRoute[] {
  return [
    { method: 'POST', path: '/v1/images/generations', summary: 'Generate images (OpenAI format; url or b64_json)' },
    { method: 'POST', path: '/v1/images/edits', summary: 'Edit images (OpenAI format, multipart)', body: 'stream', bodyLimitMb: config.max_upload_mb },
  ];
}

/** `/v1/images/*`. Loaded by default; its code is imported on the first request. */
export default {
  name: 'images',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI images endpoints: POST /v1/images/generations, /v1/images/edits (multipart).',
  config: ConfigSchema,
  setup(ctx) {
    const spool = createUploadSpool(ctx.config.spool_dir ?? join(ctx.host.dataDir, 'uploads'), 'images', {
      idleMs: () => ctx.config.upload_idle_ms,
      deadlineMs: () => ctx.host.config().request.deadline_ms,
    });
    ctx.onDispose(() => spool.dispose());
    ctx.provide('endpoint', lazyTranslator(
      { dialect: 'openai-images', routes: imagesRoutes(ctx.config), encodeError: openAIErrorReleasing(spool) },
      async () => (await import('./images-endpoint.ts')).createImagesEndpoint(spool, ctx.config),
    ));
  },
} satisfies Plugin<ImagesConfig>;
