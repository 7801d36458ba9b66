import type { PluginContext } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { applySystemPrompt } from './apply-system-prompt.ts';
import { compileModelGlobs } from '../../../core/util/model-glob.ts';
import type { SystemPromptConfig } from './plugin.ts';

/** Setup of the system-prompt plugin: the `beforeRequest` hook that applies the matching rules. */
export function setupSystemPrompt(ctx: PluginContext<SystemPromptConfig>): void {
  const rules = ctx.config.rules.map((r) => ({ ...r, matches: compileModelGlobs(Array.isArray(r.match) ? r.match : [r.match]) }));
  ctx.hook('beforeRequest', (req) => {
    if (req.operation !== 'chat') return;
    const body = req.body as ChatRequest;
    let messages = body.messages;
    for (const r of rules) if (r.matches(req.model)) messages = applySystemPrompt(messages, r.mode, r.text);
    if (messages === body.messages) return;
    return { ...req, body: { ...body, messages } };
  });
}
