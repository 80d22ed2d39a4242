/**
 * A unit-level table like the ones analysts keep (one row per player, outcomes already
 * summed): `userid,version,sum_gamerounds,retention_1,retention_7,platform`, two versions of a
 * mobile game's progression gate, with known true effects, for demos and tests of
 * `abtest run --unit-table`.
 */
import { randomSource } from '../random/random-source.ts';

/** Settings of a generated unit table. */
export interface UnitTableGeneratorOptions {
  readonly users: number;
  readonly seed: number;
  /** Absolute change of 7-day retention in the treatment version (default -0.01). */
  readonly retentionEffect?: number;
}

/** The header of a generated unit table. */
export const unitTableColumns = [
  'userid',
  'version',
  'sum_gamerounds',
  'retention_1',
  'retention_7',
  'platform',
] as const;

/** What a correct analysis must find, per version. */
export type UnitTableTruth = Record<
  string,
  { users: number; sum_gamerounds: number; retention_1: number; retention_7: number }
>;

/**
 * Generates the rows of a unit table (control `gate_30`, treatment `gate_40`).
 * @param options - size, seed and effect
 * @param truth - filled in per version as rows are made
 * @returns rows of text cells in {@link unitTableColumns} order
 * @example [...generateUnitTable({ users: 10, seed: 1 }, {})]
 */
export function* generateUnitTable(
  options: UnitTableGeneratorOptions,
  truth: UnitTableTruth,
): Generator<readonly string[]> {
  const random = randomSource(options.seed);
  const effect = options.retentionEffect ?? -0.01;
  for (let user = 1; user <= options.users; user += 1) {
    const treated = random.chance(0.5);
    const version = treated ? 'gate_40' : 'gate_30';
    const platform = random.pick([
      ['android', 60],
      ['ios', 40],
    ] as const);
    const engagement = Math.exp(2.5 + 1.3 * random.normal());
    const rounds = Math.max(0, Math.round(engagement));
    const base1 = Math.min(
      0.95,
      0.2 + (0.12 * Math.log1p(rounds)) / 2 + (platform === 'ios' ? 0.03 : 0),
    );
    const retained1 = random.chance(base1);
    const base7 = Math.min(
      0.9,
      Math.max(
        0.01,
        0.05 + (0.06 * Math.log1p(rounds)) / 2 + (retained1 ? 0.08 : 0) + (treated ? effect : 0),
      ),
    );
    const retained7 = random.chance(base7);
    const tally = (truth[version] ??= {
      users: 0,
      sum_gamerounds: 0,
      retention_1: 0,
      retention_7: 0,
    });
    tally.users += 1;
    tally.sum_gamerounds += rounds;
    tally.retention_1 += retained1 ? 1 : 0;
    tally.retention_7 += retained7 ? 1 : 0;
    yield [
      String(100000 + user * 7),
      version,
      String(rounds),
      retained1 ? 'True' : 'False',
      retained7 ? 'True' : 'False',
      platform,
    ];
  }
}
