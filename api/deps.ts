import type { Services } from '../runtime/services.ts';
import type { TokenConfig } from './auth/tokens.ts';

/** Everything the HTTP layer needs from the process, passed in so tests can build the app directly. */
export interface ApiDeps {
  services: Services;
  tokens: TokenConfig;
  /** uploads are streamed here, one folder per upload, then ingested by a worker */
  uploadDir: string;
  uploadMaxBytes: number;
  /** origins allowed by CORS; empty = same-origin only */
  corsOrigins: string[];
  /** login attempts per IP per window */
  loginRateLimit: { limit: number; windowMs: number };
  jsonLimit: string;
  /** check every response against its zod schema (on outside production) */
  validateResponses: boolean;
  /** Redis operations (queue adds, job reads) give up after this long with 503 */
  redisTimeoutMs: number;
}
