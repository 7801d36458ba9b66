import type { EventName } from '../../../core/bus/events.ts';
import { postJson } from '../../../core/http/post-json.ts';
import { redactPatterns } from '../../../core/log/redact.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { describeAlert, type Alert } from './describe-alert.ts';
import type { AlertsConfig } from './plugin.ts';

/** Deliveries tried per alert (1 s, then 2 s between them). */
const ATTEMPTS = 3;
/** Throttle entries kept at most (the oldest is dropped beyond it). */
const MAX_KEYS = 1000;
/** Alerts waiting for delivery at most (a receiver that is away must not grow memory). */
const MAX_QUEUED = 100;

/** The POST body of an alert in the configured format. */
export function alertBody(format: AlertsConfig['format'], type: string, alert: Alert, data: unknown, at: number, repeats: number): string {
  const text = repeats > 0 ? `${alert.text} (${repeats} more since the last alert)` : alert.text;
  if (format === 'slack') return JSON.stringify({ text: `Switchyard: ${text}` });
  if (format === 'discord') return JSON.stringify({ content: `Switchyard: ${text}` });
  return JSON.stringify({ event: type, at: new Date(at).toISOString(), text, repeats, data });
}

/** Setup of the alerts plugin: a listener per configured event, a throttle, and a delivery queue. */
export function setupAlerts(ctx: PluginContext<AlertsConfig>): void {
  const c = ctx.config;
  const last = new Map<string, { at: number; repeats: number }>();
  const queue: string[] = [];
  let sending = false;

  const deliver = async (): Promise<void> => {
    if (sending) return;
    sending = true;
    try {
      while (queue.length > 0 && !ctx.signal.aborted) {
        const body = queue.shift()!;
        for (let attempt = 1; attempt <= ATTEMPTS && !ctx.signal.aborted; attempt++) {
          const failure = await post(body);
          if (failure === undefined) break;
          if (attempt === ATTEMPTS) ctx.log.warn(`alert not delivered to ${new URL(c.url).host} (${failure})`);
          else await Bun.sleep(1000 * attempt);
        }
      }
    } finally {
      sending = false;
    }
  };

  const post = (body: string) => postJson(ctx.host.http, c.url, body, { headers: c.headers, allowPrivateNetwork: c.allow_private_network, signal: ctx.signal });

  // The host's redactor knows the configured keys; the patterns alone miss a provider key an upstream echoes.
  const redact = ctx.host.redact ?? redactPatterns;
  const onEvent = (type: string, e: Record<string, unknown>) => {
    const alert = describeAlert(type, e);
    if (!alert) return;
    const now = ctx.host.now();
    const seen = last.get(alert.key);
    if (seen && now - seen.at < c.min_interval_ms) {
      seen.repeats++;
      return;
    }
    if (!seen && last.size >= MAX_KEYS) last.delete(last.keys().next().value!);
    last.set(alert.key, { at: now, repeats: 0 });
    const safe = { ...alert, text: redact(alert.text) };
    const data = Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]));
    if (queue.length >= MAX_QUEUED) queue.shift();
    queue.push(alertBody(c.format, type, safe, data, now, seen?.repeats ?? 0));
    void deliver();
  };

  // A token count that found no upstream to count it is not a failure anyone should be paged for.
  for (const type of new Set(c.events)) {
    ctx.on(type as EventName, (e) => {
      if ((e as { operation?: string }).operation !== 'countTokens') onEvent(type, e as Record<string, unknown>);
    });
  }
}
