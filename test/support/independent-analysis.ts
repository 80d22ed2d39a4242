/**
 * An independent, deliberately plain computation of what abtest must find in a generated
 * events CSV: rows parsed with a small RFC 4180 reader, the conventions of DESIGN.md applied
 * user by user in ordinary JavaScript (no polars, no shared code). Used to check the pipeline.
 */

/** Per-variant expectations. */
export interface IndependentVariant {
  users: number;
  conversions: number;
  revenue: number;
  revenueValues: number[];
}

/** What a correct analysis finds. */
export interface IndependentResult {
  readonly rows: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly events: number;
  readonly excluded: number;
  readonly variants: Record<string, IndependentVariant>;
}

/** Parses CSV text into records (RFC 4180: quotes, doubled quotes, newlines in quotes). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field.replace(/\r$/, ''));
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

function instant(text: string): number | null {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(text)) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  const [, year, month, day] = /^(\d{4})-(\d\d)-(\d\d)/.exec(text) ?? [];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCDate() === Number(day) ? ms : null;
}

/**
 * Analyses a generated events CSV the plain way.
 * @param text - the CSV text (header first)
 * @returns counts and per-variant sums
 */
export function analyseIndependently(text: string): IndependentResult {
  const [header = [], ...records] = parseCsv(text).filter((record) =>
    record.some((cell) => cell !== ''),
  );
  const at = (name: string) => header.indexOf(name);
  const seen = new Set<string>();
  let rejected = 0;
  let duplicates = 0;
  const events: { user: string; variant: string; type: string; time: number; value: number }[] = [];
  for (const record of records) {
    const time = instant(record[at('timestamp')] ?? '');
    if (time === null) {
      rejected += 1;
      continue;
    }
    const id = record[at('event_id')] ?? '';
    if (seen.has(id)) {
      duplicates += 1;
      continue;
    }
    seen.add(id);
    const value = record[at('value')] ?? '';
    events.push({
      user: record[at('user_id')] ?? '',
      variant: record[at('variant')] ?? '',
      type: record[at('event_type')] ?? '',
      time,
      value: value === '' ? 0 : Number(value),
    });
  }
  const exposures = new Map<string, { first: number; variants: Set<string>; variant: string }>();
  for (const event of events) {
    if (event.type !== 'exposure') continue;
    const entry = exposures.get(event.user);
    if (entry === undefined)
      exposures.set(event.user, {
        first: event.time,
        variants: new Set([event.variant]),
        variant: event.variant,
      });
    else {
      entry.variants.add(event.variant);
      if (event.time < entry.first) {
        entry.first = event.time;
        entry.variant = event.variant;
      }
    }
  }
  const purchases = new Map<string, number[]>();
  for (const event of events) {
    const entry = exposures.get(event.user);
    if (event.type !== 'purchase' || entry === undefined || event.time < entry.first) continue;
    purchases.set(event.user, [...(purchases.get(event.user) ?? []), event.value]);
  }
  const variants: Record<string, IndependentVariant> = {};
  let excluded = 0;
  for (const [user, entry] of exposures) {
    if (entry.variants.size > 1) {
      excluded += 1;
      continue;
    }
    const tally = (variants[entry.variant] ??= {
      users: 0,
      conversions: 0,
      revenue: 0,
      revenueValues: [],
    });
    const bought = purchases.get(user) ?? [];
    const revenue = bought.reduce((sum, value) => sum + value, 0);
    tally.users += 1;
    tally.conversions += bought.length > 0 ? 1 : 0;
    tally.revenue += revenue;
    tally.revenueValues.push(revenue);
  }
  return { rows: records.length, rejected, duplicates, events: events.length, excluded, variants };
}
