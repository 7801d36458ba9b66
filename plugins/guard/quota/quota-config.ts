import * as v from 'valibot';
import { isValidTimeZone, parseDuration, type CalendarSpec } from '../../../core/util/time-windows.ts';

const Count = v.pipe(v.number(), v.integer(), v.minValue(1));
const TimeZone = v.pipe(v.string(), v.check(isValidTimeZone, 'unknown time zone (use an IANA name such as Europe/Berlin)'));
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const WindowSchema = v.pipe(
  v.string(),
  v.check((w) => w === 'daily' || w === 'weekly' || w === 'monthly' || (parseDuration(w) ?? 0) > 0,
    'window is daily, weekly, monthly or a duration such as 5h'),
);

const RuleSchema = v.pipe(
  v.object({
    provider: v.pipe(v.string(), v.minLength(1)),
    /** One account; without it the rule applies to each account of the provider separately. */
    account: v.optional(v.string()),
    /** `5h` (rolling: usage of the last 5 hours), `daily`, `weekly` or `monthly`. */
    window: WindowSchema,
    requests: v.optional(Count),
    input_tokens: v.optional(Count),
    output_tokens: v.optional(Count),
    /** Input + output tokens. */
    tokens: v.optional(Count),
    /** Calendar windows: the hour of the reset (0–23) in `time_zone`. */
    reset_hour: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(23)), 0),
    /** Weekly windows: the day of the reset. */
    reset_weekday: v.optional(v.picklist(WEEKDAYS), 'monday'),
    /** Monthly windows: the day of the reset (clamped to the month's last day). */
    reset_day: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(31)), 1),
    time_zone: v.optional(TimeZone),
  }),
  v.check((r) => [r.requests, r.input_tokens, r.output_tokens, r.tokens].some((x) => x !== undefined),
    'a quota rule needs at least one of requests, input_tokens, output_tokens, tokens'),
);

/** The `quota:` entry of `plugins:`. */
export const QuotaConfigSchema = v.object({
  rules: v.optional(v.array(RuleSchema), []),
  /** Default time zone of calendar windows. */
  time_zone: v.optional(TimeZone, 'UTC'),
});

export type QuotaConfig = v.InferOutput<typeof QuotaConfigSchema>;

/** The metrics a quota may limit. */
export interface QuotaAmounts {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
}

export type QuotaWindow = { kind: 'rolling'; ms: number } | { kind: 'calendar'; spec: CalendarSpec };

/** A rule ready to count against. */
export interface QuotaRule {
  provider: string;
  account?: string;
  window: QuotaWindow;
  limits: Partial<QuotaAmounts>;
  /** `rolling 5h`, `daily at 04:00 Europe/Berlin`, … */
  describe: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Turns validated config rules into counting rules. */
export function toQuotaRules(cfg: QuotaConfig): QuotaRule[] {
  return cfg.rules.map((r) => {
    const limits: Partial<QuotaAmounts> = {};
    if (r.requests !== undefined) limits.requests = r.requests;
    if (r.input_tokens !== undefined) limits.inputTokens = r.input_tokens;
    if (r.output_tokens !== undefined) limits.outputTokens = r.output_tokens;
    if (r.tokens !== undefined) limits.tokens = r.tokens;
    const base = { provider: r.provider, ...(r.account === undefined ? {} : { account: r.account }), limits };
    if (r.window !== 'daily' && r.window !== 'weekly' && r.window !== 'monthly') {
      return { ...base, window: { kind: 'rolling', ms: parseDuration(r.window)! }, describe: `rolling ${r.window}` };
    }
    const timeZone = r.time_zone ?? cfg.time_zone;
    const spec: CalendarSpec = {
      period: r.window, hour: r.reset_hour, timeZone,
      weekday: WEEKDAYS.indexOf(r.reset_weekday), day: r.reset_day,
    };
    const on = r.window === 'weekly' ? ` on ${r.reset_weekday}` : r.window === 'monthly' ? ` on day ${r.reset_day}` : '';
    return { ...base, window: { kind: 'calendar', spec }, describe: `${r.window}${on} at ${pad(r.reset_hour)}:00 ${timeZone}` };
  });
}
