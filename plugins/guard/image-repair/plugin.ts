import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** An upstream refused a conversation's images; it was sent again with them set right. */
    'image-repair:repaired': { id: string; provider: string; model: string; left: number; reencoded: number };
  }
}

/** The `image-repair:` entry of `plugins:` (no settings). */
export const ImageRepairConfigSchema = v.strictObject({});

export type ImageRepairConfig = v.InferOutput<typeof ImageRepairConfigSchema>;

/**
 * Un-sticks a session whose history holds an image the provider cannot read. A coding agent
 * keeps every image in its history: a screenshot read while it was being written, a PNG whose
 * line ends a Windows shell rewrote, an SVG or a BMP mentioned as a file. The provider refuses
 * it (Anthropic "Could not process image", OpenAI "The image data you provided does not
 * represent a valid image" or "You uploaded an unsupported image", Gemini "Unable to process
 * input image"), and with it every later turn.
 *
 * After such a refusal the same target is asked once more with each image that does not decode
 * left out (a line of text in its place; an SVG as its source text), and each one that decodes
 * but is in a format the APIs do not take re-encoded. The images left out are remembered, so
 * later turns go without them at once. A request that succeeds costs nothing.
 */
export default {
  name: 'image-repair',
  kind: 'guard',
  apiVersion: 1,
  description: 'Leaves out images an upstream cannot decode (a damaged screenshot, an SVG) when it refuses them, and tries again.',
  config: ImageRepairConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupImageRepair } = await import('./setup-image-repair.ts');
    setupImageRepair(ctx);
  },
} satisfies Plugin<ImageRepairConfig>;
