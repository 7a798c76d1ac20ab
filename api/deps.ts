import type { Services } from '../runtime/services.ts';
import type { LoginLimitPolicy, LoginLimits } from './auth/login-limits.ts';
import type { Sessions } from './auth/sessions.ts';
import type { TokenConfig } from './auth/tokens.ts';
import type { RingCache } from './ring-cache.ts';

/** Everything the HTTP layer needs from the process, passed in so tests can build the app directly. */
export interface ApiDeps {
  services: Services;
  tokens: TokenConfig;
  /** whether a token's session still holds (logout, role change, disabling end it at once) */
  sessions: Sessions;
  /** uploads are streamed here, one folder per upload, then ingested by a worker */
  uploadDir: string;
  uploadMaxBytes: number;
  /** origins allowed by CORS; empty = same-origin only */
  corsOrigins: string[];
  /** failed logins allowed per client address and per account, shared through Redis (api/auth/login-limits.ts) */
  loginRateLimit: LoginLimitPolicy;
  loginLimits: LoginLimits;
  jsonLimit: string;
  /**
   * Parse every response through its zod schema before sending: fields the schema does not declare
   * are dropped (nothing undocumented — say a password hash — can leak), and a response that does not
   * match is a 500 and a log line instead of a silent drift from the OpenAPI document.
   */
  validateResponses: boolean;
  /** Redis operations (queue adds, job reads) give up after this long with 503 */
  redisTimeoutMs: number;
  /** ring list pages, details and drawings, cached per process (api/ring-cache.ts) */
  ringCache: RingCache;
}
