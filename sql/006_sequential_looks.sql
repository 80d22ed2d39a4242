-- abtest schema, version 6: the looks of the sequential test (issue 13). Every distinct analysis
-- is one look at each (metric, treatment) comparison; the confidence sequence and the
-- always-valid p-value of a look run over the earlier looks of the same sequence (same metric,
-- control, level and plan: `sequence_key`). One row per (analysis, metric, variant): the same
-- analysis delivered twice adds no look. `n_planned` is fixed by a sequence's first look.

CREATE TABLE IF NOT EXISTS sequential_looks (
  analysis_id   text NOT NULL,
  metric        text NOT NULL,
  variant       text NOT NULL,
  experiment_id text NOT NULL,
  sequence_key  text NOT NULL,
  look_at       timestamptz NOT NULL,
  n             integer NOT NULL,
  n_planned     double precision NOT NULL,
  estimate      double precision NOT NULL,
  variance      double precision,
  PRIMARY KEY (analysis_id, metric, variant)
);

CREATE INDEX IF NOT EXISTS sequential_looks_sequence
  ON sequential_looks (experiment_id, sequence_key, look_at, analysis_id);
