/**
 * The dashboard's number and time formatting (client/format.js, plain JavaScript run here as
 * it runs in the browser): fixed en-US conventions, UTC, the minus sign, and a mark for
 * missing values.
 */
import { describe, expect, it } from 'vitest';
import {
  displayText,
  formatCount,
  formatDifference,
  formatInterval,
  formatLift,
  formatMean,
  formatNumber,
  formatPValue,
  formatPercent,
  formatProbability,
  formatTime,
  missing,
} from '../../shared/http/dashboard/client/format.js';
import { forestScale, tickLabel } from '../../shared/http/dashboard/client/forest-scale.js';

describe('formatting', () => {
  it.each([
    [formatCount(1509), '1,509'],
    [formatCount(null), missing],
    [formatPercent(0.0656), '6.56%'],
    [formatPercent(-0.5, 1), '\u221250.0%'],
    [formatLift(0.1304), '+13.0%'],
    [formatLift(-0.0045), '\u22120.45%'],
    [formatLift(0.00001), '0.00%'],
    [formatLift(null), missing],
    [formatNumber(5896.72), '5,897'],
    [formatNumber(3.7512), '3.75'],
    [formatNumber(-0.012345), '\u22120.0123'],
    [formatNumber(0), '0.00'],
    [formatDifference(0.0085, 'binomial'), '+0.85 pp'],
    [formatDifference(-0.0098, 'binomial'), '\u22120.98 pp'],
    [formatDifference(0.224, 'continuous'), '+0.224'],
    [formatDifference(-1.05, 'continuous'), '\u22121.05'],
    [formatDifference(0, 'continuous'), '0.00'],
    [formatMean(0.0741, 'binomial'), '7.41%'],
    [formatMean(3.97, 'continuous'), '3.97'],
    [formatPValue(0.3612), '0.36'],
    [formatPValue(0.04321), '0.043'],
    [formatPValue(0.00012), '0.00012'],
    [formatPValue(3.2e-7), '3.2e\u22127'],
    [formatPValue(1e-300), '1.0e\u2212300'],
    [formatPValue(0), '< 1e-300'],
    [formatPValue(null), missing],
    [formatProbability(0.8187), '81.9%'],
    [formatProbability(0.9996), '> 99.9%'],
    [formatProbability(0.0004), '< 0.1%'],
    [formatInterval([-0.166, 0.426], formatLift), '[\u221216.6%, +42.6%]'],
    [formatInterval([null, 0.1], formatLift), `[${missing}, +10.0%]`],
    [formatInterval([null, null], formatLift), missing],
    [formatTime('2026-11-26T15:16:42.123Z'), '2026-11-26 15:16 UTC'],
    [formatTime('2026-11-26T16:16:42+01:00'), '2026-11-26 15:16 UTC'],
    [formatTime(null), missing],
  ])('writes %j', (written, expected) => {
    expect(written).toBe(expected);
  });
});

describe('the forest plot scale', () => {
  it('holds 0 and every interval, with round ticks labelled to the step', () => {
    const scale = forestScale([
      { relative_lift: 0.13, relative_lift_ci: [-0.166, 0.426] },
      { relative_lift: 0.06, relative_lift_ci: [null, 0.41] },
    ]);
    expect(scale.min).toBeLessThan(-0.166);
    expect(scale.max).toBeGreaterThan(0.426);
    expect(scale.step).toBeCloseTo(0.2, 12);
    expect(scale.ticks.map((tick) => tickLabel(tick, scale.step))).toEqual([
      '\u221220%',
      '0%',
      '+20%',
      '+40%',
    ]);
    expect(tickLabel(-0.025, 0.025)).toBe('\u22122.5%');
  });

  it('spans something around 0 when there is nothing to plot', () => {
    const scale = forestScale([{ relative_lift: null, relative_lift_ci: [null, null] }]);
    expect(scale.min).toBeLessThan(0);
    expect(scale.max).toBeGreaterThan(0);
    expect(scale.ticks).toContain(0);
  });
});

describe('displayText', () => {
  it('shows text up to 500 characters as it is', () => {
    const name = 'v'.repeat(500);
    expect(displayText(name)).toBe(name);
  });

  it('cuts longer text with a mark, never splitting a character', () => {
    expect(displayText(`long-${'x'.repeat(2_000_000)}`)).toBe(`long-${'x'.repeat(495)}\u2026`);
    expect(displayText('🎉'.repeat(600))).toBe(`${'🎉'.repeat(500)}\u2026`);
  });
});
