/**
 * ShipEngine / ShipStation API webhook signatures (RSA-SHA256), as ShipStation documents them: headers
 * `x-shipengine-rsa-sha256-key-id`, `x-shipengine-rsa-sha256-signature` (base64) and `x-shipengine-timestamp`; the
 * signed content is `<timestamp>.<raw body>`; the public key is the JWKS entry with that key id. The timestamp must be
 * within 5 minutes either way (ShipStation's own advice), so a captured request cannot be replayed later.
 */
import { createPublicKey, createVerify, type JsonWebKey, type KeyObject } from 'node:crypto';

export const SHIPENGINE_TIMESTAMP_TOLERANCE_MS = 5 * 60_000;
/** Keys are fetched again after this long, and at once for a key id not seen yet (key rotation). */
const KEY_CACHE_MS = 60 * 60_000;

export interface ShipEngineSignatureHeaders {
  keyId?: string;
  signature?: string;
  timestamp?: string;
}

export function hasShipEngineSignature(h: ShipEngineSignatureHeaders): boolean {
  return Boolean(h.keyId || h.signature || h.timestamp);
}

/** ISO 8601 (what ShipStation sends) or Unix seconds/milliseconds. */
export function shipEngineTimestampMs(value: string): number {
  const trimmed = value.trim();
  if (/^\d{1,13}$/.test(trimmed)) {
    const n = Number(trimmed);
    return n < 10_000_000_000 ? n * 1000 : n;
  }
  return /^\d{4}-\d{2}-\d{2}T/.test(trimmed) ? Date.parse(trimmed) : NaN;
}

export function verifyShipEngineRsa(
  rawBody: Buffer,
  h: ShipEngineSignatureHeaders,
  key: KeyObject,
  now: Date,
): { ok: true } | { ok: false; reason: string } {
  if (!h.signature || !h.timestamp) return { ok: false, reason: 'signature headers are incomplete' };
  const at = shipEngineTimestampMs(h.timestamp);
  if (!Number.isFinite(at)) return { ok: false, reason: 'x-shipengine-timestamp is not a time' };
  if (Math.abs(now.getTime() - at) > SHIPENGINE_TIMESTAMP_TOLERANCE_MS)
    return { ok: false, reason: 'x-shipengine-timestamp is outside the 5-minute tolerance' };
  const verifier = createVerify('RSA-SHA256');
  verifier.update(Buffer.concat([Buffer.from(`${h.timestamp.trim()}.`, 'utf8'), rawBody]));
  verifier.end();
  const signature = Buffer.from(h.signature.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  try {
    return verifier.verify(key, signature) ? { ok: true } : { ok: false, reason: 'signature does not match' };
  } catch {
    return { ok: false, reason: 'signature does not match' };
  }
}

/** The published keys, fetched on demand and cached; `fetchImpl` is the seam for tests. */
export class ShipEngineKeys {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The key, null when ShipEngine does not publish that id, 'unavailable' when the key set cannot be read. */
  async key(keyId: string): Promise<KeyObject | null | 'unavailable'> {
    const stale = Date.now() - this.fetchedAt > KEY_CACHE_MS;
    if (stale || !this.keys.has(keyId)) {
      try {
        await (this.inFlight ??= this.refresh().finally(() => (this.inFlight = null)));
      } catch {
        if (!this.keys.has(keyId)) return 'unavailable';
      }
    }
    return this.keys.get(keyId) ?? null;
  }

  private async refresh(): Promise<void> {
    const res = await this.fetchImpl(this.url, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
    const body = (await res.json()) as { keys?: unknown };
    const keys = new Map<string, KeyObject>();
    for (const jwk of Array.isArray(body.keys) ? body.keys : []) {
      if (!jwk || typeof jwk !== 'object' || typeof (jwk as { kid?: unknown }).kid !== 'string') continue;
      try {
        keys.set((jwk as { kid: string }).kid, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
      } catch {
        // A key of a kind we cannot use (not RSA) is skipped; the others still verify.
      }
    }
    this.keys = keys;
    this.fetchedAt = Date.now();
  }
}
