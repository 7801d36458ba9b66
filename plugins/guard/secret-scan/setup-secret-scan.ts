import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest, PluginContext } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import type { EmbedRequest } from '../../../core/types/operations.ts';
import type { SecretScanConfig } from './plugin.ts';
import { scanEmbedInputs, scanMessages } from './scan-texts.ts';
import { createSecretScanner, type Finding, type SecretScanner } from './secret-patterns.ts';

/** Response header telling the client how many secrets were redacted from its request. */
export const REDACTED_HEADER = 'x-switchyard-secrets-redacted';

/** What was found, and the request with it replaced (the same request when nothing was); undefined for other operations. */
function scanRequest(req: GatewayRequest, scanner: SecretScanner): { req: GatewayRequest; findings: Finding[] } | undefined {
  if (req.operation === 'chat') {
    const body = req.body as ChatRequest;
    const { messages, findings } = scanMessages(body.messages, scanner);
    return { req: findings.length ? { ...req, body: { ...body, messages } } : req, findings };
  }
  if (req.operation === 'embed') {
    const body = req.body as EmbedRequest;
    const { input, findings } = scanEmbedInputs(body.input, scanner);
    return { req: findings.length ? { ...req, body: { ...body, input } } : req, findings };
  }
  return undefined;
}

/** Setup of the secret-scan plugin: a `beforeRequest` hook, first in line, on chat and embeddings requests. */
export function setupSecretScan(ctx: PluginContext<SecretScanConfig>): void {
  const { action } = ctx.config;
  const scanner = createSecretScanner(ctx.config.kinds, ctx.config.custom);
  ctx.hook('beforeRequest', (req, call) => {
    const scanned = scanRequest(req, scanner);
    if (!scanned || scanned.findings.length === 0) return;
    const { findings } = scanned;
    const kinds = [...new Set(findings.map((f) => f.kind))];
    const where = [...new Set(findings.map((f) => f.where))];
    ctx.emit('secret-scan:found', { id: call.id, action, kinds, count: findings.length, where });
    const summary = `${findings.length} secret${findings.length === 1 ? '' : 's'} (${kinds.join(', ')}) in ${where.slice(0, 5).join(', ')}${where.length > 5 ? ', …' : ''}`;
    if (action === 'block') {
      ctx.log.warn(`${call.id} refused: ${summary}`);
      return {
        reject: new GatewayError('GW_BAD_REQUEST', `The request contains what looks like a secret: ${summary}. Remove it and send the request again; this gateway does not forward credentials to model providers.`, { status: 400, param: req.operation === 'embed' ? 'input' : 'messages' }),
      };
    }
    if (action === 'log') {
      ctx.log.warn(`${call.id} forwarded with ${summary}`);
      return;
    }
    ctx.log.info(`${call.id} redacted ${summary}`);
    call.responseHeaders.set(REDACTED_HEADER, String(findings.length));
    return scanned.req;
  }, { order: 'pre' });
}
