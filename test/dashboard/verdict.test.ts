/**
 * Which verdict leads the dashboard's verdict card (client/verdict.js, plain JavaScript run here
 * as in the browser): the frequentist test by default, P(beats control) when the definition's
 * `algorithm` is `bayesian` and the comparison has a posterior.
 */
import { describe, expect, it } from 'vitest';
import { bayesianCall, verdictLead } from '../../shared/http/dashboard/client/verdict.js';

const comparison = (significant: boolean, lift: number | null, probability: number | null) => ({
  variant: 'B',
  control: 'A',
  significant,
  relative_lift: lift,
  bayesian: probability === null ? null : { prob_beat_control: probability, expected_loss: 0.001 },
});
const bayesian = { algorithm: { type: 'bayesian' } };

describe('verdictLead', () => {
  it('leads with the frequentist test by default, and with algorithm frequentist', () => {
    for (const definition of [null, { algorithm: { type: 'frequentist' } }]) {
      expect(verdictLead(comparison(false, 0.04, 0.97), 'conversion', definition)).toEqual({
        by: 'frequentist',
        tone: 'neutral',
        headline: 'No significant difference on conversion.',
      });
      expect(verdictLead(comparison(true, -0.1, 0.01), 'conversion', definition)).toEqual({
        by: 'frequentist',
        tone: 'negative',
        headline: 'B does worse than A on conversion.',
      });
    }
  });

  it('leads with P(beats control) for algorithm bayesian, calling it at 95% either way', () => {
    expect(bayesianCall).toBe(0.95);
    expect(verdictLead(comparison(false, 0.04, 0.97), 'conversion', bayesian)).toEqual({
      by: 'bayesian',
      tone: 'positive',
      headline: 'B beats A on conversion: P(beats control) = 97.0%.',
    });
    expect(verdictLead(comparison(true, 0.04, 0.5), 'conversion', bayesian)).toEqual({
      by: 'bayesian',
      tone: 'neutral',
      headline: 'No clear winner on conversion: P(beats control) = 50.0%.',
    });
    expect(verdictLead(comparison(false, -0.04, 0.05), 'conversion', bayesian)).toMatchObject({
      tone: 'negative',
      headline: 'B does worse than A on conversion: P(beats control) = 5.0%.',
    });
  });

  it('falls back to the frequentist test when the comparison has no posterior', () => {
    expect(verdictLead(comparison(true, 0.2, null), 'revenue', bayesian)).toEqual({
      by: 'frequentist',
      tone: 'positive',
      headline: 'B beats A on revenue.',
    });
  });
});
