import type { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server in-process (smtp-server, no STARTTLS, no AUTH) that keeps every message it accepts,
 * readable with mailparser. It can refuse chosen recipients (451 greylisting, 550 unknown mailbox) and be
 * stopped so that connecting is refused, then started again on the same port.
 */
export interface CaughtMessage {
  from: string | null;
  to: string[];
  raw: Buffer;
}

export class SmtpCatcher {
  readonly messages: CaughtMessage[] = [];
  private readonly refusals = new Map<string, { code: number; message: string }>();
  private server: SMTPServer | undefined;
  private port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      // Stopping must really cut pooled client connections, not wait for them to leave.
      closeTimeout: 50,
      onRcptTo: (address, _session, callback) => {
        const refusal = this.refusals.get(address.address.toLowerCase());
        if (!refusal) return callback();
        const err = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
        return callback(err);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    server.on('error', () => undefined);
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Closes the listener and every connection: until `start()` again, connecting is refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** 451 (greylisting: try later) or 550 (no such mailbox) for this recipient. */
  refuse(
    address: string,
    code: 451 | 550,
    message = code === 550 ? '5.1.1 Mailbox does not exist' : '4.7.1 Greylisted, try again later',
  ): this {
    this.refusals.set(address.toLowerCase(), { code, message });
    return this;
  }

  accept(address: string): this {
    this.refusals.delete(address.toLowerCase());
    return this;
  }

  reset(): void {
    this.messages.length = 0;
    this.refusals.clear();
  }

  parse(message: CaughtMessage): Promise<ParsedMail> {
    return simpleParser(message.raw);
  }

  /** The last message sent to this address, parsed. */
  async lastTo(address: string): Promise<ParsedMail | undefined> {
    const found = [...this.messages]
      .reverse()
      .find((m) => m.to.includes(address.toLowerCase()) || m.to.includes(address));
    return found ? this.parse(found) : undefined;
  }
}
