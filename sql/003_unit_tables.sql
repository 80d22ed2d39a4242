-- abtest schema, version 3: experiments analysed from unit-level tables.

-- The settings of an experiment fed by unit-level tables (variant column, control, metrics
-- with their types); null for an experiment fed by events.
ALTER TABLE experiments ADD COLUMN unit_table jsonb;
