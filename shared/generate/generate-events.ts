/**
 * A realistic e-commerce events stream with known true effects, for demos, tests and
 * benchmarks: exposures, page views, add-to-cart and purchases with values, device, channel,
 * geo and landing-page attributes, and a little real-world mess (events before exposure,
 * repeated exposures, users exposed to two variants, redelivered duplicate rows, timestamps in
 * three notations, a few unparseable ones, attribute values with commas, quotes and formula
 * look-alikes). The truth (what a correct analysis must find) is tallied as the rows are made.
 */
import { randomSource, type RandomSource } from '../random/random-source.ts';

/** Settings of a generated experiment. */
export interface GeneratorOptions {
  readonly users: number;
  readonly seed: number;
  readonly experimentId?: string;
  readonly variants?: readonly string[];
  /** Relative lift of the conversion rate in every treatment (0.1 = +10%). */
  readonly conversionLift?: number;
  /** Relative lift of the order value in every treatment. */
  readonly orderValueLift?: number;
  /** Add the real-world mess (default true). */
  readonly mess?: boolean;
  /**
   * Give every user a spending propensity (lognormal, mean 1) that drives both their purchases in
   * the 14 days before exposure and their conversion and number of orders after it, so a CUPED
   * covariate has something to explain (default false: the output is unchanged).
   */
  readonly history?: boolean;
}

/** The columns of a generated file, in order. */
export const generatedColumns = [
  'event_id',
  'user_id',
  'experiment_id',
  'variant',
  'event_type',
  'timestamp',
  'value',
  'device',
  'channel',
  'geo',
  'landing_page',
] as const;

/** One generated row: text cells in {@link generatedColumns} order (empty string = no value). */
export type GeneratedRow = readonly string[];

/** What a correct analysis of the generated file must find. */
export interface GenerationTruth {
  experiment_id: string;
  conversion_lift: number;
  order_value_lift: number;
  rows: number;
  rejected_rows: number;
  duplicate_rows: number;
  events: number;
  excluded_multiple_variants: number;
  variants: Record<string, { users: number; conversions: number; revenue: number }>;
}

const start = Date.UTC(2026, 0, 5);
const days = 14;
const hour = 3_600_000;
const devices = [
  ['mobile', 55],
  ['desktop', 35],
  ['tablet', 10],
] as const;
const deviceRate: Record<string, number> = { mobile: 0.8, desktop: 1.25, tablet: 1 };
const channels = [
  ['organic', 40],
  ['ads', 30],
  ['email', 15],
  ['social', 15],
] as const;
const channelRate: Record<string, number> = { organic: 1, ads: 0.85, email: 1.6, social: 0.7 };
const geos = [
  ['US', 40],
  ['GB', 15],
  ['DE', 15],
  ['FR', 10],
  ['IN', 12],
  ['BR', 8],
] as const;
const pages = [
  ['/', 50],
  ['/sale?items=shoes,bags', 20],
  ['/landing/"best" deals', 10],
  ['=HYPERLINK("https://example.com")', 2],
  ['/checkout', 18],
] as const;

/**
 * Generates the rows of one experiment, user by user.
 * @param options - size, seed, variants and true effects
 * @param truth - filled in as rows are produced (see {@link emptyTruth})
 * @returns the rows
 * @example for (const row of generateEvents({ users: 10, seed: 1 }, emptyTruth({ users: 10, seed: 1 }))) {}
 */
