/**
 * Whether the data can be trusted, in plain words: the sample-ratio check, rejected and
 * duplicate rows across the batches, users excluded for seeing two variants, and empty arms.
 * Pure: text and a severity per finding, no drawing.
 */
import type { ExperimentResult } from '../result/result-document.ts';
import type { ReportBatch } from './report-input.ts';
import { formatCount, formatPercent, formatPValue, joinWords } from './report-format.ts';
import { shortName } from './report-words.ts';

/** How much a finding matters: fine, worth knowing, or a reason not to trust the results. */
export type TrustLevel = 'ok' | 'caution' | 'alarm';

/** One statement about data quality. */
export interface TrustFinding {
  readonly level: TrustLevel;
  readonly text: string;
}

/** Rows read across the batches, and what became of them. */
export interface RowTotals {
  readonly read: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
}

/** Variants named one by one in the sample-ratio finding. */
const mostListed = 6;
/** Rejected rows above this share of rows read deserve a caution. */
const rejectedCaution = 0.01;
/** Excluded users above this share of exposed users deserve a caution. */
const excludedCaution = 0.01;

/**
 * Adds up the rows of the batches.
 * @param batches - the input batches
 * @returns rows read (accepted + rejected + duplicates) and each part
 * @example rowTotals([{ accepted: 10, rejected: 1, duplicates: 0, ... }]).read // 11
 */
export function rowTotals(batches: readonly ReportBatch[]): RowTotals {
  let accepted = 0;
  let rejected = 0;
  let duplicates = 0;
  for (const batch of batches) {
    accepted += batch.accepted;
    rejected += batch.rejected;
    duplicates += batch.duplicates;
  }
  return { read: accepted + rejected + duplicates, accepted, rejected, duplicates };
}

/**
 * The sample-ratio finding: an alarm when the check flagged a mismatch.
 * @param experiment - the experiment result
 * @returns the finding
 * @example srmFinding(experiment).level // 'ok'
 */
export function srmFinding(experiment: ExperimentResult): TrustFinding {
  const { srm } = experiment;
  const variants = Object.keys(srm.observed);
  const total = variants.reduce((sum, v) => sum + (srm.observed[v] ?? 0), 0);
  const listed = variants.map(
    (v) =>
      `${shortName(v)} ${formatCount(srm.observed[v])} (${formatPercent(total > 0 ? (srm.observed[v] ?? 0) / total : null)})`,
  );
  const observed =
    listed.length <= mostListed
      ? joinWords(listed)
      : `${listed.slice(0, mostListed).join(', ')} and ${listed.length - mostListed} more`;
  const shares = variants.map((v) => srm.expected_share[v] ?? null);
  const equal =
    shares.length > 1 && shares.every((s) => s !== null && Math.abs(s - (shares[0] ?? 0)) < 1e-9);
  const expected = equal
    ? `an equal split (${formatPercent(shares[0] ?? null)} each)`
    : shares.map((s) => formatPercent(s)).join(' / ');
  if (srm.p_value === null) {
    return {
      level: 'caution',
      text: `The sample-ratio check could not be run (users: ${observed || 'none'}).`,
    };
  }
  if (srm.flagged) {
    return {
      level: 'alarm',
      text:
        `Sample ratio mismatch: users split ${observed}, but the design expects ${expected} ` +
        `(chi-square p-value ${formatPValue(srm.p_value)}). A split this uneven points to a ` +
        'fault in assignment, logging or filtering; the results should not be trusted until it ' +
        'is explained.',
    };
  }
  const split =
    variants.length > 3
      ? `${formatCount(total)} users across ${variants.length} variants`
      : `users split ${observed}`;
  return {
    level: 'ok',
    text:
      `Sample ratio check passed: ${split} against ${equal ? '' : 'an expected '}${expected} ` +
      `(p-value ${formatPValue(srm.p_value)}).`,
  };
}

/**
 * Every data-quality finding of page one, the sample-ratio check first.
 * @param experiment - the experiment result
 * @param batches - the input batches
 * @returns the findings in reading order
 * @example trustFindings(experiment, batches).map((f) => f.level)
 */
export function trustFindings(
  experiment: ExperimentResult,
  batches: readonly ReportBatch[],
): TrustFinding[] {
  const findings = [srmFinding(experiment), rowsFinding(batches)];
  const failed = batches.filter((b) => b.status === 'rejected' || b.status === 'failed');
  if (failed.length > 0) {
    findings.push({
      level: 'caution',
      text: `${failed.length} of ${batches.length} batches were rejected or failed as a whole and are not in the analysis.`,
    });
  }
  findings.push(excludedFinding(experiment));
  const empty = Object.entries(experiment.srm.observed)
    .filter(([, users]) => users === 0)
    .map(([variant]) => shortName(variant));
  if (empty.length > 0) {
    findings.push({
      level: 'caution',
      text: `${joinWords(empty)} ${empty.length === 1 ? 'has' : 'have'} no users, so ${empty.length === 1 ? 'it' : 'they'} cannot be compared.`,
    });
  }
  return findings;
}

function rowsFinding(batches: readonly ReportBatch[]): TrustFinding {
  if (batches.length === 0) {
    return {
      level: 'caution',
      text: 'No batch details came with this analysis, so row counts are unknown.',
    };
  }
  const totals = rowTotals(batches);
  const share = totals.read > 0 ? totals.rejected / totals.read : 0;
  const batchWord = batches.length === 1 ? '1 batch' : `${formatCount(batches.length)} batches`;
  const rejected =
    totals.rejected === 0
      ? 'no row was rejected'
      : `${formatCount(totals.rejected)} (${formatPercent(share)}) were rejected as invalid`;
  const duplicates =
    totals.duplicates === 0
      ? 'there were no duplicates'
      : `${formatCount(totals.duplicates)} duplicate rows were dropped`;
  return {
    level: share > rejectedCaution ? 'caution' : 'ok',
    text: `Rows: ${formatCount(totals.read)} read from ${batchWord}; ${rejected} and ${duplicates}.`,
  };
}

function excludedFinding(experiment: ExperimentResult): TrustFinding {
  const excluded = experiment.data.excluded_users.multiple_variants;
  if (excluded === 0) return { level: 'ok', text: 'No user was exposed to more than one variant.' };
  const exposed = experiment.data.users + excluded;
  const share = excluded / exposed;
  return {
    level: share > excludedCaution ? 'caution' : 'ok',
    text: `${formatCount(excluded)} ${excluded === 1 ? 'user' : 'users'} (${formatPercent(share)} of exposed users) saw more than one variant and ${excluded === 1 ? 'was' : 'were'} excluded.`,
  };
}
