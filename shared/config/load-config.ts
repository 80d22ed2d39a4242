/**
 * The one place that reads the environment (CONVENTIONS "The environment is read in one
 * place"). Every setting is validated with zod; a bad value fails fast with a message naming
 * the variable. The defaults give the embedded local stack: PGlite, local folders, the
 * in-process bus, data under `./.abtest`.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { redactUrl, webhookUrlProblem } from '../net/webhook-target.ts';

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  ABTEST_DATA_DIR: z.string().min(1).default('.abtest'),
  ABTEST_CACHE_DIR: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().min(1).optional(),
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
  ABTEST_UPLOAD_URL_TTL_SECONDS: positiveInt.max(604_800).default(900),
  ABTEST_DIRECT_UPLOAD_MAX_BYTES: positiveInt.default(10 * 1024 * 1024 * 1024),
  ABTEST_TRACING: z.enum(['off', 'otlp', 'cloud-trace']).default('off'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
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
  ABTEST_WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  ABTEST_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(10),
  RESULTS_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(30),
  ABTEST_BUS_REDELIVER: positiveInt.default(1),
  ABTEST_HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(20),
  ABTEST_HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(86_400).default(600),
  ABTEST_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(5),
  ABTEST_HTTP_MAX_CONNECTIONS: positiveInt.max(1_000_000).default(512),
  ABTEST_TICK_SECONDS: z.coerce.number().positive().max(86_400).default(60),
  ABTEST_NO_DATA_HOURS: z.coerce.number().positive().max(8760).default(24),
  ABTEST_ENGINE: z.enum(['inprocess', 'duckdb', 'bigquery', 'auto']).default('inprocess'),
  ABTEST_BIGQUERY_THRESHOLD_BYTES: positiveInt.default(10 * 1024 ** 3),
  ABTEST_BIGQUERY_TABLE: z.string().min(1).optional(),
  ABTEST_BIGQUERY_LOCATION: z.string().min(1).default('US'),
  ABTEST_BIGQUERY_MAX_BYTES_BILLED: positiveInt.default(100 * 1024 ** 3),
  ABTEST_BIGQUERY_TIMEOUT_SECONDS: positiveInt.max(21_600).default(600),
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

/**
 * The user's own cache folder for abtest (the PGlite template lives there): `ABTEST_CACHE_DIR`,
 * else `$XDG_CACHE_HOME/abtest`, else `~/.cache/abtest`. Read apart from {@link loadConfig}
 * because a database opened without a configuration (tests, tools) needs it too.
 * @param env - the environment (defaults to `process.env`)
 * @returns an absolute path
 * @example userCacheDir({ XDG_CACHE_HOME: '/home/me/.cache' }) // '/home/me/.cache/abtest'
 */
export function userCacheDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const explicit = env.ABTEST_CACHE_DIR;
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME;
  // XDG: a relative value is invalid and ignored.
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'abtest');
}

/** Where each bucket lives; locally `gs://bucket/key` maps to `<data-dir>/buckets/bucket/key`. */
export interface BucketNames {
  readonly raw: string;
  readonly curated: string;
  readonly artifacts: string;
}

/** Every setting of abtest, validated. */
export interface Config {
  readonly dataDir: string;
  /** The user's cache folder (the PGlite template): {@link userCacheDir}. */
  readonly cacheDir: string;
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
  /** How long a `POST /v1/uploads` URL stays valid. */
  readonly uploadUrlTtlSeconds: number;
  /** The most bytes a one-time upload URL of `abtest serve` takes. */
  readonly directUploadMaxBytes: number;
  /** Where traces go: nowhere (the default), an OTLP/HTTP collector, or Cloud Trace. */
  readonly tracing: {
    readonly exporter: 'off' | 'otlp' | 'cloud-trace';
    /** The OTLP/HTTP traces endpoint (default `http://localhost:4318/v1/traces`). */
    readonly otlpEndpoint: string | undefined;
  };
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
  /** Webhooks may go to loopback and private addresses (tests, a local stack). */
  readonly webhookAllowPrivate: boolean;
  readonly resultsCacheTtlSeconds: number;
  readonly busRedeliver: number;
  readonly logLevel: 'debug' | 'info' | 'warning' | 'error';
  readonly port: number;
  /** The limits of `abtest serve`'s HTTP server (docs/security.md "Limits"). */
  readonly http: HttpLimits;
  /** The live layer (issue 14). */
  readonly live: LiveSettings;
  /** Where analyses run (issue 16). */
  readonly engine: EngineSettings;
}

