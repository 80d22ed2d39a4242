/**
 * The analyst's CSV: one row per (metric, variant) with every field, read back with an
 * independent RFC 4180 parser; formula-like variant names neutralised, numbers left as numbers.
 */
import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import { REPORT_CSV_COLUMNS, reportCsv } from '../../../shared/report/index.ts';
import type { ExperimentResult, Provenance } from '../../../shared/result/result-document.ts';
import { sampleInput, syntheticInput } from './report-inputs.ts';

interface ParsedField {
  readonly text: string;
  readonly quoted: boolean;
}

/** RFC 4180: fields split by commas, records by CRLF; quoted fields may hold both, "" is ". */
function parseCsv(csv: string): ParsedField[][] {
  const records: ParsedField[][] = [];
  let record: ParsedField[] = [];
  let i = 0;
  while (i < csv.length) {
    let text = '';
    let quoted = false;
    if (csv[i] === '"') {
      quoted = true;
      i += 1;
      for (;;) {
        if (i >= csv.length) throw new Error('unterminated quoted field');
        if (csv[i] === '"') {
          if (csv[i + 1] === '"') {
            text += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          text += csv[i];
          i += 1;
        }
      }
    } else {
      while (i < csv.length && csv[i] !== ',' && csv[i] !== '\r' && csv[i] !== '\n') {
        if (csv[i] === '"') throw new Error(`bare quote at ${i}`);
        text += csv[i];
        i += 1;
      }
    }
    record.push({ text, quoted });
    if (csv[i] === ',') {
      i += 1;
    } else if (csv.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else if (i < csv.length) {
      throw new Error(`expected a comma or CRLF at ${i}`);
    }
  }
  if (record.length > 0) records.push(record);
  return records;
}

function rowsOf(experiment: ExperimentResult): Record<string, ParsedField>[] {
  const records = parseCsv(reportCsv(experiment));
  if (experiment.provenance !== null) expect(records.shift()?.[0]?.text).toMatch(/^# /);
  const [header, ...rows] = records;
  expect(header?.map((f) => f.text)).toEqual([...REPORT_CSV_COLUMNS]);
  return rows.map((row) => {
    expect(row).toHaveLength(REPORT_CSV_COLUMNS.length);
    return Object.fromEntries(
      REPORT_CSV_COLUMNS.map((name, i) => [name, row[i] ?? { text: '', quoted: false }]),
    );
  });
}

const numberColumns = [
  'users',
  'sum',
  'mean',
  'sd',
  'ci_low',
  'ci_high',
  'statistic',
  'p_value',
  'p_value_adjusted',
  'difference',
  'difference_ci_low',
  'difference_ci_high',
  'relative_lift',
  'relative_lift_ci_low',
  'relative_lift_ci_high',
  'df',
  'cohens_d',
  'mann_whitney_u',
  'mann_whitney_p_value',
  'prob_beat_control',
  'expected_loss',
] as const;

describe('reportCsv', () => {
  const { experiment } = sampleInput();
  const rows = rowsOf(experiment);

  it('has one row per (metric, variant) in document order, with CRLF line ends', () => {
    expect(rows.map((r) => `${r.metric?.text}/${r.variant?.text}`)).toEqual([
      'conversion/control',
      'conversion/treatment',
      'revenue/control',
      'revenue/treatment',
    ]);
    const csv = reportCsv(experiment);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('carries every variant and comparison field with full precision', () => {
    const conversion = experiment.metrics[0];
    const treatment = conversion?.variants[1];
    const comparison = conversion?.comparisons[0];
    const row = rows[1];
    if (row === undefined || treatment === undefined || comparison === undefined)
      throw new Error('fixture');
    const value = (name: string): number => Number(row[name]?.text);
    expect(row.type?.text).toBe('binomial');
    expect(row.is_control?.text).toBe('false');
    expect(value('users')).toBe(treatment.users);
    expect(value('mean')).toBe(treatment.mean);
    expect(value('ci_high')).toBe(treatment.ci_high);
    expect(row.control?.text).toBe('control');
    expect(row.test?.text).toBe('chi_square');
    expect(value('p_value')).toBe(comparison.p_value);
    expect(value('p_value_adjusted')).toBe(comparison.p_value_adjusted);
    expect(row.significant?.text).toBe('false');
    expect(value('difference_ci_low')).toBe(comparison.difference_ci[0]);
    expect(value('relative_lift')).toBe(comparison.relative_lift);
    expect(value('relative_lift_ci_high')).toBe(comparison.relative_lift_ci[1]);
    expect(value('prob_beat_control')).toBe(comparison.bayesian?.prob_beat_control);
    expect(value('expected_loss')).toBe(comparison.bayesian?.expected_loss);
    expect(row.df?.text).toBe('');
    expect(row.mann_whitney_u?.text).toBe('');

    const revenue = rows[3];
    const welch = experiment.metrics[1]?.comparisons[0];
    expect(revenue?.test?.text).toBe('welch_t');
    expect(Number(revenue?.df?.text)).toBe(welch?.df);
    expect(Number(revenue?.cohens_d?.text)).toBe(welch?.cohens_d);
    expect(Number(revenue?.mann_whitney_u?.text)).toBe(welch?.mann_whitney?.u);
    expect(Number(revenue?.mann_whitney_p_value?.text)).toBe(welch?.mann_whitney?.p_value);
    expect(revenue?.prob_beat_control?.text).toBe('');
  });

  it('leaves the comparison cells of control rows empty', () => {
    const control = rows[0];
    expect(control?.is_control?.text).toBe('true');
    expect(Number(control?.users?.text)).toBe(1509);
    for (const name of REPORT_CSV_COLUMNS.slice(REPORT_CSV_COLUMNS.indexOf('control'))) {
      expect(control?.[name]?.text, name).toBe('');
    }
  });

  it('writes numbers unquoted and unprefixed, negative ones included', () => {
    for (const row of rows) {
      for (const name of numberColumns) {
        const field = row[name];
        expect(field?.quoted, name).toBe(false);
        if (field?.text !== '')
          expect(Number.isFinite(Number(field?.text)), `${name}=${field?.text}`).toBe(true);
      }
    }
    expect(rows[1]?.difference_ci_low?.text).toMatch(/^-0\.00975/);
  });

  it('neutralises formula-like variant names and quotes awkward ones', () => {
    const names = [
      "=cmd|' /C calc'!A0",
      '+1+2',
      '-2+3',
      '@SUM(A1:A9)',
      '\tTAB',
      '\rCR',
      'comma, "quote"\nnewline',
      'Größe 中文 🎉',
    ];
    const input = syntheticInput({
      arms: [
        { name: 'control', users: 200, rate: 0.1 },
        ...names.map((name) => ({ name, users: 200, rate: 0.1 })),
      ],
      models: false,
    });
    const parsed = rowsOf(input.experiment);
    const variants = new Set(parsed.map((r) => r.variant?.text));
    for (const name of names) {
      const safe = /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
      expect(variants.has(safe), JSON.stringify(name)).toBe(true);
    }
    for (const row of parsed) {
      expect(row.variant?.text).not.toMatch(/^[=+\-@\t\r]/);
      expect(row.control?.text).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(parsed).toHaveLength(2 * (names.length + 1));
  });
});

describe('reportCsv decision columns', () => {
  it('carries a ratio, a guardrail, the caps and the CUPED estimate; empty without them', () => {
    const { experiment } = sampleInput();
    const [conversion, revenue] = experiment.metrics;
    if (conversion === undefined || revenue === undefined) throw new Error('fixture');
    const cuped = {
      theta: 0.42,
      difference: 0.125,
      difference_ci: [0.01, 0.24] as [number, number],
      p_value: 0.031,
      variance_reduction: 0.37,
    };
    const decided: ExperimentResult = {
      ...experiment,
      metrics: [
        conversion,
        {
          ...revenue,
          winsorize: { lower: 0, upper: 99.9, lower_cap: 0, upper_cap: 812.5 },
          guardrail: { bad: 'decrease', harmed: true },
          comparisons: revenue.comparisons.map((c) => ({ ...c, cuped, guardrail_harmed: true })),
        },
      ],
    };
    const rows = rowsOf(decided);
    expect(rows[1]?.cuped_theta?.text).toBe('');
    expect(rows[1]?.guardrail_bad?.text).toBe('');
    const treated = rows[3];
    expect(treated?.winsorize_upper_cap?.text).toBe('812.5');
    expect(treated?.guardrail_bad?.text).toBe('decrease');
    expect(treated?.guardrail_harmed?.text).toBe('true');
    expect(
      [
        'cuped_theta',
        'cuped_difference',
        'cuped_difference_ci_low',
        'cuped_difference_ci_high',
        'cuped_p_value',
        'cuped_variance_reduction',
      ].map((name) => Number(treated?.[name]?.text)),
    ).toEqual([0.42, 0.125, 0.01, 0.24, 0.031, 0.37]);
    expect(rows[2]?.cuped_theta?.text).toBe('');
  });
});

describe('reportCsv, the sequential columns', () => {
  it('holds the confidence sequence, the always-valid p-value and the decision of each treatment', () => {
    const { experiment } = sampleInput();
    const [conversion, ...others] = experiment.metrics;
    const comparison = conversion!.comparisons[0]!;
    const watched: ExperimentResult = {
      ...experiment,
      metrics: [
        {
          ...conversion!,
          comparisons: [
            {
              ...comparison,
              sequential: {
                planned_users: 20000,
                planned_users_source: 'definition',
                n_planned: 20000,
                n: 2993,
                looks: 4,
                ci: [0.0012, 0.031],
                p_value: 0.0123,
                look_ci: [-0.002, 0.034],
                look_p_value: 0.05,
              },
              decision: { action: 'ship', reason: 'the sequence, [0.0012, 0.031], lies above 0' },
            },
          ],
        },
        ...others,
      ],
    };
    const rows = rowsOf(watched);
    const treatment = rows[1]!;
    expect(treatment.sequential_looks?.text).toBe('4');
    expect(treatment.sequential_n_planned?.text).toBe('20000');
    expect(treatment.sequential_ci_low?.text).toBe('0.0012');
    expect(treatment.sequential_ci_high?.text).toBe('0.031');
    expect(treatment.sequential_p_value?.text).toBe('0.0123');
    expect(treatment.decision?.text).toBe('ship');
    expect(treatment.decision_reason).toEqual({
      text: 'the sequence, [0.0012, 0.031], lies above 0',
      quoted: true,
    });
    expect(rows[0]?.decision?.text).toBe('');
  });
});

describe('the provenance row', () => {
  const { experiment } = sampleInput();
  const provenance: Provenance = {
    abtest_version: '0.1.0',
    engine: 'inprocess',
    analysis_version: 'a'.repeat(64),
    definition_version: 3,
    inputs: [{ batch_id: 'b_1', source: 'events.csv', sha256: 'b'.repeat(64), accepted: 10 }],
    request: null,
    computed_at: '2026-01-01T00:00:00.000Z',
    fingerprint: `0123456789abcdef01234567${'c'.repeat(40)}`,
  };
  const withProvenance = { ...experiment, provenance };

  it('comes first, one cell naming the version, the analysis and the fingerprint', () => {
    const [first, header] = parseCsv(reportCsv(withProvenance));
    expect(first).toEqual([
      {
        text: `# abtest_version=0.1.0 analysis_id=${experiment.analysis_id} fingerprint=${provenance.fingerprint} analysis_version=${'a'.repeat(64)} engine=inprocess`,
        quoted: false,
      },
    ]);
    expect(header?.map((f) => f.text)).toEqual([...REPORT_CSV_COLUMNS]);
    expect(rowsOf(withProvenance)).toEqual(rowsOf(experiment));
  });

  it('is skipped by a reader that knows comments: the table reads as without it', () => {
    const frame = pl.readCSV(reportCsv(withProvenance), { commentPrefix: '#' });
    expect(frame.columns).toEqual([...REPORT_CSV_COLUMNS]);
    expect(frame.height).toBe(4);
    expect(frame.getColumn('users').toArray()).toEqual(
      experiment.metrics.flatMap((metric) => metric.variants.map((variant) => variant.users)),
    );
  });

  it('stays one formula-safe cell whatever the version says', () => {
    const hostile = { ...provenance, abtest_version: '=1+2,"x"\r\n@y' };
    const csv = reportCsv({ ...withProvenance, provenance: hostile });
    const [first] = parseCsv(csv);
    expect(first).toHaveLength(1);
    expect(first?.[0]?.text).toMatch(/^# abtest_version==1\+2_x_@y analysis_id=/);
    expect(first?.[0]?.quoted).toBe(false);
  });

  it('is absent from an analysis stored before provenance existed', () => {
    expect(reportCsv(experiment).split('\r\n')[0]).toBe(REPORT_CSV_COLUMNS.join(','));
  });
});
