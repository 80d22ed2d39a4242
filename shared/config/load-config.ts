/**
 * The one place that reads the environment (CONVENTIONS "The environment is read in one
 * place"). Every setting is validated with zod; a bad value fails fast with a message naming
 * the variable. The defaults give the embedded local stack: PGlite, local folders, the
 * in-process bus, data under `./.abtest`.
 */
import path from 'node:path';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  ABTEST_DATA_DIR: z.string().min(1).default('.abtest'),
  DATABASE_URL: z.string().url().optional(),
  CLOUD_SQL_INSTANCE: z.string().min(1).optional(),
  DB_USER: z.string().min(1).optional(),
  DB_PASSWORD: z.string().optional(),
  DB_NAME: z.string().min(1).optional(),
  CLOUD_SQL_IP_TYPE: z.enum(['PUBLIC', 'PRIVATE', 'PSC']).default('PUBLIC'),
  CLOUD_SQL_POOL_MAX: positiveInt.default(4),
  ABTEST_STORAGE: z.enum(['local', 'gcs']).default('local'),
  ABTEST_BUCKET_RAW: z.string().min(1).default('raw'),
  ABTEST_BUCKET_CURATED: z.string().min(1).default('curated'),
  ABTEST_BUCKET_ARTIFACTS: z.string().min(1).default('artifacts'),
  ABTEST_BUS: z.enum(['inprocess', 'pubsub']).default('inprocess'),
  GOOGLE_CLOUD_PROJECT: z.string().min(1).default('abtest-local'),
  ABTEST_REJECT_THRESHOLD: z.coerce.number().min(0).max(1).default(0.05),
  ABTEST_MAX_UPLOAD_BYTES: positiveInt.default(1024 * 1024 * 1024),
  ABTEST_API_TOKEN: z.string().min(16).optional(),
  ABTEST_API_READ_TOKEN: z.string().min(16).optional(),
  ABTEST_API_TOKENS: z
    .string()
    .default('')
    .transform((value, ctx) => namedTokens(value, ctx)),
  ABTEST_RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).default(600),
  ABTEST_RATE_LIMIT_PERIOD_SECONDS: z.coerce.number().positive().max(86_400).default(60),
  ABTEST_AUTH: z.enum(['token', 'iam']).default('token'),
  ABTEST_WEBHOOK_URLS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url !== ''),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),
  ABTEST_WEBHOOK_SECRET: z.string().min(16).optional(),
  ABTEST_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(10),
  RESULTS_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(30),
  ABTEST_BUS_REDELIVER: positiveInt.default(1),
  LOG_LEVEL: z.enum(['debug', 'info', 'warning', 'error']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
});

/** `name:token` pairs: a name is 1-64 letters, digits, `.`, `_` or `-`; a token 16+ visible characters. */
const namedTokenPattern = /^([A-Za-z0-9._-]{1,64}):([\x21-\x7e]{16,})$/;

/** Names of the single-token variables' tokens, in the audit log and rate limiting. */
export const singleTokenNames = { full: 'api', readOnly: 'read' } as const;

function namedTokens(value: string, ctx: z.RefinementCtx): readonly NamedToken[] {
  const tokens: NamedToken[] = [];
  const pairs = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const [index, pair] of pairs.entries()) {
    const match = namedTokenPattern.exec(pair);
    const name = match?.[1];
    const token = match?.[2];
    if (name === undefined || token === undefined) {
      ctx.addIssue({
        code: 'custom',
        // Never echo the entry: it may be a token given without its name.
        message: `entry ${index + 1} is not name:token (comma-separated pairs; a name of 1-64 letters, digits, ".", "_" or "-"; a token of 16 or more visible characters)`,
      });
      return z.NEVER;
    }
    if (
      tokens.some((t) => t.name === name) ||
      Object.values(singleTokenNames).includes(name as 'api')
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `the token name "${name}" is used twice (api and read name ABTEST_API_TOKEN and ABTEST_API_READ_TOKEN)`,
      });
      return z.NEVER;
    }
    if (tokens.some((t) => t.token === token)) {
      ctx.addIssue({ code: 'custom', message: `the token of "${name}" is given twice` });
      return z.NEVER;
    }
    tokens.push({ name, token });
  }
  return tokens;
}

/** Every environment variable {@link loadConfig} reads, in schema order. */
export const configVariables: readonly string[] = Object.keys(envSchema.shape);

/** Where each bucket lives; locally `gs://bucket/key` maps to `<data-dir>/buckets/bucket/key`. */
export interface BucketNames {
  readonly raw: string;
  readonly curated: string;
  readonly artifacts: string;
}

