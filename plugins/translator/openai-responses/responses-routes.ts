import type { ShellRoute } from '../../../core/plugin/lazy-translator.ts';

/**
 * The Responses dialect's routes: `POST /v1/responses` runs the pipeline; the stored-response
 * routes are answered by the translator from its store; `POST /v1/responses/compact` decodes
 * its body itself and then runs the pipeline (see `handle-compact.ts`).
 */
export const RESPONSES_ROUTES: readonly ShellRoute[] = [
  { method: 'POST', path: '/v1/responses', summary: 'OpenAI Responses' },
  { method: 'POST', path: '/v1/responses/input_tokens', summary: 'Input tokens of a Responses request (the routed upstream\'s count where it can count, else estimated)', custom: true },
  { method: 'POST', path: '/v1/responses/compact', summary: 'Compact a conversation (OpenAI\'s compaction endpoint on a Responses upstream, else a summary)', custom: true },
  { method: 'GET', path: '/v1/responses/:id', summary: 'Retrieve a stored response (the client key that created it only)', custom: true },
  { method: 'DELETE', path: '/v1/responses/:id', summary: 'Delete a stored response', custom: true },
  { method: 'POST', path: '/v1/responses/:id/cancel', summary: 'Cancel a background response (none run in the background: 400)', custom: true },
  { method: 'GET', path: '/v1/responses/:id/input_items', summary: 'Input items of a stored response (order, after, limit)', custom: true },
  { method: 'POST', path: '/v1/conversations', summary: 'Create a conversation (metadata, up to 20 items)', custom: true },
  { method: 'GET', path: '/v1/conversations/:id', summary: 'Retrieve a conversation', custom: true },
  { method: 'POST', path: '/v1/conversations/:id', summary: 'Update a conversation\'s metadata', custom: true },
  { method: 'DELETE', path: '/v1/conversations/:id', summary: 'Delete a conversation and its items', custom: true },
  { method: 'GET', path: '/v1/conversations/:id/items', summary: 'Items of a conversation (order, after, limit)', custom: true },
  { method: 'POST', path: '/v1/conversations/:id/items', summary: 'Add items to a conversation', custom: true },
  { method: 'GET', path: '/v1/conversations/:id/items/:item_id', summary: 'Retrieve a conversation item', custom: true },
  { method: 'DELETE', path: '/v1/conversations/:id/items/:item_id', summary: 'Delete a conversation item', custom: true },
];
