import { classifySmtpError } from './smtp-errors';

describe('classifySmtpError', () => {
  describe('transient', () => {
    it.each([
      [421, '421 4.7.0 Try again later, closing connection', 'MAIL FROM', 'SMTP_421_4.7.0'],
      [450, '450 4.2.1 Mailbox busy', 'RCPT TO', 'SMTP_450_4.2.1'],
      [451, '451 Temporary local problem', 'DATA', 'SMTP_451'],
      [452, '452 4.5.3 Too many recipients', 'RCPT TO', 'SMTP_452_4.5.3'],
      [454, '454 4.7.0 Temporary authentication failure', 'AUTH PLAIN', 'SMTP_454_4.7.0'],
      [503, '503 5.5.1 Bad sequence of commands', 'RCPT TO', 'SMTP_503_5.5.1'],
    ])('%d reply is transient', (responseCode, response, command, code) => {
      expect(classifySmtpError({ code: 'EENVELOPE', responseCode, response, command })).toEqual({
        kind: 'transient',
        code,
        suppressAddress: false,
      });
    });

    it.each(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNREFUSED', 'EDNS', 'ECONNRESET', 'ETLS'])(
      'connection error %s is transient',
      (code) => {
        expect(classifySmtpError({ code, command: 'CONN' })).toEqual({
          kind: 'transient',
          code,
          suppressAddress: false,
        });
      },
    );

    it('reports the system code Nodemailer kept in originalCode', () => {
      expect(classifySmtpError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' })).toEqual({
        kind: 'transient',
        code: 'ECONNREFUSED',
        suppressAddress: false,
      });
    });

    it('reads the reply code from the response text when responseCode is missing', () => {
      expect(classifySmtpError({ response: '421 Service not available' })).toEqual({
        kind: 'transient',
        code: 'SMTP_421',
        suppressAddress: false,
      });
    });

    it('an unrecognised error is transient', () => {
      expect(classifySmtpError({})).toEqual({ kind: 'transient', code: 'UNKNOWN', suppressAddress: false });
      expect(classifySmtpError({ code: 'ESTREAM' })).toEqual({
        kind: 'transient',
        code: 'ESTREAM',
        suppressAddress: false,
      });
    });
  });

  describe('permanent, address suppressed: the recipient is refused at RCPT TO', () => {
    it.each([
      [550, '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown', 'SMTP_550_5.1.1'],
      [551, '551 5.1.6 User not local', 'SMTP_551_5.1.6'],
      [553, '553 5.1.3 Mailbox name not allowed', 'SMTP_553_5.1.3'],
      [554, '554 5.1.2 Host not found', 'SMTP_554_5.1.2'],
      [550, '550 Requested action not taken: mailbox unavailable', 'SMTP_550'],
    ])('%d', (responseCode, response, code) => {
      expect(classifySmtpError({ code: 'EENVELOPE', responseCode, response, command: 'RCPT TO' })).toEqual({
        kind: 'permanent',
        code,
        suppressAddress: true,
      });
    });

    it('also for the per-recipient entries of info.rejectedErrors (no Nodemailer code)', () => {
      expect(
        classifySmtpError({ responseCode: 550, response: '550 5.1.1 User unknown', command: 'RCPT TO' }),
      ).toMatchObject({
        kind: 'permanent',
        suppressAddress: true,
      });
    });
  });

  describe('permanent, address kept', () => {
    it('5.7.x at RCPT TO is policy or reputation, about us, not the address', () => {
      expect(
        classifySmtpError({
          code: 'EENVELOPE',
          responseCode: 550,
          response: '550 5.7.1 Service unavailable; client host blocked using Spamhaus',
          command: 'RCPT TO',
        }),
      ).toEqual({ kind: 'permanent', code: 'SMTP_550_5.7.1', suppressAddress: false });
    });

    it('5.2.2 mailbox full and 552 at RCPT TO are about the mailbox state', () => {
      expect(
        classifySmtpError({ responseCode: 554, response: '554 5.2.2 Mailbox full', command: 'RCPT TO' }),
      ).toEqual({ kind: 'permanent', code: 'SMTP_554_5.2.2', suppressAddress: false });
      expect(
        classifySmtpError({ responseCode: 552, response: '552 5.2.2 Quota exceeded', command: 'RCPT TO' }),
      ).toEqual({ kind: 'permanent', code: 'SMTP_552_5.2.2', suppressAddress: false });
    });

    it('a 5xx at DATA rejects the content, not the address', () => {
      expect(
        classifySmtpError({
          code: 'EMESSAGE',
          responseCode: 554,
          response: '554 5.6.0 Message rejected: content',
          command: 'DATA',
        }),
      ).toEqual({ kind: 'permanent', code: 'SMTP_554_5.6.0', suppressAddress: false });
      expect(
        classifySmtpError({
          code: 'EMESSAGE',
          responseCode: 552,
          response: '552 Message size exceeds',
          command: 'DATA',
        }),
      ).toEqual({ kind: 'permanent', code: 'SMTP_552', suppressAddress: false });
    });

    it('envelope and message errors raised before talking to the server', () => {
      expect(classifySmtpError({ code: 'EENVELOPE', command: 'API' })).toEqual({
        kind: 'permanent',
        code: 'EENVELOPE',
        suppressAddress: false,
      });
      expect(classifySmtpError({ code: 'EMESSAGE', command: 'API' })).toEqual({
        kind: 'permanent',
        code: 'EMESSAGE',
        suppressAddress: false,
      });
    });
  });

  describe('configuration, never suppressed', () => {
    it('EAUTH with a 535 reply', () => {
      expect(
        classifySmtpError({
          code: 'EAUTH',
          responseCode: 535,
          response: '535 5.7.8 Error: authentication failed',
          command: 'AUTH PLAIN',
        }),
      ).toEqual({ kind: 'configuration', code: 'EAUTH', suppressAddress: false });
    });

    it('EAUTH without a reply (missing credentials) and ENOAUTH', () => {
      expect(classifySmtpError({ code: 'EAUTH', command: 'API' })).toEqual({
        kind: 'configuration',
        code: 'EAUTH',
        suppressAddress: false,
      });
      expect(classifySmtpError({ code: 'ENOAUTH' })).toMatchObject({
        kind: 'configuration',
        suppressAddress: false,
      });
    });

    it('a 5xx at MAIL FROM refuses our sender, not the recipient', () => {
      expect(
        classifySmtpError({
          code: 'EENVELOPE',
          responseCode: 553,
          response: '553 5.7.1 Sender address rejected: not owned by user',
          command: 'MAIL FROM',
        }),
      ).toEqual({ kind: 'configuration', code: 'SMTP_553_5.7.1', suppressAddress: false });
    });
  });
});
