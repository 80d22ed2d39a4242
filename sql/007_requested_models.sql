-- abtest schema, version 7: models a training request asked for. `POST /v1/model/train` with a
-- target fits exactly that target on exactly the features named, as many times as asked, beside
-- the chain's one model per metric of an analysis. `features` are the feature columns fitted
-- (as given for a request; for the chain's models, those the design used); `requested` tells
-- the two apart. The chain's models stay unique per (analysis, metric).

ALTER TABLE models ADD COLUMN features jsonb;
ALTER TABLE models ADD COLUMN requested boolean NOT NULL DEFAULT false;
ALTER TABLE models DROP CONSTRAINT models_analysis_id_metric_key;
CREATE UNIQUE INDEX models_chain_metric ON models (analysis_id, metric) WHERE NOT requested;
