/** The Node entry's log sink: one write per event-loop turn, bursts bounded, nothing lost at exit. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { batchedStdoutSink } from '../../src/node/stdout-sink.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('batchedStdoutSink', () => {
  it('writes the lines of one turn together, in order, once the turn ends', async () => {
    const writes: string[] = [];
    const sink = batchedStdoutSink((text) => writes.push(text));
    sink('{"n":1}');
    sink('{"n":2}');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n']);
    sink('{"n":3}');
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n', '{"n":3}\n']);
  });

  it('writes a burst as soon as it reaches 64 KiB instead of holding it', () => {
    const writes: string[] = [];
    const sink = batchedStdoutSink((text) => writes.push(text));
    const line = 'x'.repeat(1023);
    for (let i = 0; i < 64; i++) sink(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.split('\n').filter(Boolean)).toHaveLength(64);
  });

  it('writes what is still waiting when the process exits', () => {
    const module = fileURLToPath(new URL('../../src/node/stdout-sink.ts', import.meta.url));
    const script = `import { batchedStdoutSink } from ${JSON.stringify(module)};
      const sink = batchedStdoutSink();
      sink('first'); sink('last'); process.exit(0);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('first\nlast\n');
  });
});
