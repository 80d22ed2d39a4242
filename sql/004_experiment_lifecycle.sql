-- abtest schema, version 4: experiments defined and run over the API (issue 12).

-- Every change of a stored experiment bumps its version; started_at is when it first ran
-- (entered running, or arrived from a file already running, paused or completed): from then
-- on its variants, weights and salt are frozen and its allocation may only grow.
ALTER TABLE experiments ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE experiments ADD COLUMN started_at timestamptz;
UPDATE experiments SET started_at = created_at WHERE status IN ('running', 'paused', 'completed');

-- The definition holds no status any more: the status column is the one truth, moved only
-- through the lifecycle.
UPDATE experiments SET definition = definition - 'status' WHERE definition ? 'status';

-- The audit log: every creation, change and transition of an experiment, oldest first.
CREATE TABLE experiment_audit (
  audit_id bigserial PRIMARY KEY,
  experiment_id text NOT NULL REFERENCES experiments (experiment_id),
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  action text NOT NULL,
  token_name text,
  source text NOT NULL,
  from_status text,
  to_status text,
  reason text,
  changes jsonb NOT NULL DEFAULT '[]',
  version integer NOT NULL
);
CREATE INDEX experiment_audit_by_experiment ON experiment_audit (experiment_id, audit_id);
