import { describe, expect, it } from 'vitest';
import { createLogger, errorFields } from '../../src/log/logger.ts';

describe('logger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, log: createLogger({ level: 'info', sink: (l) => lines.push(l) }) };
  };

  it('writes one JSON object per line and honours the level', () => {
    const { lines, log } = capture();
    log.debug('hidden');
    log.info('shown', { n: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'info', msg: 'shown', n: 1 });
  });

  it('redacts PII-named fields and PII-looking values, messages included', () => {
    const { lines, log } = capture();
    log.child({ requestId: 'r1' }).warn('contact ada@example.com failed', {
      email: 'x',
      firstName: 'Ada',
      authorization: 'Bearer y',
      detail: 'token eyJhbGciOi.eyJzdWIi.c2ln and key zpk_admin_abc123',
    });
    const text = lines.join('');
    for (const leaked of ['ada@example.com', 'Ada', 'Bearer y', 'eyJhbGciOi', 'zpk_admin_abc123']) {
      expect(text).not.toContain(leaked);
    }
    expect(JSON.parse(text)).toMatchObject({ requestId: 'r1', email: '[redacted]' });
  });

  it('drops the bound parameters that query errors quote, keeping the cause code', () => {
    const error = new Error(
      'Failed query: select * from api_keys where key_hash = ?\nparams: 9f86d081884c7d65',
      {
        cause: Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }),
      },
    );
    const fields = errorFields(error);
    expect(JSON.stringify(fields)).not.toContain('9f86d081884c7d65');
    expect(fields).toMatchObject({
      errorMessage: 'Failed query: select * from api_keys where key_hash = ?',
      errorCode: 'SQLITE_BUSY',
    });
  });

  it('keeps only the kind and a scrubbed message of an error', () => {
    const fields = errorFields(new TypeError('bad value bob@example.com'));
    expect(fields).toEqual({ error: 'TypeError', errorMessage: 'bad value [redacted]' });
  });
});
