import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACT_PATHS } from './logging';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream), lines };
}

describe('log redaction', () => {
  it('censors contact details and message text wherever they appear, and keeps ids', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        notificationId: 'n-1',
        email: 'ana@example.com',
        customer: { phone: '+34612345678', name: 'Ana García', address: '1 Main St' },
        message: { body: 'Your parcel is at the locker', to: '+34612345678' },
        req: { headers: { authorization: 'Bearer wsm_secret', cookie: 'a=b' } },
      },
      'sent',
    );
    const out = lines.join('');
    for (const secret of [
      'ana@example.com',
      '+34612345678',
      'Ana García',
      '1 Main St',
      'Your parcel',
      'wsm_secret',
      'a=b',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('"notificationId":"n-1"');
    expect(out).toContain('[redacted]');
  });
});