/** Where the analysis of an experiment runs, and the BigQuery settings of the warehouse engine. */
export interface EngineSettings {
  /** `inprocess` (default), `duckdb`, `bigquery`, or `auto` (bigquery past the threshold). */
  readonly engine: 'inprocess' | 'duckdb' | 'bigquery' | 'auto';
  /** With `auto`, experiments whose curated bytes pass this run on BigQuery. */
  readonly bigqueryThresholdBytes: number;
  /** The BigLake table over the curated events, `project.dataset.table`. */
  readonly bigqueryTable: string | undefined;
  readonly bigqueryLocation: string;
  /** A query that would bill more bytes fails before it costs anything. */
  readonly bigqueryMaxBytesBilled: number;
  readonly bigqueryTimeoutMs: number;
}

/** The live layer's settings. */
export interface LiveSettings {
  /** Seconds between the monitor's ticks under `abtest serve` (`ABTEST_TICK_SECONDS`). */
  readonly tickSeconds: number;
  /** A running experiment without an event this long raises `no_data` (`ABTEST_NO_DATA_HOURS`). */
  readonly noDataHours: number;
}

/** How long a client may take, and how many may be connected at once. */
export interface HttpLimits {
  /** The request line and headers must arrive within this (else 408 and the socket closes). */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this; also the most a socket may stay silent. */
  readonly requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections past this many are closed at once. */
  readonly maxConnections: number;
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
  e.ABTEST_WEBHOOK_URLS.forEach((url, index) => {
    const problem = webhookUrlProblem(url, { allowPrivate: e.ABTEST_WEBHOOK_ALLOW_PRIVATE });
    if (problem !== undefined) {
      // The URL is shown redacted: its path or query may be a secret.
      throw new ConfigError(
        `invalid ABTEST_WEBHOOK_URLS: URL ${index + 1} (${redactUrl(url).url}): ${problem}`,
      );
    }
  });
  if (e.ABTEST_HTTP_HEADERS_TIMEOUT_SECONDS > e.ABTEST_HTTP_REQUEST_TIMEOUT_SECONDS) {
    throw new ConfigError(
      'invalid ABTEST_HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed ABTEST_HTTP_REQUEST_TIMEOUT_SECONDS',
    );
  }
  if (
    (e.ABTEST_ENGINE === 'bigquery' || e.ABTEST_ENGINE === 'auto') &&
    e.ABTEST_BIGQUERY_TABLE === undefined
  ) {
    throw new ConfigError(
      `invalid ABTEST_BIGQUERY_TABLE: required when ABTEST_ENGINE is ${e.ABTEST_ENGINE}`,
    );
  }
  const dataDir = path.resolve(overrides.dataDir ?? e.ABTEST_DATA_DIR);
  return {
    dataDir,
    cacheDir: userCacheDir(blankToUndefined),
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
    uploadUrlTtlSeconds: e.ABTEST_UPLOAD_URL_TTL_SECONDS,
    directUploadMaxBytes: e.ABTEST_DIRECT_UPLOAD_MAX_BYTES,
    tracing: { exporter: e.ABTEST_TRACING, otlpEndpoint: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT },
    apiToken: e.ABTEST_API_TOKEN,
    apiReadToken: e.ABTEST_API_READ_TOKEN,
    apiTokens: e.ABTEST_API_TOKENS,
    rateLimitRequests: e.ABTEST_RATE_LIMIT_REQUESTS,
    rateLimitPeriodSeconds: e.ABTEST_RATE_LIMIT_PERIOD_SECONDS,
    auth: e.ABTEST_AUTH,
    webhookUrls: e.ABTEST_WEBHOOK_URLS,
    webhookSecret: e.ABTEST_WEBHOOK_SECRET,
    webhookTimeoutSeconds: e.ABTEST_WEBHOOK_TIMEOUT_SECONDS,
    webhookAllowPrivate: e.ABTEST_WEBHOOK_ALLOW_PRIVATE,
    resultsCacheTtlSeconds: e.RESULTS_CACHE_TTL_SECONDS,
    busRedeliver: e.ABTEST_BUS_REDELIVER,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    http: {
      headersTimeoutMs: e.ABTEST_HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.ABTEST_HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: e.ABTEST_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
      maxConnections: e.ABTEST_HTTP_MAX_CONNECTIONS,
    },
    live: { tickSeconds: e.ABTEST_TICK_SECONDS, noDataHours: e.ABTEST_NO_DATA_HOURS },
    engine: {
      engine: e.ABTEST_ENGINE,
      bigqueryThresholdBytes: e.ABTEST_BIGQUERY_THRESHOLD_BYTES,
      bigqueryTable: e.ABTEST_BIGQUERY_TABLE,
      bigqueryLocation: e.ABTEST_BIGQUERY_LOCATION,
      bigqueryMaxBytesBilled: e.ABTEST_BIGQUERY_MAX_BYTES_BILLED,
      bigqueryTimeoutMs: e.ABTEST_BIGQUERY_TIMEOUT_SECONDS * 1000,
    },
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
