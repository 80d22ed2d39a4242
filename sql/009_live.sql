-- abtest schema, version 9: the live layer (issue 14). Everything live is a row first, so every
-- instance (and `abtest serve`) reads the same state: the streaming posteriors, the time-window
-- rollups, the snapshots of each tick, the alerts, and the feed the Server-Sent Events read.

-- The streaming reducer's state per user (shared/live/posterior-reducer.ts): the lowest and
-- highest variant of their exposures (two different ones exclude the user), their first
-- exposure and their last success event, in epoch microseconds, within the window.
CREATE TABLE live_users (
  experiment_id text NOT NULL,
  user_id text NOT NULL,
  variant_low text,
  variant_high text,
  first_exposure_us bigint,
  last_success_us bigint,
  PRIMARY KEY (experiment_id, user_id)
);

-- Per (experiment, variant): exposed and converted users now, and at the last tick.
CREATE TABLE live_posteriors (
  experiment_id text NOT NULL,
  variant text NOT NULL,
  exposures bigint NOT NULL DEFAULT 0,
  successes bigint NOT NULL DEFAULT 0,
  ticked_exposures bigint NOT NULL DEFAULT 0,
  ticked_successes bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (experiment_id, variant)
);

-- The (batch, experiment) pairs the monitor has read: a redelivered batch changes nothing.
CREATE TABLE live_batches (
  batch_id text NOT NULL,
  experiment_id text NOT NULL,
  monitored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, experiment_id)
);

-- Rollups of accepted, deduplicated events per window size, window start, variant and event
-- type; value_count counts the events with a value (the denominator of avg).
CREATE TABLE event_windows (
  experiment_id text NOT NULL,
  window_size text NOT NULL,
  start_at timestamptz NOT NULL,
  variant text NOT NULL,
  event_type text NOT NULL,
  count bigint NOT NULL,
  value_count bigint NOT NULL,
  sum double precision,
  min double precision,
  max double precision,
  PRIMARY KEY (experiment_id, window_size, start_at, variant, event_type)
);

-- One row per (experiment, variant) per tick (the `postgres` sink).
CREATE TABLE posterior_snapshots (
  experiment_id text NOT NULL,
  variant text NOT NULL,
  tick_at timestamptz NOT NULL,
  exposures bigint NOT NULL,
  successes bigint NOT NULL,
  alpha double precision NOT NULL,
  beta double precision NOT NULL,
  probability_beat_control double precision,
  expected_loss double precision,
  incremental_exposures bigint NOT NULL,
  incremental_successes bigint NOT NULL,
  PRIMARY KEY (experiment_id, tick_at, variant)
);

-- Alerts: one not yet resolved per (experiment, kind, metric); metric is '' when none applies.
CREATE TABLE alerts (
  alert_id text PRIMARY KEY,
  experiment_id text NOT NULL,
  kind text NOT NULL,
  metric text NOT NULL DEFAULT '',
  severity text NOT NULL,
  status text NOT NULL DEFAULT 'open',
  message text NOT NULL,
  count integer NOT NULL DEFAULT 1,
  revision integer NOT NULL DEFAULT 1,
  details jsonb NOT NULL DEFAULT '{}',
  opened_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by text,
  acknowledged_note text,
  resolved_at timestamptz,
  resolved_by text,
  resolved_note text
);
CREATE UNIQUE INDEX alerts_one_unresolved ON alerts (experiment_id, kind, metric)
  WHERE status <> 'resolved';
CREATE INDEX alerts_by_opened ON alerts (opened_at DESC, alert_id DESC);

-- What raised an alert (a message, a batch, an analysis): the same source twice counts once.
CREATE TABLE alert_sources (
  source_key text PRIMARY KEY,
  seen_at timestamptz NOT NULL DEFAULT now()
);

-- The last sequential decision seen per (experiment, metric, variant), for `decision` alerts.
CREATE TABLE live_decisions (
  experiment_id text NOT NULL,
  metric text NOT NULL,
  variant text NOT NULL,
  decision text NOT NULL,
  PRIMARY KEY (experiment_id, metric, variant)
);

-- The feed of `GET /v1/stream`: its id is the SSE event id a client resumes from.
CREATE TABLE live_events (
  event_id bigserial PRIMARY KEY,
  dedupe_key text NOT NULL UNIQUE,
  experiment_id text,
  type text NOT NULL,
  data json NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_events_by_experiment ON live_events (experiment_id, event_id);

-- The ticks handled: a redelivered tick message keeps its first time, so it snapshots nothing new.
CREATE TABLE live_ticks (
  tick_id text PRIMARY KEY,
  tick_at timestamptz NOT NULL
);
