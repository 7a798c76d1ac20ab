import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook delivery: a JSON POST of the report summary (and the JSON report itself), signed so the
 * receiver can tell it came from us and was not replayed:
 *
 *   X-RingLens-Timestamp: <unix seconds>
 *   X-RingLens-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   X-RingLens-Delivery:  <delivery id>   — the same on every retry; receivers drop repeats by it
 *
 * (the Stripe/GitHub scheme: the timestamp inside the MAC stops replays of an old body).
 */

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and our tests): checks the signature and that the timestamp is recent. */
export function verifyWebhook(secret: string, headers: { timestamp?: string | undefined; signature?: string | undefined }, body: string, toleranceSeconds = 300, nowMs = Date.now()): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > toleranceSeconds || !headers.signature) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(
    message: string,
    /** 4xx other than 408/429: retrying the same request cannot help */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export async function postWebhook(url: string, secret: string, deliveryId: string, payload: unknown, timeoutMs = 15_000): Promise<string> {
  const body = JSON.stringify(payload);
  const ts = Math.floor(Date.now() / 1000);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'RingLens-Webhook/1',
        'x-ringlens-timestamp': String(ts),
        'x-ringlens-signature': signWebhook(secret, ts, body),
        'x-ringlens-delivery': deliveryId,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    throw new WebhookError(`POST ${url}: ${(e as Error).message}`, false);
  }
  const text = (await res.text().catch(() => '')).slice(0, 200);
  if (!res.ok) throw new WebhookError(`POST ${url}: HTTP ${res.status} ${text}`, res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429);
  return `HTTP ${res.status}`;
}
