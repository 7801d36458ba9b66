/**
 * What Antigravity adds to the Cloud Code Assist request envelope that Gemini CLI sends:
 * `{ model, project, request }` becomes `{ model, project, userAgent: "antigravity",
 * requestType: "agent", requestId: "agent-<uuid>", request: { …, sessionId } }` without
 * Gemini CLI's `user_prompt_id`; Gemini's `safetySettings` are dropped, as the public proxies do
 * (their `sessionId` format is not confirmed). Answers are the same `{ response }` wrapping.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/runtime/executor/antigravity_executor_request.go (geminiToAntigravity)
 */
export function toAntigravityEnvelope(envelope: Record<string, unknown>): Record<string, unknown> {
  const { user_prompt_id: _dropped, request, ...rest } = envelope;
  const inner = request && typeof request === 'object' && !Array.isArray(request) ? { ...(request as Record<string, unknown>) } : {};
  delete inner.safetySettings;
  return {
    ...rest,
    userAgent: 'antigravity',
    requestType: 'agent',
    requestId: `agent-${crypto.randomUUID()}`,
    request: { ...inner, sessionId: typeof inner.sessionId === 'string' ? inner.sessionId : `-${crypto.randomUUID()}` },
  };
}