export function* generateEvents(
  options: GeneratorOptions,
  truth: GenerationTruth,
): Generator<GeneratedRow> {
  const random = randomSource(options.seed);
  const variants = options.variants ?? ['control', 'treatment'];
  const experimentId = options.experimentId ?? 'checkout-redesign';
  const mess = options.mess ?? true;
  let eventNumber = 0;
  const eventId = () => `e${(eventNumber += 1).toString().padStart(10, '0')}`;

  for (let user = 1; user <= options.users; user += 1) {
    const userId = `u${user.toString().padStart(9, '0')}`;
    const variantIndex = random.int(variants.length);
    const variant = variants[variantIndex] ?? 'control';
    const treated = variantIndex > 0;
    const device = random.pick(devices);
    const channel = random.pick(channels);
    const geo = random.pick(geos);
    const page = random.pick(pages);
    const exposedAt = start + random.next() * days * 24 * hour;
    const propensity = options.history === true ? Math.exp(1.2 * random.normal() - 0.72) : 1;
    const rows: (readonly [number, string, number | null, string, boolean])[] = [];
    const add = (
      time: number,
      type: string,
      value: number | null = null,
      rowVariant = variant,
      counts = true,
    ) => rows.push([time, type, value, rowVariant, counts]);

    if (mess && random.chance(0.3)) add(exposedAt - random.next() * 2 * hour, 'page_view');
    if (mess && random.chance(0.01))
      add(exposedAt - random.next() * hour, 'purchase', orderValue(random, device, false, 0));
    if (options.history === true) {
      const earlier = random.poisson(1.5 * propensity);
      for (let i = 0; i < earlier; i += 1) {
        const when = exposedAt - (0.5 + random.next() * 13) * 24 * hour;
        add(when, 'purchase', orderValue(random, device, false, 0));
      }
    }
    add(exposedAt, 'exposure');
    if (random.chance(0.05)) add(exposedAt + random.next() * 48 * hour, 'exposure');
    const excluded = mess && variants.length > 1 && random.chance(0.003);
    if (excluded) {
      const other = variants[(variantIndex + 1) % variants.length] ?? variant;
      add(exposedAt + random.next() * 24 * hour, 'exposure', null, other);
    }
    const views = 1 + random.poisson(2);
    for (let i = 0; i < views; i += 1) add(exposedAt + random.next() * 72 * hour, 'page_view');
    const rate = Math.min(
      0.95,
      0.06 *
        propensity *
        (deviceRate[device] ?? 1) *
        (channelRate[channel] ?? 1) *
        (treated ? 1 + (options.conversionLift ?? 0.1) : 1),
    );
    if (random.chance(Math.min(1, rate * 3)))
      add(exposedAt + random.next() * 72 * hour, 'add_to_cart');
    let converted = false;
    let revenue = 0;
    if (random.chance(rate)) {
      const purchases =
        options.history === true ? 1 + random.poisson(propensity) : random.chance(0.15) ? 2 : 1;
      for (let i = 0; i < purchases; i += 1) {
        const value = orderValue(random, device, treated, options.orderValueLift ?? 0);
        add(exposedAt + (0.1 + random.next() * 96) * hour, 'purchase', value);
        converted = true;
        revenue += value;
      }
    }
    if (!excluded) {
      const tally = (truth.variants[variant] ??= { users: 0, conversions: 0, revenue: 0 });
      tally.users += 1;
      tally.conversions += converted ? 1 : 0;
      tally.revenue += revenue;
    } else {
      truth.excluded_multiple_variants += 1;
    }

    rows.sort((a, b) => a[0] - b[0]);
    for (const [time, type, value, rowVariant] of rows) {
      const unparseable = mess && type === 'page_view' && random.chance(0.001);
      const row = [
        eventId(),
        userId,
        experimentId,
        rowVariant,
        type,
        unparseable ? '2026-13-45T99:00:00Z' : timestampText(random, time, mess),
        value === null ? '' : value.toFixed(2),
        device,
        channel,
        geo,
        page,
      ];
      truth.rows += 1;
      if (unparseable) {
        truth.rejected_rows += 1;
        yield row;
        continue;
      }
      truth.events += 1;
      yield row;
      if (mess && random.chance(0.002)) {
        truth.rows += 1;
        truth.duplicate_rows += 1;
        yield row;
      }
    }
  }
  for (const tally of Object.values(truth.variants))
    tally.revenue = Math.round(tally.revenue * 100) / 100;
}

/**
 * A truth record to fill while generating.
 * @param options - the generator options
 * @returns zeroed counts with every variant present
 * @example const truth = emptyTruth({ users: 100, seed: 1 })
 */
export function emptyTruth(options: GeneratorOptions): GenerationTruth {
  const variants = options.variants ?? ['control', 'treatment'];
  return {
    experiment_id: options.experimentId ?? 'checkout-redesign',
    conversion_lift: options.conversionLift ?? 0.1,
    order_value_lift: options.orderValueLift ?? 0,
    rows: 0,
    rejected_rows: 0,
    duplicate_rows: 0,
    events: 0,
    excluded_multiple_variants: 0,
    variants: Object.fromEntries(
      variants.map((v) => [v, { users: 0, conversions: 0, revenue: 0 }]),
    ),
  };
}

/** A lognormal order value in cents precision, larger on desktop. */
function orderValue(random: RandomSource, device: string, treated: boolean, lift: number): number {
  const base = 42 * (device === 'desktop' ? 1.3 : 1) * (treated ? 1 + lift : 1);
  return Math.round(base * Math.exp(0.6 * random.normal() - 0.18) * 100) / 100;
}

/** Most timestamps in ISO-8601 UTC; with mess some in epoch milliseconds or a +01:00 offset. */
function timestampText(random: RandomSource, time: number, mess: boolean): string {
  const ms = Math.round(time);
  if (mess) {
    const draw = random.next();
    if (draw < 0.1) return String(ms);
    if (draw < 0.15) return new Date(ms + hour).toISOString().replace('Z', '+01:00');
  }
  return new Date(ms).toISOString();
}
