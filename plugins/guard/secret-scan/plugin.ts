import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';
import { SECRET_PATTERNS } from './secret-patterns.ts';

const KINDS = [...new Set(SECRET_PATTERNS.map((p) => p.kind))];

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** Secrets were found in a request's messages (kinds and places only, never the values). */
    'secret-scan:found': { id: string; action: 'redact' | 'block' | 'log'; kinds: string[]; count: number; where: string[] };
  }
}

/** The `secret-scan:` entry of `plugins:`. */
export const SecretScanConfigSchema = v.object({
  /**
   * `redact` (default): each secret is replaced by `[REDACTED <kind>]` before the request goes
   * upstream; `block`: the request is refused with 400; `log`: forwarded unchanged, logged.
   */
  action: v.optional(v.picklist(['redact', 'block', 'log']), 'redact'),
  /** Built-in kinds to look for (`all`, or names such as `aws-access-key-id`, `private-key`). */
  kinds: v.optional(v.union([v.literal('all'), v.array(v.picklist(KINDS))]), 'all'),
  /** Your own secret shapes: a kind name and a regular expression (JavaScript syntax). */
  custom: v.optional(v.array(v.object({
    name: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/, 'a kebab-case name')),
    pattern: v.pipe(v.string(), v.check((p) => {
      try {
        new RegExp(p, 'g');
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression')),
  })), []),
});

export type SecretScanConfig = v.InferOutput<typeof SecretScanConfigSchema>;

/**
 * Keeps credentials out of prompts: coding agents read `.env` files, keys and tokens into their
 * context, and every request sends that context to a model provider. Chat requests of every
 * dialect (message text, tool calls and tool results) and embeddings inputs (code sent for
 * indexing) are scanned for well-known secret shapes; what is found is redacted, refused or
 * logged. Off unless listed under `plugins:`.
 */
export default {
  name: 'secret-scan',
  kind: 'guard',
  apiVersion: 1,
  description: 'Finds credentials (cloud, VCS and API keys, private keys, tokens) in chat prompts and embeddings inputs; redacts them, refuses the request, or logs.',
  config: SecretScanConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupSecretScan } = await import('./setup-secret-scan.ts');
    setupSecretScan(ctx);
  },
} satisfies Plugin<SecretScanConfig>;
