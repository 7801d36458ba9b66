import type { Settings } from '../../api/types.ts';

/** What the core settings form's inputs hold (numbers as typed). */
export interface SettingsFields {
  cors: string;
  requireKey: boolean;
  level: string;
  bodies: boolean;
  deadline: string;
  usageDays: string;
  bodiesDays: string;
}

/** The inputs' values for the settings the gateway answered. */
export function fieldsOf(s: Settings): SettingsFields {
  return {
    cors: s.server.cors_origins.join('\n'), requireKey: s.auth.require_key, level: s.logging.level, bodies: s.logging.bodies,
    deadline: String(s.request.deadline_ms), usageDays: String(s.logging.retention.usage_days), bodiesDays: String(s.logging.retention.bodies_days),
  };
}

/**
 * After a reload (the YAML edited by hand, another tab): every field the user left as it was
 * shown takes its new value; a field being edited keeps what the user typed.
 */
export function mergeUntouched(form: SettingsFields, shown: SettingsFields, next: SettingsFields): SettingsFields {
  const out = { ...form };
  for (const k of Object.keys(form) as Array<keyof SettingsFields>) if (form[k] === shown[k]) (out as Record<string, unknown>)[k] = next[k];
  return out;
}

/**
 * The `PATCH /api/settings` body: only the fields that differ from what the form was showing,
 * so a setting changed elsewhere in the meantime is not written back with its old value.
 */
export function settingsPatch(form: SettingsFields, shown: SettingsFields): Record<string, Record<string, unknown>> {
  const changed = (k: keyof SettingsFields) => form[k] !== shown[k];
  const body: Record<string, Record<string, unknown>> = {};
  if (changed('cors')) body.server = { cors_origins: form.cors.split(/\s+/).filter(Boolean) };
  if (changed('requireKey')) body.auth = { require_key: form.requireKey };
  const logging: Record<string, unknown> = {};
  if (changed('level')) logging.level = form.level;
  if (changed('bodies')) logging.bodies = form.bodies;
  const retention: Record<string, number> = {};
  if (changed('usageDays')) retention.usage_days = Number(form.usageDays);
  if (changed('bodiesDays')) retention.bodies_days = Number(form.bodiesDays);
  if (Object.keys(retention).length > 0) logging.retention = retention;
  if (Object.keys(logging).length > 0) body.logging = logging;
  if (changed('deadline')) body.request = { deadline_ms: Number(form.deadline) };
  return body;
}
