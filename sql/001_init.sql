-- abtest schema, version 1. One file serves PostgreSQL and PGlite.

-- An experiment, created when its first events or its definition arrive.
CREATE TABLE experiments (
  experiment_id text PRIMARY KEY,
  name text,
  definition jsonb,
  status text NOT NULL DEFAULT 'running',
  latest_analysis_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One uploaded file (or POSTed body, or streamed batch) and what validation made of it.
CREATE TABLE ingest_batches (
  batch_id text PRIMARY KEY,
  content_hash text NOT NULL,
  idempotency_key text UNIQUE,
  source text NOT NULL,
  format text NOT NULL,
  raw_key text NOT NULL,
  byte_size double precision NOT NULL,
  options jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'received',
  rows_read integer,
  accepted integer,
  rejected integer,
  duplicates integer,
  errors jsonb NOT NULL DEFAULT '[]',
  error_message text,
  rejections_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The curated Parquet a batch wrote for each experiment it touches.
CREATE TABLE batch_experiments (
  batch_id text NOT NULL REFERENCES ingest_batches (batch_id),
  experiment_id text NOT NULL REFERENCES experiments (experiment_id),
  accepted integer NOT NULL,
  duplicates integer NOT NULL,
  curated_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, experiment_id)
);
CREATE INDEX batch_experiments_by_experiment ON batch_experiments (experiment_id);

-- One analysis: the result document's experiment object (without models and report).
CREATE TABLE analyses (
  analysis_id text PRIMARY KEY,
  experiment_id text NOT NULL REFERENCES experiments (experiment_id),
  input_fingerprint text NOT NULL,
  input_batches integer NOT NULL,
  document jsonb NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  computed_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analyses_by_experiment ON analyses (experiment_id, computed_at DESC);

-- Every time analysis ran, including reruns that found nothing new.
CREATE TABLE analysis_runs (
  run_id bigserial PRIMARY KEY,
  trigger_id text NOT NULL UNIQUE,
  experiment_id text NOT NULL,
  analysis_id text NOT NULL,
  trigger text NOT NULL,
  outcome text NOT NULL,
  job_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Regression models of an analysis, one per metric.
CREATE TABLE models (
  model_id text PRIMARY KEY,
  experiment_id text NOT NULL,
  analysis_id text NOT NULL REFERENCES analyses (analysis_id),
  metric text NOT NULL,
  document jsonb NOT NULL,
  artifact_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (analysis_id, metric)
);

-- The PDF and CSV of an analysis.
CREATE TABLE reports (
  analysis_id text PRIMARY KEY REFERENCES analyses (analysis_id),
  experiment_id text NOT NULL,
  pdf_key text NOT NULL,
  csv_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Asynchronous work asked for over HTTP (POST /v1/analytics/run, POST /v1/model/train).
CREATE TABLE jobs (
  job_id text PRIMARY KEY,
  kind text NOT NULL,
  experiment_id text,
  status text NOT NULL DEFAULT 'queued',
  result jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Messages to publish, written in the same transaction as the state they announce.
CREATE TABLE outbox_messages (
  message_id text PRIMARY KEY,
  topic text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX outbox_unsent ON outbox_messages (created_at) WHERE sent_at IS NULL;

-- The in-process bus: one delivery per (message, subscription), retried with backoff.
CREATE TABLE bus_deliveries (
  message_id text NOT NULL REFERENCES outbox_messages (message_id),
  subscription text NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, subscription)
);
CREATE INDEX bus_deliveries_ready ON bus_deliveries (next_attempt_at) WHERE status = 'pending';

-- Messages that failed validation at a handler's edge: acknowledged, kept for inspection.
CREATE TABLE rejected_messages (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  message_id text NOT NULL,
  payload text NOT NULL,
  reason text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (topic, message_id)
);
