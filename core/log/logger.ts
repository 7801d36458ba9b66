/** Structured fields of a log line. Values are redacted against the registered secrets. */
export type LogFields = Record<string, unknown>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A logger: console lines for people, JSON lines in the data dir for machines. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry `fields` (e.g. `{ plugin: 'cache' }`). */
  child(fields: LogFields): Logger;
}
