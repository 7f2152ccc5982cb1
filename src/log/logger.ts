/**
 * @module log/logger
 * Structured JSON logs, one object per line. Invariant 1 applies to logs too: fields whose
 * names suggest PII or credentials are dropped, and values that look like an email address,
 * a JWT or an API key are redacted wherever they appear, messages included.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Record<string, LogValue>;
export type LogSink = (line: string) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SENSITIVE_KEY =
  /authorization|cookie|token|secret|password|pepper|e-?mail|phone|name|address|birth|^sub$|key$/i;
// Each pattern runs only when its marker is in the text: most log strings (routes, ids, statuses)
// have none, and the email pattern is slow to fail on long text.
const SENSITIVE_VALUE: readonly (readonly [marker: string, pattern: RegExp])[] = [
  ['@', /[^\s@"'<>]+@[^\s@"'<>]+\.[^\s@"'<>]+/g], // email addresses
  ['eyJ', /eyJ[\w-]*\.[\w-]*\.[\w-]*/g], // compact JWS/JWT
  ['zpk_', /zpk_[a-z:]+_[\w]+/g], // zeropass API keys
];

export function scrubText(text: string): string {
  let out = text;
  for (const [marker, pattern] of SENSITIVE_VALUE) {
    if (out.includes(marker)) out = out.replace(pattern, '[redacted]');
  }
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

function scrubFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (SENSITIVE_KEY.test(key)) {
      out[key] = '[redacted]';
    } else {
      out[key] = typeof value === 'string' ? scrubText(value) : value;
    }
  }
  return out;
}

// biome-ignore lint/suspicious/noConsole: the default sink is the console, where both runtimes collect logs.
const consoleSink: LogSink = (line) => console.log(line);

export function createLogger(options: { level?: LogLevel; sink?: LogSink; base?: LogFields } = {}): Logger {
  return scrubbedLogger(
    rank[options.level ?? 'info'],
    options.sink ?? consoleSink,
    scrubFields(options.base ?? {}),
  );
}

// A child logger per request is on every hot path: its base is scrubbed once, when it is made.
function scrubbedLogger(threshold: number, sink: LogSink, base: LogFields): Logger {
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (rank[level] < threshold) return;
    const line = {
      time: new Date().toISOString(),
      level,
      msg: scrubText(msg),
      ...base,
      ...scrubFields(fields ?? {}),
    };
    sink(JSON.stringify(line));
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => scrubbedLogger(threshold, sink, { ...base, ...scrubFields(fields) }),
  };
}

/**
 * What may be logged of an unexpected error: its kind, a scrubbed message and its cause's code, no
 * stack. Query errors quote their bound parameters ("Failed query: … params: …"); those go too,
 * since a parameter may be anything a request carried.
 */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: typeof error };
  const message = error.message.split(/\n?params:/)[0] ?? '';
  const cause = error.cause as { code?: unknown } | undefined;
  return {
    error: error.name,
    errorMessage: scrubText(message),
    ...(typeof cause?.code === 'string' ? { errorCode: cause.code } : {}),
  };
}
