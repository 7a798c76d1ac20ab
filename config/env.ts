import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Repository root: everything project-owned (cached servers, instance data) lives under it. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const memorySize = z
  .string()
  .regex(/^\d+[kmgKMG]$/, 'must be a size such as 512m or 4g');

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const trustProxy = z
  .string()
  .trim()
  .default('')
  .transform((v, ctx): string | number | false => {
    if (v === '' || v === 'false') return false;
    if (/^\d+$/.test(v)) return Number(v) === 0 ? false : Number(v);
    const bad = v.split(',').map((s) => s.trim()).filter((a) => !PROXY_NAMES.has(a) && !isIP(a.replace(/\/\d{1,3}$/, '')));
    if (v === 'true' || bad.length) {
      ctx.addIssue({ code: 'custom', message: `name the proxy's addresses or subnets (comma-separated; loopback, linklocal, uniquelocal allowed) or a hop count, not ${bad.length ? bad.join(', ') : 'true'}: trusting every peer lets any client forge its address` });
      return z.NEVER;
    }
    return v;
  });

const EnvSchema = z.object({
  NEO4J_URI: optionalString.pipe(
    z.string().regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//, 'must start with bolt:// or neo4j://').optional(),
  ),
  NEO4J_USER: optionalString,
  NEO4J_PASSWORD: optionalString,
  NEO4J_HEAP: memorySize.default('4g'),
  NEO4J_PAGECACHE: memorySize.default('6g'),
  NEO4J_VERSION_RANGE: z.string().default('[5.26.0,5.27)'),
  REDIS_URL: optionalString.pipe(
    z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  ),
  RINGLENS_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  RINGLENS_HOST: z.string().default('127.0.0.1'),
  RINGLENS_CACHE_DIR: z.string().default(path.join(PROJECT_ROOT, '.cache')),
  /** printed on case export packages (cover, signature block) */
  RINGLENS_BUREAU_NAME: z.string().trim().min(1).default('市医疗保障局'),
  /** the bureau's Ed25519 export-signing key pair; default <cache>/keys, generated on first use */
  RINGLENS_EXPORT_KEY_DIR: optionalString,
  /** where export jobs write packages; default <cache>/exports */
  RINGLENS_EXPORT_DIR: optionalString,
  /**
   * where detection runs keep their projection snapshots (graph/projection/incremental.ts), one folder
   * per store; default <cache>/projection-snapshots; "off" makes every run a full projection
   */
  RINGLENS_PROJECTION_SNAPSHOTS: optionalString,
  /** the clinical and market knowledge detectors use; default config/detection-knowledge.yaml */
  RINGLENS_DETECTION_KNOWLEDGE: optionalString,
  // read by bin/v8-memory.js before anything loads; declared here so a bad value is named with the rest
  RINGLENS_V8_OPTIMIZE_FOR_SIZE: z.enum(['0', '1']).optional(),
  /** the verdict-label pick-list investigators choose from; default config/verdict-labels.yaml */
  RINGLENS_VERDICT_LABELS: optionalString,
  RINGLENS_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('ringlens'),
  /** HS256 secret for API tokens, at least 32 characters; the same on every API instance. */
  RINGLENS_JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /** comma-separated origins allowed to call the API from a browser (the workbench's origin when served elsewhere) */
  RINGLENS_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  RINGLENS_UPLOAD_DIR: optionalString,
  RINGLENS_UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(1_000_000).default(2048),
  /** SMTP relay for e-mailed reports, smtp://user:pass@host:port (smtps:// for TLS) */
  RINGLENS_SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
  RINGLENS_MAIL_FROM: z.string().default('RingLens <ringlens@localhost>'),
  /** where people open the workbench; report ring links point here */
  RINGLENS_PUBLIC_URL: z.string().regex(/^https?:\/\//, 'must be an http(s) URL').default('http://127.0.0.1:8080'),
  /**
   * Which peers may name the client in X-Forwarded-For (Express "trust proxy"): unset = nobody (the
   * socket's address counts); behind a reverse proxy, the proxy's address(es)/subnets, comma-separated
   * (`127.0.0.1`, `10.0.0.0/8`, `loopback`), or the number of proxy hops (`1`). Never "trust all".
   */
  RINGLENS_TRUST_PROXY: trustProxy,
  /** bearer token Prometheus must send to /metrics; unset: /metrics answers loopback clients only */
  RINGLENS_METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Ingest value limits a bureau may tighten or widen (docs/canonical-format.md, "Value contract"). */
  RINGLENS_INGEST_MAX_AMOUNT: z.coerce.number().positive().max(1e12).default(100_000_000),
  RINGLENS_INGEST_MAX_QUANTITY: z.coerce.number().positive().max(1e12).default(100_000),
  RINGLENS_INGEST_MAX_COUNT: z.coerce.number().int().positive().max(1e12).default(100_000),
  RINGLENS_INGEST_EARLIEST_BIRTH_DATE: z.iso.date().default('1900-01-01'),
  RINGLENS_INGEST_EARLIEST_SETTLEMENT_DATE: z.iso.date().default('1998-01-01'),
  /** Days after today a settlement, admission or discharge may still be dated (clock skew, late-evening batches). */
  RINGLENS_INGEST_FUTURE_DAYS: z.coerce.number().int().min(0).max(366).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads configuration from the environment; a bad value stops the process with the variable named. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration in environment variables:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.NEO4J_URI && !env.NEO4J_PASSWORD) {
    throw new ConfigError('NEO4J_URI is set but NEO4J_PASSWORD is not: an external Neo4j needs its credentials');
  }
  return env;
}
