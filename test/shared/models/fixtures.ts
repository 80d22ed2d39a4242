/** Deterministic synthetic unit tables for the model tests. */
import { covariateDesign, groupOutcome, poissonStart } from '../../../shared/models/index.ts';
import { prepareModelData } from '../../../shared/models/model-data.ts';
import type { UnitTable } from '../../../shared/models/unit-table.ts';
import { unitTableFromRecords } from '../../../shared/models/unit-table-from-records.ts';
import { randomSource } from '../../../shared/random/random-source.ts';

/** A seeded stream of numbers in [0, 1): the project's generator. */
export function prng(seed: number): () => number {
  return randomSource(seed).next;
}

export interface SyntheticRecord {
  readonly id: string;
  readonly variant: string;
  readonly device: string;
  readonly channel: string;
  readonly converted: number;
  readonly revenue: number;
}

/** Records with a variant, two attributes, a 0/1 outcome and a revenue outcome. */
export function syntheticRecords(
  n: number,
  seed: number,
  variants = ['control', 'treatment'],
): SyntheticRecord[] {
  const random = prng(seed);
  const devices = ['desktop', 'mobile', 'tablet'];
  const channels = ['ads', 'email', 'organic'];
  return Array.from({ length: n }, (_, i) => {
    const v = Math.floor(random() * variants.length);
    const d = Math.floor(random() * devices.length);
    const c = Math.floor(random() * channels.length);
    const eta = -1 + 0.3 * v - 0.4 * (d === 1 ? 1 : 0) + 0.2 * c;
    const converted = random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    const revenue = (converted * Math.round((10 + 40 * random() + 5 * v) * 100)) / 100;
    return {
      id: `u${String(i).padStart(6, '0')}`,
      variant: variants[v],
      device: devices[d],
      channel: channels[c],
      converted,
      revenue,
    };
  });
}

/** A unit table from records with the given attribute columns. */
export function tableOf(
  records: readonly object[],
  attributes: readonly string[] = ['device', 'channel'],
): UnitTable {
  return unitTableFromRecords(records, {
    variant: 'variant',
    unitId: 'id',
    attributes,
    metrics: [
      { name: 'converted', type: 'binomial' },
      { name: 'revenue', type: 'continuous' },
    ],
  });
}

export interface CountRecord {
  readonly id: string;
  readonly variant: string;
  readonly device: string;
  readonly recency: number;
  readonly y: number;
}

/**
 * Poisson counts with log mean 0.2 + effect x treated - 0.03 recency - 0.2 x mobile, recency an
 * integer 0..29, so rows share covariate patterns and outcomes vary within them.
 */
export function countRecords(n: number, seed: number, treatmentEffect = 0.15): CountRecord[] {
  const random = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const treated = random() < 0.5;
    const device = ['desktop', 'mobile', 'tablet'][Math.floor(random() * 3)];
    const recency = Math.floor(random() * 30);
    const mu = Math.exp(
      0.2 + treatmentEffect * (treated ? 1 : 0) - 0.03 * recency + (device === 'mobile' ? -0.2 : 0),
    );
    // Poisson draw by inversion.
    let k = 0;
    let p = Math.exp(-mu);
    let cdf = p;
    const u = random();
    while (u > cdf && k < 100) {
      k++;
      p *= mu / k;
      cdf += p;
    }
    return {
      id: `u${String(i).padStart(5, '0')}`,
      variant: treated ? 'treatment' : 'control',
      device,
      recency,
      y: k,
    };
  });
}

/**
 * Count records as the Poisson fits take them: the unit table (device a factor, recency numeric),
 * its model data and covariate design, the grouped outcome and statsmodels' starting sums.
 * @param records - the records
 * @returns the prepared pieces
 */
export function preparedCounts(records: readonly CountRecord[]) {
  const table = unitTableFromRecords(records, {
    variant: 'variant',
    unitId: 'id',
    attributes: ['device'],
    metrics: [{ name: 'y', type: 'continuous' }],
  });
  const data = prepareModelData(table, { control: 'control', minLevelUnits: 0 });
  const numeric = [{ name: 'recency', values: Float64Array.from(records, (r) => r.recency) }];
  const covariates = covariateDesign(data, numeric);
  const values = table.metrics[0].values;
  return {
    table,
    data,
    covariates,
    outcome: groupOutcome(covariates, values, data.order),
    start: poissonStart(covariates.groupOfRow, values, data.order, covariates.design.rows),
  };
}
