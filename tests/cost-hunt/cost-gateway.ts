/** The gateway of the usage tests: one provider of each wire format on a scripted upstream. */
import { PRICE_YAML, type Upstream } from './wire-replies.ts';

/** The alias that routes to each upstream, and the provider named in the row. */
export const ROUTE: Record<Upstream, { alias: string; provider: string; model: string }> = {
  openai: { alias: 'to-openai', provider: 'oai', model: 'gpt-x' },
  anthropic: { alias: 'to-anthropic', provider: 'ant', model: 'claude-x' },
  gemini: { alias: 'to-gemini', provider: 'gem', model: 'gemini-x' },
  responses: { alias: 'to-responses', provider: 'rsp', model: 'resp-x' },
};

/** Providers of every wire format on one scripted upstream, priced at `PRICE`. */
export function gatewayYaml(origin: string, extra = ''): string {
  return `
providers:
  oai: { type: openai, base_url: "${origin}/v1", keys: [sk-oai-1234567], allow_private_network: true, pricing: { gpt-x: ${PRICE_YAML} } }
  ant: { type: anthropic, base_url: "${origin}", keys: [sk-ant-1234567], allow_private_network: true, pricing: { claude-x: ${PRICE_YAML} } }
  gem: { type: gemini, base_url: "${origin}", keys: [AIza-test-1234567], allow_private_network: true, pricing: { gemini-x: ${PRICE_YAML} } }
  rsp: { type: openai-responses, base_url: "${origin}/v1", keys: [sk-rsp-1234567], allow_private_network: true, pricing: { resp-x: ${PRICE_YAML} } }
aliases:
  to-openai: oai/gpt-x
  to-anthropic: ant/claude-x
  to-gemini: gem/gemini-x
  to-responses: rsp/resp-x
${extra}`;
}

