/**
 * The report's number formatting, the standard-font text filter and the chart axes.
 */
import { describe, expect, it } from 'vitest';
import { linearAxis, percentTick } from '../../../shared/report/chart-scale.ts';
import { oneLine, pdfSafeText } from '../../../shared/report/pdf-safe-text.ts';
import {
  formatAlpha,
  formatCount,
  formatInstant,
  formatInterval,
  formatNumber,
  formatPercent,
  formatPoints,
  formatProbability,
  formatPValue,
} from '../../../shared/report/report-format.ts';

describe('formatting', () => {
  it.each([
    [0.0123, '0.0123'],
    [0.012345, '0.0123'],
    [0.72125, '0.721'],
    [0.1, '0.100'],
    [0.00012, '0.0001'],
    [0.0000999, '<0.0001'],
    [1e-300, '<0.0001'],
    [1, '1.000'],
    [null, 'n/a'],
  ])('formatPValue(%s) = %s', (p, text) => {
    expect(formatPValue(p)).toBe(text);
  });

  it.each([
    [0.0656, false, '6.6%'],
    [0.123, true, '+12.3%'],
    [-0.166, true, '-16.6%'],
    [0.00058, false, '0.058%'],
    [0.0000001, true, '0.000%'],
    [-0.00000001, true, '0.000%'],
    [0, true, '0.0%'],
    [12.5, true, '+1,250%'],
    [null, true, 'n/a'],
  ])('formatPercent(%s, %s) = %s', (x, signed, text) => {
    expect(formatPercent(x, signed)).toBe(text);
  });

  it.each([
    [3.750026507620941, '3.750'],
    [1129030, '1,129,030'],
    [2990.43, '2,990'],
    [-0.08046304940405431, '-0.08046'],
    [0.0000123456, '1.235e-5'],
    [0, '0'],
    [null, 'n/a'],
  ])('formatNumber(%s) = %s', (x, text) => {
    expect(formatNumber(x)).toBe(text);
  });

  it('formats counts, points, probabilities, intervals, alpha and instants', () => {
    expect(formatCount(13798)).toBe('13,798');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    expect(formatPoints(0.008517)).toBe('+0.85 pp');
    expect(formatPoints(-0.0000001)).toBe('0.00 pp');
    expect(formatProbability(0.819278)).toBe('81.9%');
    expect(formatProbability(0.99995)).toBe('>99.9%');
    expect(formatProbability(0.00001)).toBe('<0.1%');
    expect(formatInterval([-0.166, 0.4257], (x) => formatPercent(x, true))).toBe(
      '[-16.6%, +42.6%]',
    );
    expect(formatInterval([null, 0.1], (x) => formatPercent(x))).toBe('[n/a, 10.0%]');
    expect(formatInterval([null, null], (x) => formatPercent(x))).toBe('n/a');
    expect(formatAlpha(0.05)).toBe('0.05');
    expect(formatAlpha(0.1)).toBe('0.1');
    expect(formatInstant('2026-11-26T14:10:29.939Z')).toBe('2026-11-26 14:10 UTC');
    expect(formatInstant('not a date')).toBe('not a date');
  });
});

describe('pdfSafeText', () => {
  it.each([
    ['plain ASCII', 'plain ASCII'],
    ['Größe café €5 – “quoted”', 'Größe café €5 – “quoted”'],
    ['Łódź ő', 'Lódz o'],
    ['東京 🎉 ✓', '?? ? ?'],
    ['tab\there\u0007bell', 'tab here bell'],
    ['line\r\nbreak', 'line\nbreak'],
    ['ﬁ', 'fi'],
  ])('pdfSafeText(%j) = %j', (text, safe) => {
    expect(pdfSafeText(text)).toBe(safe);
  });

  it('puts user strings on one line', () => {
    expect(oneLine('a\r\n b\tc')).toBe('a b c');
  });
});

describe('chart axes', () => {
  it('covers the values with nice ticks', () => {
    const axis = linearAxis([0, -0.166, 0.4257], 100, 400);
    expect(axis.ticks).toEqual([-0.2, 0, 0.2, 0.4, 0.6]);
    expect(axis.map(-0.2)).toBe(100);
    expect(axis.map(0.6)).toBe(400);
  });

  it('survives a single value and no values', () => {
    expect(linearAxis([0], 0, 1).ticks.length).toBeGreaterThan(1);
    expect(linearAxis([], 0, 1).ticks.length).toBeGreaterThan(1);
  });

  it('labels percent ticks with the decimals the spacing needs', () => {
    expect(percentTick(0.2, 0.2)).toBe('+20%');
    expect(percentTick(-0.025, 0.025)).toBe('-2.5%');
    expect(percentTick(0, 0.05)).toBe('0%');
    expect(percentTick(0.005, 0.005)).toBe('+0.5%');
  });
});
