/**
 * `abtest stats --vectors FILE` end to end: the real binary on the reference vectors
 * (../shared/reference/stats_vectors.json, SciPy 1.10 / statsmodels 0.13) agrees to the
 * README's tolerance (1e-6 relative, 1e-9 absolute near zero, p-values relative all the way
 * down); bad files fail with exit code 1 and one clear line on stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decisionVectorsPath,
  loadReferenceVectors,
  modelVectorsPath,
  projectRoot,
  referenceMismatches,
  referenceVectorsPath,
} from '../shared/stats/reference-tolerance.ts';

function runStats(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/abtest.js', 'stats', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'abtest-stats-')), name);
  writeFileSync(path, content);
  return path;
}

describe('abtest stats --vectors', () => {
  it.each([
    [
      '../shared/reference/stats_vectors.json',
      referenceVectorsPath,
      ['binomial', 'continuous', 'benjamini_hochberg', 'srm', 'regression'],
    ],
    [
      '../shared/reference/decision_vectors.json',
      decisionVectorsPath,
      [
        'cuped',
        'ratio',
        'winsorize',
        'power',
        'mde',
        'sequential',
        'corrections',
        'heterogeneity',
        'probability_best',
      ],
    ],
    [
      '../shared/reference/model_vectors.json',
      modelVectorsPath,
      ['poisson', 'quasi_poisson', 'ridge_logistic'],
    ],
  ])('computes every case of %s within tolerance', (argument, path, sections) => {
    const { status, stdout, stderr } = runStats('--vectors', argument);
    expect(status).toBe(0);
    expect(stderr).toBe('');
    const reference = loadReferenceVectors(path);
    const output = JSON.parse(stdout) as Record<string, { input: unknown; computed: unknown }[]>;
    expect(Object.keys(output)).toEqual(sections);
    for (const [section, cases] of Object.entries(output)) {
      const expected = reference[section] as { input: unknown; expected: unknown }[];
      expect(cases).toHaveLength(expected.length);
      cases.forEach((c, i) => {
        expect(Object.keys(c)).toEqual(['input', 'computed']);
        expect(c.input).toEqual(expected[i].input);
        expect(referenceMismatches(expected[i].expected, c.computed, `${section}[${i}]`)).toEqual(
          [],
        );
      });
    }
  });

  it('never reads "expected"', () => {
    const path = tempFile(
      'no-expected.json',
      JSON.stringify({
        srm: [{ input: { observed: [26726, 28749], expected_share: [0.5, 0.5] } }],
      }),
    );
    const { status, stdout } = runStats('--vectors', path);
    expect(status).toBe(0);
    const output = JSON.parse(stdout) as { srm: { computed: { p_value: number } }[] };
    expect(output.srm[0].computed.p_value).toBeCloseTo(8.765971994222781e-18, 25);
  });

  it.each([
    ['a missing file', null, 'no such file'],
    ['broken JSON', '{"binomial": [', 'not valid JSON'],
    ['a JSON array', '[1, 2]', 'expected a JSON object'],
    ['no known section', '{"clustering": []}', 'no section to compute'],
    [
      'a bad case',
      JSON.stringify({
        binomial: [
          {
            input: {
              control: { conversions: 5, users: 3 },
              treatment: { conversions: 1, users: 3 },
              alpha: 0.05,
            },
          },
        ],
      }),
      'section "binomial", case 0: invalid input: control: conversions must not exceed users',
    ],
    ['a case without input object', JSON.stringify({ srm: [42] }), 'section "srm", case 0'],
    [
      'a CUPED arm with more y than x',
      JSON.stringify({
        cuped: [
          {
            input: {
              arms: { control: { y: [1, 2], x: [1, 2] }, t: { y: [1, 2, 3], x: [1] } },
              control: 'control',
              alpha: 0.05,
            },
          },
        ],
      }),
      'section "cuped", case 0: invalid input: arms.t: y and x must have the same length',
    ],
    [
      'a power case without a baseline',
      JSON.stringify({
        power: [
          {
            input: {
              metric: 'binomial',
              relative_mde: 0.1,
              alpha: 0.05,
              power: 0.8,
              ratio: 1,
              arms: 2,
            },
          },
        ],
      }),
      'section "power", case 0: invalid input: baseline:',
    ],
    [
      'a sequential look with n = 0',
      JSON.stringify({
        sequential: [
          { input: { n_planned: 100, alpha: 0.05, looks: [{ estimate: 0, variance: 1, n: 0 }] } },
        ],
      }),
      'section "sequential", case 0: invalid input: looks.0.n:',
    ],
  ])('rejects %s with exit code 1 and a one-line message', (_, content, message) => {
    const path =
      content === null ? join(tmpdir(), 'abtest-no-such-file.json') : tempFile('bad.json', content);
    const { status, stdout, stderr } = runStats('--vectors', path);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(path);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('prints usage and exits 2 without --vectors', () => {
    const { status, stderr } = runStats();
    expect(status).toBe(2);
    expect(stderr).toContain('Usage: abtest stats --vectors FILE');
  });
});
