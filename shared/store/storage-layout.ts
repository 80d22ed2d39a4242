/**
 * Where every object lives in the three buckets (DESIGN.md "The chain"). Raw:
 * `uploads/`, `batches/<batch_id>/source.<ext>`, `rejections/<batch_id>.csv`. Curated:
 * `events/experiment_id=<id>/batch_id=<id>.parquet`. Artifacts: `reports/<experiment_id>/
 * <analysis_id>.pdf|.csv`, `models/<experiment_id>/<model_id>.json`,
 * `plots/<experiment_id>/<analysis_id>/<name>.svg`.
 */

/** The raw-bucket prefix a GCS upload must be under to be ingested. */
export const uploadsPrefix = 'uploads/';

/** The raw-bucket prefix of experiment definitions. */
export const definitionsPrefix = 'definitions/';

/**
 * @param batchId - the batch
 * @param extension - the source format's extension
 * @returns the raw object key of a batch's bytes
 * @example rawBatchKey('b_1', 'csv') // 'batches/b_1/source.csv'
 */
export const rawBatchKey = (batchId: string, extension: string): string =>
  `batches/${batchId}/source.${extension}`;

/**
 * @param batchId - the batch
 * @returns the raw object key of its rejected rows
 * @example rejectionsKey('b_1') // 'rejections/b_1.csv'
 */
export const rejectionsKey = (batchId: string): string => `rejections/${batchId}.csv`;

/**
 * @param experimentId - the experiment
 * @returns the curated prefix of its events
 * @example curatedEventsPrefix('exp1') // 'events/experiment_id=exp1/'
 */
export const curatedEventsPrefix = (experimentId: string): string =>
  `events/experiment_id=${experimentId}/`;

/**
 * @param experimentId - the experiment
 * @param batchId - the batch
 * @returns the curated object key of one batch's events of one experiment
 * @example curatedEventsKey('exp1', 'b_1') // 'events/experiment_id=exp1/batch_id=b_1.parquet'
 */
export const curatedEventsKey = (experimentId: string, batchId: string): string =>
  `${curatedEventsPrefix(experimentId)}batch_id=${batchId}.parquet`;

/**
 * @param experimentId - the experiment
 * @param analysisId - the analysis
 * @param format - pdf or csv
 * @returns the artifacts key of a report
 * @example reportKey('exp1', 'an_1', 'pdf') // 'reports/exp1/an_1.pdf'
 */
export const reportKey = (
  experimentId: string,
  analysisId: string,
  format: 'pdf' | 'csv',
): string => `reports/${experimentId}/${analysisId}.${format}`;

/**
 * @param experimentId - the experiment
 * @param modelId - the model
 * @returns the artifacts key of a model
 * @example modelKey('exp1', 'mo_1') // 'models/exp1/mo_1.json'
 */
export const modelKey = (experimentId: string, modelId: string): string =>
  `models/${experimentId}/${modelId}.json`;

/**
 * @param experimentId - the experiment
 * @param analysisId - the analysis
 * @returns the curated key of the per-user table an analysis used (train reads it)
 * @example userTableKey('exp1', 'an_1') // 'users/experiment_id=exp1/an_1.parquet'
 */
export const userTableKey = (experimentId: string, analysisId: string): string =>
  `users/experiment_id=${experimentId}/${analysisId}.parquet`;

/**
 * @param experimentId - the experiment
 * @param batchId - the batch
 * @returns the curated object key of one unit-level table batch of an experiment
 * @example curatedUnitsKey('exp1', 'b_1') // 'units/experiment_id=exp1/batch_id=b_1.parquet'
 */
export const curatedUnitsKey = (experimentId: string, batchId: string): string =>
  `units/experiment_id=${experimentId}/batch_id=${batchId}.parquet`;

/**
 * @param experimentId - the experiment
 * @param analysisId - the analysis
 * @returns the artifacts prefix of an analysis's charts
 * @example plotsPrefix('exp1', 'an_1') // 'plots/exp1/an_1/'
 */
export const plotsPrefix = (experimentId: string, analysisId: string): string =>
  `plots/${experimentId}/${analysisId}/`;
