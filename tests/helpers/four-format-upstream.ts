/**
 * One scripted upstream for the four wire formats, told apart by path: OpenAI Chat
 * (`…/chat/completions`), Anthropic Messages (`…/messages`), OpenAI Responses (`…/responses`)
 * and Gemini (`…:generateContent`, `…:streamGenerateContent`). `answer` makes each reply, so a
 * test decides what every format sends (mutated replies, empty ones…). `providers` is the YAML
 * of four gateway providers on it: `oai`, `claude`, `resp`, `gem`.
 */
export type WireFormat = 'openai' | 'anthropic' | 'responses' | 'gemini';

export interface FourFormatUpstream {
  /** `providers:` entries (indented two spaces) for the four formats. */
  providers: string;
  stop(): void;
}

export function startFourFormatUpstream(answer: (format: WireFormat, stream: boolean) => Response): FourFormatUpstream {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const body = (await req.json().catch(() => ({}))) as { stream?: unknown };
      if (path.endsWith('/chat/completions')) return answer('openai', body.stream === true);
      if (path.endsWith('/messages')) return answer('anthropic', body.stream === true);
      if (path.endsWith('/responses')) return answer('responses', body.stream === true);
      if (path.includes(':streamGenerateContent')) return answer('gemini', true);
      if (path.includes(':generateContent')) return answer('gemini', false);
      return new Response('not found', { status: 404 });
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    providers: [
      `  oai: { type: openai, base_url: "${base}/v1", keys: ["sk-oai-0000001"], allow_private_network: true }`,
      `  claude: { type: anthropic, base_url: "${base}", keys: ["sk-ant-0000001"], allow_private_network: true }`,
      `  resp: { type: openai-responses, base_url: "${base}/v1", keys: ["sk-resp-0000001"], allow_private_network: true }`,
      `  gem: { type: gemini, base_url: "${base}/v1beta", keys: ["AIza-gem-0000001"], allow_private_network: true }`,
    ].join('\n'),
    stop: () => void server.stop(true),
  };
}
