import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../../reports/delivery/webhook.ts';

describe('webhook signatures', () => {
  const secret = 'a-shared-secret-of-length';
  const body = '{"event":"report.ready"}';
  const ts = 1_790_000_000;

  it('is HMAC-SHA256 over "<timestamp>.<body>", as receivers recompute it', () => {
    expect(signWebhook(secret, ts, body)).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`);
  });

  it('verifies a fresh signature and refuses another body, key, or an old timestamp', () => {
    const sig = signWebhook(secret, ts, body);
    const now = ts * 1000 + 10_000;
    expect(verifyWebhook(secret, { timestamp: String(ts), signature: sig }, body, 300, now)).toBe(true);
    expect(verifyWebhook(secret, { timestamp: String(ts), signature: sig }, body + ' ', 300, now)).toBe(false);
    expect(verifyWebhook('another-secret-entirely', { timestamp: String(ts), signature: sig }, body, 300, now)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: String(ts), signature: sig }, body, 300, now + 3_600_000)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: undefined, signature: sig }, body, 300, now)).toBe(false);
  });
});
