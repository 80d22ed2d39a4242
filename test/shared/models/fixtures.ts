/** Deterministic synthetic unit tables for the model tests. */
import type { UnitTable } from '../../../shared/models/unit-table.ts';
import { unitTableFromRecords } from '../../../shared/models/unit-table-from-records.ts';

/** Mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
