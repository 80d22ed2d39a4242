-- abtest schema, version 13: models a training request asked for. `POST /v1/model/train` with a
-- target fits exactly that target on exactly the features named, as many times as asked, beside
-- the chain's one model per metric of an analysis. `features` are the feature columns fitted
-- (as given for a request; for the chain's models, those the design used); `requested` tells
-- the two apart. The chain's models stay unique per (analysis, metric).

ALTER TABLE models ADD COLUMN features jsonb;
ALTER TABLE models ADD COLUMN requested boolean NOT NULL DEFAULT false;
ALTER TABLE models DROP CONSTRAINT models_analysis_id_metric_key;
CREATE UNIQUE INDEX models_chain_metric ON models (analysis_id, metric) WHERE NOT requested;

-- result_models (008) names a requested model's features as asked: the column kept here.
CREATE OR REPLACE VIEW result_models AS
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
