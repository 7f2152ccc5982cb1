/**
 * @module node/stdout-sink
 * Log lines leave in one stdout write per event-loop turn rather than one per line. When stdout is
 * a file or a pipe, Node writes to it synchronously: a system call on every request otherwise.
 * Lines still waiting are written when the process exits, crash included; a burst is written as
 * soon as it reaches 64 KiB.
 */
import type { LogSink } from '../log/logger.ts';

const FLUSH_AT_BYTES = 64 * 1024;

export function batchedStdoutSink(
  write: (text: string) => void = (text) => process.stdout.write(text),
): LogSink {
  let pending: string[] = [];
  let bytes = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    bytes = 0;
    write(text);
  };
  process.on('exit', flush);
  return (line) => {
    pending.push(line);
    bytes += line.length + 1;
    if (bytes >= FLUSH_AT_BYTES) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
