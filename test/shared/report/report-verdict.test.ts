/**
 * Page one's words: the verdict on the primary metric (won, lost, mixed, no difference, not
 * enough data), the other metrics, the model-adjusted sentence and the data-trust findings.
 */
import { describe, expect, it } from 'vitest';
import { modelAdjustedSentence, explainModelFlag } from '../../../shared/report/model-words.ts';
import { reportVerdict, trustFindings } from '../../../shared/report/index.ts';
import type { ExperimentResult } from '../../../shared/result/result-document.ts';
import { sampleInput, syntheticInput } from './report-inputs.ts';

const sample = sampleInput().experiment;

function withComparison(
  experiment: ExperimentResult,
  metric: number,
  patch: Partial<ExperimentResult['metrics'][number]['comparisons'][number]>,
): ExperimentResult {
  return {
    ...experiment,
    metrics: experiment.metrics.map((m, i) =>
      i === metric ? { ...m, comparisons: m.comparisons.map((c) => ({ ...c, ...patch })) } : m,
    ),
  };
}

describe('reportVerdict', () => {
  it('says honestly that the sample shows no significant difference', () => {
    const verdict = reportVerdict(sample, 'conversion');
    expect(verdict.tone).toBe('neutral');
    expect(verdict.headline).toBe('No significant difference in conversion');
    expect(verdict.sentences).toEqual([
      'With treatment, conversion was 7.4% against 6.6% with control (+13.0%, 95% interval ' +
        '-16.6% to +42.6%). The difference is not statistically significant (adjusted p-value ' +
        '0.721), so it may be chance; probability treatment beats control: 81.9%.',
    ]);
    expect(verdict.otherMetrics).toEqual([
      'revenue: treatment +6.0% (not significant, adjusted p-value 0.731).',
    ]);
  });

  it('names the winner, by how much and how sure', () => {
    const won = withComparison(sample, 0, { significant: true, p_value_adjusted: 0.0123 });
    const verdict = reportVerdict(won, 'conversion');
    expect(verdict.tone).toBe('positive');
    expect(verdict.headline).toBe('Winner on conversion: treatment beat control');
    expect(verdict.sentences[0]).toBe(
      'The treatment variant raised conversion from 6.6% to 7.4% (+13.0%, 95% interval -16.6% ' +
        'to +42.6%). The difference is statistically significant (adjusted p-value 0.0123); ' +
        'probability treatment beats control: 81.9%.',
    );
  });

  it('flags a trade-off against another metric as mixed', () => {
    const won = withComparison(sample, 0, { significant: true, p_value_adjusted: 0.01 });
    const traded = withComparison(won, 1, {
      significant: true,
      difference: -0.5,
      relative_lift: -0.12,
      relative_lift_ci: [-0.2, -0.04],
      p_value_adjusted: 0.003,
    });
    const verdict = reportVerdict(traded, 'conversion');
    expect(verdict.tone).toBe('mixed');
    expect(verdict.headline).toContain('with a trade-off on another metric');
    expect(verdict.sentences.at(-1)).toBe(
      'Mixed outcome: treatment also lowered revenue significantly (-12.0%, 95% interval -20.0% ' +
        'to -4.0%; adjusted p-value 0.0030).',
    );
  });

  it('reports losses and mixed results across treatments', () => {
    const lost = syntheticInput({
      arms: [
        { name: 'control', users: 6000, rate: 0.08 },
        { name: 'worse', users: 6000, rate: 0.05 },
      ],
      metrics: ['conversion'],
      models: false,
    }).experiment;
    expect(reportVerdict(lost, 'conversion')).toMatchObject({
      tone: 'negative',
      headline: 'Loss on conversion: worse did worse than control',
    });
    const mixed = syntheticInput({
      arms: [
        { name: 'control', users: 6000, rate: 0.06 },
        { name: 'better', users: 6000, rate: 0.09 },
        { name: 'worse', users: 6000, rate: 0.035 },
      ],
      metrics: ['conversion'],
      models: false,
    }).experiment;
    const verdict = reportVerdict(mixed, 'conversion');
    expect(verdict.tone).toBe('mixed');
    expect(verdict.headline).toBe('Mixed result on conversion: better raised it, worse lowered it');
    expect(verdict.sentences).toHaveLength(2);
  });

  it('says when there is not enough data', () => {
    const empty = syntheticInput({
      arms: [
        { name: 'control', users: 0, rate: 0.1 },
        { name: 'treatment', users: 0, rate: 0.1 },
      ],
    }).experiment;
    const verdict = reportVerdict(empty, 'conversion');
    expect(verdict.tone).toBe('insufficient');
    expect(verdict.headline).toBe('Not enough data to compare conversion');
    expect(verdict.sentences[0]).toContain('(users: control 0, treatment 0)');
    expect(reportVerdict({ ...sample, metrics: [] }, null).headline).toBe(
      'No metrics were analysed',
    );
  });

  it('leads with the primary metric, else the first', () => {
    expect(reportVerdict(sample, 'revenue').metric).toBe('revenue');
    expect(reportVerdict(sample, 'unknown').metric).toBe('conversion');
    expect(reportVerdict(sample, null).metric).toBe('conversion');
  });
});

describe('modelAdjustedSentence', () => {
  it('states the adjusted effect of the primary metric in one sentence', () => {
    expect(modelAdjustedSentence(sample, 'conversion')).toBe(
      'Adjusted for channel, device, geo and landing_page, a logistic regression puts the effect ' +
        'on conversion (in percentage points of probability) at: treatment +0.91 pp (95% interval ' +
        '-0.91 pp to +2.73 pp, which includes zero).',
    );
    expect(modelAdjustedSentence({ ...sample, models: [] }, 'conversion')).toBe(
      'No regression model was fitted for conversion.',
    );
  });

  it('explains flags in words', () => {
    expect(explainModelFlag('dropped_constant: site')).toBe(
      'site was left out: it has a single value among the analysed users.',
    );
    expect(explainModelFlag('not_fitted: constant_outcome')).toContain(
      'every user has the same outcome',
    );
    expect(explainModelFlag('ridge_fallback: separation')).toContain('ridge penalty');
    expect(explainModelFlag('something_new: x')).toBe('something_new: x');
  });
});

describe('trustFindings', () => {
  const { batches } = sampleInput();

  it('summarises SRM, rejected rows, duplicates and excluded users', () => {
    expect(trustFindings(sample, batches)).toEqual([
      {
        level: 'ok',
        text:
          'Sample ratio check passed: users split control 1,509 (50.4%) and treatment 1,484 ' +
          '(49.6%) against an equal split (50.0% each) (p-value 0.648).',
      },
      {
        level: 'ok',
        text:
          'Rows: 13,798 read from 1 batch; 8 (0.058%) were rejected as invalid and 31 duplicate ' +
          'rows were dropped.',
      },
      {
        level: 'ok',
        text: '7 users (0.23% of exposed users) saw more than one variant and were excluded.',
      },
    ]);
  });

  it('raises an alarm on a sample ratio mismatch and cautions on empty arms', () => {
    const flagged = { ...sample, srm: { ...sample.srm, flagged: true, p_value: 1e-9 } };
    const [srm] = trustFindings(flagged, batches);
    expect(srm?.level).toBe('alarm');
    expect(srm?.text).toContain('should not be trusted');
    expect(srm?.text).toContain('p-value <0.0001');
    const empty = {
      ...sample,
      srm: { ...sample.srm, observed: { control: 1509, treatment: 0 } },
    };
    expect(trustFindings(empty, []).map((f) => f.level)).toContain('caution');
  });
});
