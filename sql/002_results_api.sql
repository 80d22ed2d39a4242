-- abtest schema, version 2: webhooks and their deliveries, for the results API.

-- Webhooks registered over the API (POST /v1/webhooks): for one experiment, or for every
-- experiment when experiment_id is null. Deleting one keeps its row (and its history).
CREATE TABLE webhooks (
  webhook_id text PRIMARY KEY,
  url text NOT NULL,
  experiment_id text,
  events text[] NOT NULL,
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX webhooks_active ON webhooks (experiment_id) WHERE deleted_at IS NULL;

-- One delivery per (webhook, event, analysis): the exact body sent, and how it ended. The
-- webhook id is a registered webhook's or, for ABTEST_WEBHOOK_URLS, one derived from the URL.
CREATE TABLE webhook_deliveries (
  delivery_id text PRIMARY KEY,
  webhook_id text NOT NULL,
  event text NOT NULL,
  experiment_id text NOT NULL,
  analysis_id text NOT NULL,
  url text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  response_status integer,
  last_error text,
  claimed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  UNIQUE (webhook_id, event, analysis_id)
);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC);

-- Every attempt of a delivery: the receiver's status code or the error, and how long it took.
CREATE TABLE webhook_attempts (
  delivery_id text NOT NULL REFERENCES webhook_deliveries (delivery_id),
  attempt integer NOT NULL,
  response_status integer,
  error text,
  duration_ms integer NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (delivery_id, attempt)
);

-- The results API reads an experiment's runs (its analysis history and its cache key).
CREATE INDEX analysis_runs_by_experiment ON analysis_runs (experiment_id, run_id);
