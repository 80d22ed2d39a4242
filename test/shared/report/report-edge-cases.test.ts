/**
 * Reports for awkward experiments render without throwing and say what they cannot show:
 * several treatments, one metric type only, empty arms, no models, no cumulative data, no
 * batches, no metrics, tiny samples (Fisher's test), long and unicode names.
 */
import { describe, expect, it } from 'vitest';
import { renderReportPdf, reportCsv, type ReportInput } from '../../../shared/report/index.ts';
import { flat, pdfText, rasterise } from './pdf-tools.ts';
import { sampleInput, syntheticInput, type SyntheticSpec } from './report-inputs.ts';

const longName =
  'Variante très longue avec un nom interminable — 中文 ✓ emoji 🎉 and many more words that keep going';

const cases: readonly [string, () => ReportInput, readonly string[]][] = [
  [
    'three treatments, a long unicode name, an empty formula-like arm and a flagged SRM',
    () =>
      syntheticInput({
        arms: [
          { name: 'control', users: 3000, rate: 0.05 },
          { name: 'bold-cta', users: 3000, rate: 0.065 },
          { name: longName, users: 3000, rate: 0.04 },
          { name: "=cmd|' /C calc'!A0", users: 0, rate: 0.05 },
        ],
      }),
    [
      'Warning: sample ratio mismatch',
      "=cmd|' /C calc'!A0 cannot be compared (0 users)",
      'Variante très longue avec un nom',
      '— ?? ? emoji ?',
    ],
  ],
  [
    'continuous metric only',
    () =>
      syntheticInput({
        arms: [
          { name: 'control', users: 800, rate: 0.3, orderValue: 40 },
          { name: 'treatment', users: 800, rate: 0.3, orderValue: 48 },
        ],
        metrics: ['revenue'],
      }),
    ['Key numbers: revenue', 'Welch t', "Cohen's d", 'linear regression'],
  ],
  [
    'binomial metric only, no attributes and no models',
    () =>
      syntheticInput({
        arms: [
          { name: 'A', users: 500, rate: 0.1 },
          { name: 'B', users: 500, rate: 0.12 },
        ],
        metrics: ['conversion'],
        attributes: false,
        models: false,
      }),
    ['No regression model was fitted for conversion', 'A (control)', 'Chi-square'],
  ],
  [
    'tiny arms (Fisher exact test)',
    () =>
      syntheticInput({
        arms: [
          { name: 'control', users: 12, rate: 0.1 },
          { name: 'treatment', users: 12, rate: 0.2 },
        ],
        days: 1,
      }),
    ['Fisher exact'],
  ],
  [
    'no users at all',
    () =>
      syntheticInput({
        arms: [
          { name: 'control', users: 0, rate: 0.1 },
          { name: 'treatment', users: 0, rate: 0.1 },
        ],
      }),
    [
      'Not enough data to compare conversion',
      'could not be fitted',
      'The sample-ratio check could not be run',
    ],
  ],
  [
    'no cumulative lift, no batches, no name, unicode hypothesis',
    () => ({
      ...sampleInput(),
      name: null,
      hypothesis: `Länger als erlaubt: ${'Ünïcödé 中文 '.repeat(80)}`,
      cumulativeLift: [],
      batches: [],
    }),
    [
      'Cumulative lift over time is not available',
      'No batch details came with this analysis',
      'Hypothesis: Länger als erlaubt',
    ],
  ],
  [
    'no metrics and no models',
    () => {
      const input = sampleInput();
      return {
        ...input,
        experiment: { ...input.experiment, metrics: [], models: [] },
        primaryMetric: null,
      };
    },
    ['No metrics were analysed', 'The analysis holds no metrics'],
  ],
];

describe('renderReportPdf edge cases', () => {
  it.each(cases)('%s', async (_, build, phrases) => {
    const input = build();
    const pdf = await renderReportPdf(input);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = flat(pdfText(pdf));
    expect(text).toContain(`Experiment id: ${input.experiment.experiment_id}`);
    expect(text).toContain('Page 1 of');
    for (const phrase of phrases) expect(text, phrase).toContain(phrase);
    expect(text).not.toMatch(/NaN|undefined|Infinity|\[object/);
    const { pages, images, errors } = rasterise(pdf);
    expect(images).toBe(pages);
    expect(errors).toBe('');
    expect((await renderReportPdf(input)).equals(pdf)).toBe(true);
    expect(() => reportCsv(input.experiment)).not.toThrow();
  });

  it('renders many treatments across pages with repeated table headers', async () => {
    const arms = Array.from({ length: 12 }, (_, i) => ({
      name: i === 0 ? 'control' : `treatment-${String(i).padStart(2, '0')}-${'x'.repeat(i * 6)}`,
      users: 400,
      rate: 0.1 + i * 0.004,
    }));
    const spec: SyntheticSpec = { arms, models: false };
    const pdf = await renderReportPdf(syntheticInput(spec));
    const text = flat(pdfText(pdf));
    expect(text).toContain('treatment-11');
    expect(rasterise(pdf).errors).toBe('');
  });
});
