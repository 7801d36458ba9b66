import type { Usage } from '../types/hub.ts';

/**
 * The typed event map. Events are facts, named `noun:verb-ed`, emitted after the fact.
 * Plugins add their own (prefixed with the plugin name) by declaration merging:
 *
 *   declare module '../../../core/bus/events.ts' { interface GatewayEvents { 'my-plugin:thing-happened': {…} } }
 */
export interface GatewayEvents {
  /** `clientRequestId`: the client's own `X-Request-Id`, when it sent a sane one (`id` is always the gateway's). */
  'request:received': { id: string; dialect: string; model: string; stream: boolean; keyId?: string; operation: string; clientRequestId?: string };
  'request:short-circuited': { id: string; by: string; reason: string };
  'request:routed': { id: string; plan: { targets: Array<{ provider: string; model: string; account?: string }>; strategy?: string } };
  'attempt:started': { id: string; provider: string; account?: string; model: string; n: number };
  'attempt:failed': {
    id: string; provider: string; account?: string; model: string; n: number;
    status: number; code: string; error: string; retryable: boolean; retryAfterMs?: number;
  };
  'attempt:succeeded': { id: string; provider: string; account?: string; model: string; n: number; latencyMs: number };
  'stream:first-part': { id: string; ttftMs: number };
  'response:completed': {
    id: string; provider: string; account?: string; model: string; requestedModel: string; keyId?: string;
    usage?: Usage; costUsd?: number; latencyMs: number; ttftMs?: number; cached: boolean; status: string;
    /** Set for a token count (`countTokens`): a side call, not traffic (no usage row; the overview and metrics leave it out). */
    operation?: 'countTokens';
  };
  'request:failed': {
    id: string; status: number; code: string; message: string; latencyMs: number; provider?: string; model?: string;
    requestedModel?: string; keyId?: string; usageStatus: string;
    /** As on `response:completed`: a token count that found no upstream to count it (the client got the estimate). */
    operation?: 'countTokens';
    /** What an upstream already used when the request failed after reaching it (a cancelled or broken stream); estimated when it reported none. */
    usage?: Usage;
    /** The cost of that `usage` (USD), as in the usage row. */
    costUsd?: number;
  };
  'plugin:loaded': { name: string; kind: string; source: string; generation: number };
  /** `async`: an error that escaped the plugin's code on its own (a stray rejection, a throwing timer). */
  'plugin:errored': { name: string; phase: 'load' | 'setup' | 'hook' | 'event' | 'dispose' | 'async'; error: string };
  /** `serving`: another instance of the plugin serves on (a reload replaced this one, or its setup failed and the old one stays). */
  'plugin:disposed': { name: string; serving: boolean };
  'config:reloaded': { generation: number; added: string[]; changed: string[]; removed: string[] };
  'config:rejected': { file: string; line?: number; col?: number; message: string };
}

export type EventName = keyof GatewayEvents;
