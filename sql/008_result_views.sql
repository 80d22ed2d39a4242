-- abtest schema, version 8: results as SQL (issue 19). Three views over the stored analyses and
-- models, so an analyst's BI tool reads the results as rows: always in step with every analysis
-- (they are the stored documents, read), nothing to fill or to forget. docs/sql.md has them.

-- Where each model's artifact is (gs://bucket/key on GCS, a file path locally), written by the
-- train stage; rows from before this migration show their artifacts-bucket key instead.
ALTER TABLE models ADD COLUMN IF NOT EXISTS artifact_uri text;

-- One row per analysis, metric and variant compared with the control.
CREATE VIEW results AS
SELECT
  a.experiment_id,
  a.analysis_id,
  m.metric ->> 'name' AS metric,
  c.comparison ->> 'variant' AS variant,
  c.comparison ->> 'control' AS control,
  (c.comparison ->> 'p_value')::double precision AS p_value,
  (c.comparison ->> 'p_value_adjusted')::double precision AS p_value_adjusted,
  (c.comparison ->> 'difference')::double precision AS effect_size,
  (c.comparison ->> 'relative_lift')::double precision * 100 AS lift_pct,
  (c.comparison -> 'difference_ci' ->> 0)::double precision AS ci_low,
  (c.comparison -> 'difference_ci' ->> 1)::double precision AS ci_high,
  c.comparison ->> 'test' AS method,
  a.computed_at
FROM analyses a
CROSS JOIN LATERAL jsonb_array_elements(a.document -> 'metrics') AS m (metric)
CROSS JOIN LATERAL jsonb_array_elements(m.metric -> 'comparisons') AS c (comparison);

-- One row per analysis, metric and variant: its users, mean and interval.
CREATE VIEW result_variants AS
SELECT
  a.experiment_id,
  a.analysis_id,
  m.metric ->> 'name' AS metric,
  v.variant ->> 'variant' AS variant,
  (v.variant ->> 'is_control')::boolean AS is_control,
  (v.variant ->> 'users')::integer AS users,
  (v.variant ->> 'mean')::double precision AS mean,
  (v.variant ->> 'sd')::double precision AS sd,
  (v.variant ->> 'ci_low')::double precision AS ci_low,
  (v.variant ->> 'ci_high')::double precision AS ci_high,
  a.computed_at
FROM analyses a
CROSS JOIN LATERAL jsonb_array_elements(a.document -> 'metrics') AS m (metric)
CROSS JOIN LATERAL jsonb_array_elements(m.metric -> 'variants') AS v (variant);

-- One row per trained model: what it predicts, from what, how well, and where its artifact is.
CREATE VIEW result_models AS
SELECT
  mo.experiment_id,
  mo.analysis_id,
  mo.model_id,
  COALESCE(mo.document ->> 'target', mo.metric) AS target,
  mo.document ->> 'model' AS model,
  COALESCE(
    mo.features,
    mo.document -> 'features',
    (SELECT COALESCE(jsonb_agg(f.feature ->> 'feature'), '[]'::jsonb)
     FROM jsonb_array_elements(mo.document -> 'feature_importance') AS f (feature))
  ) AS features,
  jsonb_build_object('cv', mo.document -> 'cv') || CASE
    WHEN mo.document -> 'holdout' IS NULL THEN '{}'::jsonb
    ELSE jsonb_build_object('holdout', mo.document -> 'holdout')
  END AS metrics,
  COALESCE(mo.artifact_uri, mo.artifact_key) AS artifact_uri,
  mo.created_at
FROM models mo;

-- One-time upload URLs handed out by POST /v1/uploads where the blob store signs none (abtest
-- serve): the URL's secret is kept only as its SHA-256; a PUT claims the row once, before it
-- expires, and writes the bytes to the object named here in the raw bucket's uploads/ folder.
CREATE TABLE upload_tickets (
  ticket_hash text PRIMARY KEY,
  object text NOT NULL,
  content_type text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The trace context (W3C traceparent, tracestate) active when a message was written, so the
-- stage it triggers continues the same trace; null when nothing was traced.
ALTER TABLE outbox_messages ADD COLUMN IF NOT EXISTS trace_context jsonb;
