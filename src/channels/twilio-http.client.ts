import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

/**
 * The Twilio SDK's own HTTP client with the host swapped: `TWILIO_API_BASE_URL` points the real SDK at a
 * Twilio-compatible server (tests, benchmarks, local mocks) while everything else (auth, form encoding,
 * error parsing into RestException) stays the SDK's.
 */
export class RedirectingTwilioClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, options: RequestClient.RequestClientOptions = {}) {
    super(options);
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: this.rewrite(opts.uri) });
  }

  /** `https://api.twilio.com/2010-04-01/…` → `<base>/2010-04-01/…`, keeping any path prefix of the base. */
  rewrite(uri: string): string {
    const original = new URL(uri);
    return new URL(`${original.pathname.replace(/^\//, '')}${original.search}`, this.base).toString();
  }
}
