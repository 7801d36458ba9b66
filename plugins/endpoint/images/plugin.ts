import * as v from 'valibot';
import { join } from 'node:path';
import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest, HttpInput, Plugin, Translator } from '../../../core/plugin/types.ts';
import type { ImageRequest, ImageResult } from '../../../core/types/operations.ts';
import { decodeImageEdit, decodeImageGeneration } from './decode-image-requests.ts';
import { encodeImagesResult } from './encode-images-result.ts';
import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';
import { createUploadSpool, type UploadSpool } from '../../../core/util/upload-spool.ts';

const ConfigSchema = v.object({
  /** Largest edit upload (all images + mask) in MB; a declared larger body gets 413 unread. */
  max_upload_mb: v.optional(v.pipe(v.number(), v.minValue(0.001)), 50),
  /** Where uploads are spooled while a request runs (default `<data-dir>/uploads`). */
  spool_dir: v.optional(v.string()),
});
type ImagesConfig = v.InferOutput<typeof ConfigSchema>;

/**
 * The OpenAI images endpoints: generations (JSON) and edits (multipart, spooled to disk as it
 * arrives so fallback can re-send the images), both as the `image` operation.
 */
export function createImagesEndpoint(spool: UploadSpool, config: ImagesConfig): Translator {
  return {
    dialect: 'openai-images',
    routes: [
      { method: 'POST', path: '/v1/images/generations', summary: 'Generate images (OpenAI format; url or b64_json)' },
      { method: 'POST', path: '/v1/images/edits', summary: 'Edit images (OpenAI format, multipart)', body: 'stream', bodyLimitMb: config.max_upload_mb },
    ],
    async decode(input: HttpInput): Promise<GatewayRequest> {
      if (input.url.pathname.endsWith('/generations')) return decodeImageGeneration(input.body);
      const form = await spool.read(input, config.max_upload_mb * 1024 * 1024);
      try {
        return decodeImageEdit(form);
      } catch (e) {
        spool.release(input.request);
        throw e;
      }
    },
    encodeResult(result, req, call) {
      spool.release(call.http.request);
      return Response.json(encodeImagesResult(result as ImageResult, req.body as ImageRequest));
    },
    encodeStream() {
      throw new Error('images are never streamed');
    },
    encodeError(err: GatewayError, call) {
      spool.release(call?.http?.request);
      return encodeOpenAIError(err);
    },
  };
}

/** `/v1/images/*`. Loaded by default. */
export default {
  name: 'images',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI images endpoints: POST /v1/images/generations, /v1/images/edits (multipart).',
  config: ConfigSchema,
  setup(ctx) {
    const spool = createUploadSpool(ctx.config.spool_dir ?? join(ctx.host.dataDir, 'uploads'), 'images');
    ctx.onDispose(() => spool.dispose());
    ctx.provide('endpoint', createImagesEndpoint(spool, ctx.config));
  },
} satisfies Plugin<ImagesConfig>;
