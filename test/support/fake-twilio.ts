import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * A local server speaking Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form
 * encoded), for the real Twilio SDK pointed at it with TWILIO_API_BASE_URL. Records every request and
 * answers from a queue of scripted answers, then with success.
 */
export type FakeTwilioAnswer =
  | { kind: 'success'; status?: string }
  /** A Twilio API error: HTTP `status` (default 400) with `{ code, message, more_info, status }`. */
  | { kind: 'error'; code: number; status?: number; message?: string }
  /** A bare HTTP status with a non-Twilio body (a proxy's 500, a 429 without a code). */
  | { kind: 'http'; status: number; body?: string }
  /** Drop the connection without answering. */
  | { kind: 'hang-up' };

export interface FakeTwilioRequest {
  method: string;
  path: string;
  accountSid: string | null;
  /** The user of the Basic authorization header (the account SID the SDK authenticates with). */
  authUser: string | null;
  form: Record<string, string>;
  /** The SID this request was answered with, when it succeeded. */
  sid: string | null;
}

export const twilioSuccess = (): FakeTwilioAnswer => ({ kind: 'success' });
export const twilioError = (
  code: number,
  status = 400,
  message = `Twilio error ${code}`,
): FakeTwilioAnswer => ({
  kind: 'error',
  code,
  status,
  message,
});

export class FakeTwilio {
  readonly requests: FakeTwilioRequest[] = [];
  private readonly answers: FakeTwilioAnswer[] = [];
  private readonly answersTo = new Map<string, FakeTwilioAnswer[]>();
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** The next requests get these answers, in order; after them, success again. */
  answer(...answers: FakeTwilioAnswer[]): this {
    this.answers.push(...answers);
    return this;
  }

  /**
   * The next requests to this number get these answers, in order; after them, success again. Other numbers are
   * not affected: messages a store-wide check sends to other spec files' customers through this fake (they share
   * the run database) cannot use them up.
   */
  answerTo(to: string, ...answers: FakeTwilioAnswer[]): this {
    this.answersTo.set(to, [...(this.answersTo.get(to) ?? []), ...answers]);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.answers.length = 0;
    this.answersTo.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    const authorization = req.headers.authorization ?? '';
    const authUser = authorization.startsWith('Basic ')
      ? Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':')[0]
      : null;
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const record: FakeTwilioRequest = {
      method: req.method ?? '',
      path: url.pathname,
      accountSid: match?.[1] ?? null,
      authUser,
      form,
      sid: null,
    };
    this.requests.push(record);

    if (req.method !== 'POST' || !match) {
      return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    }
    const answer = this.answersTo.get(form.To)?.shift() ?? this.answers.shift() ?? twilioSuccess();
    switch (answer.kind) {
      case 'success': {
        record.sid = `SM${randomBytes(16).toString('hex')}`;
        const now = new Date().toUTCString();
        return json(res, 201, {
          sid: record.sid,
          account_sid: match[1],
          to: form.To,
          from: form.From ?? null,
          messaging_service_sid: form.MessagingServiceSid ?? null,
          body: form.Body,
          status: answer.status ?? 'queued',
          num_segments: '1',
          direction: 'outbound-api',
          api_version: '2010-04-01',
          date_created: now,
          date_updated: now,
          date_sent: null,
          error_code: null,
          error_message: null,
          price: null,
          uri: `/2010-04-01/Accounts/${match[1]}/Messages/${record.sid}.json`,
        });
      }
      case 'error': {
        const status = answer.status ?? 400;
        return json(res, status, {
          code: answer.code,
          message: answer.message ?? `Twilio error ${answer.code}`,
          more_info: `https://www.twilio.com/docs/errors/${answer.code}`,
          status,
        });
      }
      case 'http':
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end(answer.body ?? `HTTP ${answer.status}`);
        return;
      case 'hang-up':
        req.socket.destroy();
        return;
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
