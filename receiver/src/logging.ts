/**
 * JSON-lines logging. Every record is one line: {"timestamp", "level", "msg", ...}.
 *
 * Secrets: callers never pass request headers; in addition every line is
 * checked against the current secrets (the bearer token) and any occurrence
 * is replaced by "[REDACTED]" before it is written.
 */
import type { Level } from './levels.js';

/** Anything with a write(string) method: process.stdout, a PassThrough, a test collector. */
export interface LogSink {
  write(chunk: string): unknown;
}

export type LogFields = Record<string, unknown>;

export const REDACTED = '[REDACTED]';

export class Logger {
  private readonly sink: LogSink;
  private secrets: string[] = [];

  constructor(sink: LogSink = process.stdout) {
    this.sink = sink;
  }

  /** Strings that must never appear in a log line (raw and JSON-escaped forms are both masked). */
  setSecrets(secrets: readonly string[]): void {
    const forms = new Set<string>();
    for (const s of secrets) {
      if (s.length === 0) continue;
      forms.add(s);
      forms.add(JSON.stringify(s).slice(1, -1));
    }
    // Longest first so that a secret containing another is masked whole.
    this.secrets = [...forms].sort((a, b) => b.length - a.length);
  }

  /** Writes one record; `msg` and `fields` follow timestamp and level. */
  log(level: Level, msg: string, fields: LogFields = {}): void {
    this.write({ timestamp: new Date().toISOString(), level, msg, ...fields });
  }

  info(msg: string, fields?: LogFields): void {
    this.log('INFO', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.log('WARNING', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.log('ERROR', msg, fields);
  }

  /** Writes a fully formed record (must already carry timestamp and level). */
  write(record: LogFields): void {
    let line = JSON.stringify(record);
    for (const secret of this.secrets) {
      if (line.includes(secret)) line = line.split(secret).join(REDACTED);
    }
    this.sink.write(line + '\n');
  }
}