/** Every setting of abtest, validated. */
export interface Config {
  readonly dataDir: string;
  readonly database:
    | { readonly kind: 'pglite'; readonly dir: string }
    | { readonly kind: 'postgres'; readonly url: string }
    | {
        readonly kind: 'cloudsql';
        /** The instance connection name, `project:region:instance`. */
        readonly instance: string;
        readonly user: string;
        readonly password: string;
        readonly database: string;
        /** Which address of the instance the connector dials. */
        readonly ipType: 'PUBLIC' | 'PRIVATE' | 'PSC';
        /** The most connections one process opens (a share of the instance's `max_connections`). */
        readonly poolMax: number;
      };
  readonly storage: 'local' | 'gcs';
  readonly buckets: BucketNames;
  readonly bus: 'inprocess' | 'pubsub';
  readonly projectId: string;
  readonly rejectThreshold: number;
  readonly maxUploadBytes: number;
  /** The bearer token of the results API (read and write). */
  readonly apiToken: string | undefined;
  /** A bearer token that may only read (dashboards); writes with it answer 403. */
  readonly apiReadToken: string | undefined;
  /** Named tokens that may read and write (`ABTEST_API_TOKENS`); the audit log names them. */
  readonly apiTokens: readonly NamedToken[];
  /** Requests per token per period (a token bucket, per instance); 0 switches it off. */
  readonly rateLimitRequests: number;
  readonly rateLimitPeriodSeconds: number;
  /** `token`: bearer tokens are checked; `iam`: Cloud Run IAM guards the function instead. */
  readonly auth: 'token' | 'iam';
  /** Webhooks for every experiment and event, from `ABTEST_WEBHOOK_URLS`. */
  readonly webhookUrls: readonly string[];
  /** The secret signing the deliveries to {@link Config.webhookUrls}. */
  readonly webhookSecret: string | undefined;
  /** How long one webhook delivery attempt may take. */
  readonly webhookTimeoutSeconds: number;
  readonly resultsCacheTtlSeconds: number;
  readonly busRedeliver: number;
  readonly logLevel: 'debug' | 'info' | 'warning' | 'error';
  readonly port: number;
}

/** A token of `ABTEST_API_TOKENS` and its name. */
export interface NamedToken {
  readonly name: string;
  readonly token: string;
}

/** Thrown when a setting is missing or malformed; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates the configuration.
 * @param env - the environment to read (defaults to `process.env`)
 * @param overrides - values from the command line (`--data-dir`) that win over the environment
 * @returns the validated configuration
 * @throws {ConfigError} naming the first bad variable
 * @example const config = loadConfig({ ABTEST_DATA_DIR: '/tmp/abtest' })
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: { readonly dataDir?: string } = {},
): Config {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value === '' ? undefined : value]),
  );
  const parsed = envSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`invalid ${variable}: ${issue?.message ?? 'bad value'}`);
  }
  const e = parsed.data;
  if (e.ABTEST_WEBHOOK_URLS.length > 0 && e.ABTEST_WEBHOOK_SECRET === undefined) {
    throw new ConfigError(
      'invalid ABTEST_WEBHOOK_SECRET: required when ABTEST_WEBHOOK_URLS is set',
    );
  }
  const dataDir = path.resolve(overrides.dataDir ?? e.ABTEST_DATA_DIR);
  return {
    dataDir,
    database: databaseSettings(e, dataDir),
    storage: e.ABTEST_STORAGE,
    buckets: {
      raw: e.ABTEST_BUCKET_RAW,
      curated: e.ABTEST_BUCKET_CURATED,
      artifacts: e.ABTEST_BUCKET_ARTIFACTS,
    },
    bus: e.ABTEST_BUS,
    projectId: e.GOOGLE_CLOUD_PROJECT,
    rejectThreshold: e.ABTEST_REJECT_THRESHOLD,
    maxUploadBytes: e.ABTEST_MAX_UPLOAD_BYTES,
    apiToken: e.ABTEST_API_TOKEN,
    apiReadToken: e.ABTEST_API_READ_TOKEN,
    apiTokens: e.ABTEST_API_TOKENS,
    rateLimitRequests: e.ABTEST_RATE_LIMIT_REQUESTS,
    rateLimitPeriodSeconds: e.ABTEST_RATE_LIMIT_PERIOD_SECONDS,
    auth: e.ABTEST_AUTH,
    webhookUrls: e.ABTEST_WEBHOOK_URLS,
    webhookSecret: e.ABTEST_WEBHOOK_SECRET,
    webhookTimeoutSeconds: e.ABTEST_WEBHOOK_TIMEOUT_SECONDS,
    resultsCacheTtlSeconds: e.RESULTS_CACHE_TTL_SECONDS,
    busRedeliver: e.ABTEST_BUS_REDELIVER,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
  };
}

function databaseSettings(e: z.infer<typeof envSchema>, dataDir: string): Config['database'] {
  if (e.CLOUD_SQL_INSTANCE !== undefined) {
    for (const name of ['DB_USER', 'DB_NAME'] as const) {
      if (e[name] === undefined) {
        throw new ConfigError(`invalid ${name}: required when CLOUD_SQL_INSTANCE is set`);
      }
    }
    return {
      kind: 'cloudsql',
      instance: e.CLOUD_SQL_INSTANCE,
      user: e.DB_USER ?? '',
      password: e.DB_PASSWORD ?? '',
      database: e.DB_NAME ?? '',
      ipType: e.CLOUD_SQL_IP_TYPE,
      poolMax: e.CLOUD_SQL_POOL_MAX,
    };
  }
  if (e.DATABASE_URL !== undefined) return { kind: 'postgres', url: e.DATABASE_URL };
  return { kind: 'pglite', dir: path.join(dataDir, 'pg') };
}
