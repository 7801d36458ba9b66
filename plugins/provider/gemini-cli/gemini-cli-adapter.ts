import { createDelegatingAdapter, oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';
import { toCodeAssistUrl, unwrapCodeAssistResponse, wrapCodeAssistRequest } from './code-assist-envelope.ts';
import { CODE_ASSIST_BASE_URL } from './code-assist-project.ts';

function geminiCliAttempt(host: HostServices, attempt: Attempt): Promise<Attempt> {
  const configured = typeof attempt.provider.options.project === 'string' ? attempt.provider.options.project : undefined;
  return oauthAttempt(oauthOf(host), attempt, {
    // The delegate builds `{base}/v1beta/models/{model}:{method}`; `rewriteUrl` maps it onto v1internal.
    provider: (p) => ({ ...p, baseUrl: (p.baseUrl || CODE_ASSIST_BASE_URL).replace(/\/v1\w*$/, '') }),
    authorize(h, grant) {
      h.delete('x-goog-api-key');
      h.set('authorization', `Bearer ${grant.token}`);
    },
    rewriteUrl: (url) => toCodeAssistUrl(url),
    rewriteBody: (body, grant) => wrapCodeAssistRequest(body, attempt.target.model, configured ?? grant.extra.project),
    adaptResponse: (res) => unwrapCodeAssistResponse(res),
  });
}

/**
 * The `gemini-cli` adapter: Gemini models through Google's Code Assist backend
 * (`cloudcode-pa.googleapis.com/v1internal:generateContent` / `:streamGenerateContent?alt=sse`)
 * with a Google OAuth token, as Gemini CLI uses it. It delegates to the `gemini` adapter of the
 * running snapshot: the request is wrapped as `{model, project, request}` and every answer
 * unwrapped from `{response}`. Native dialect `gemini`: Gemini clients pass through.
 */
export function createGeminiCliAdapter(host: HostServices): ProviderAdapter {
  return createDelegatingAdapter(host, {
    id: 'gemini-cli',
    nativeDialect: 'gemini',
    delegate: 'gemini',
    dress: (attempt) => geminiCliAttempt(host, attempt),
  });
}
