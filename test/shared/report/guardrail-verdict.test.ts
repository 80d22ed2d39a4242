/**
 * A harmed guardrail comes first: in the verdict's headline and sentences (page one), and the
 * verdict is unchanged when no guardrail is harmed.
 */
import { describe, expect, it } from 'vitest';
import { reportVerdict } from '../../../shared/report/index.ts';
import type { ExperimentResult } from '../../../shared/result/result-document.ts';
import { sampleInput } from './report-inputs.ts';

describe('the verdict with guardrails', () => {
  const { experiment } = sampleInput();

  it('leads with a harmed guardrail', () => {
    const [conversion, revenue] = experiment.metrics;
    if (conversion === undefined || revenue === undefined) throw new Error('fixture');
    const harmed: ExperimentResult = {
      ...experiment,
      metrics: [
        conversion,
        {
          ...revenue,
          guardrail: { bad: 'decrease', harmed: true },
          comparisons: revenue.comparisons.map((c) => ({
            ...c,
            difference: -Math.abs(c.difference ?? 1),
            significant: true,
            guardrail_harmed: true,
          })),
        },
      ],
    };
    const plain = reportVerdict(experiment, 'conversion');
    const verdict = reportVerdict(harmed, 'conversion');
    expect(verdict.headline).toBe(`Guardrail harmed (revenue). ${plain.headline}`);
    expect(verdict.guardrails).toHaveLength(1);
    expect(verdict.sentences[0]).toMatch(/^Guardrail harmed: treatment lowered revenue/);
    expect(verdict.sentences.slice(1)).toEqual(plain.sentences);
  });

  it('says nothing of guardrails when none is harmed', () => {
    const verdict = reportVerdict(experiment, 'conversion');
    expect(verdict.guardrails).toEqual([]);
    expect(verdict.headline).not.toMatch(/Guardrail/);
  });
});
