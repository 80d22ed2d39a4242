/**
 * The analysis version is derived from the statistics code path and the engine's version:
 * any edit there changes it, an edit elsewhere or a CRLF checkout does not, and the running
 * code reports the version of its own sources.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analysisCodeFolders,
  analysisVersion,
  computeAnalysisVersion,
} from '../../../shared/provenance/analysis-version.ts';

const repoRoot = path.resolve('.');
let tree: string;
let original: string;

beforeAll(async () => {
  tree = await mkdtemp(path.join(os.tmpdir(), 'abtest-analysis-version-'));
  await cp(path.join(repoRoot, 'package.json'), path.join(tree, 'package.json'));
  for (const folder of [...analysisCodeFolders, 'shared/report']) {
    await cp(path.join(repoRoot, folder), path.join(tree, folder), { recursive: true });
  }
  original = computeAnalysisVersion(tree);
});

afterAll(async () => {
  await rm(tree, { recursive: true, force: true });
});

/** Edits a file of the copy, computes the version, and puts the file back. */
async function versionAfter(file: string, edit: (text: string) => string): Promise<string> {
  const target = path.join(tree, file);
  const before = await readFile(target, 'utf8');
  await writeFile(target, edit(before));
  try {
    return computeAnalysisVersion(tree);
  } finally {
    await writeFile(target, before);
  }
}

describe('the analysis version', () => {
  it('is the one of the sources the running code came from', () => {
    expect(analysisVersion()).toBe(computeAnalysisVersion(repoRoot));
    expect(original).toBe(computeAnalysisVersion(repoRoot));
    expect(original).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['shared/stats/welch-t-test.ts'],
    ['shared/models/logistic-regression.ts'],
    ['shared/analysis/summarize-experiment.ts'],
  ])('changes with an edit of %s', async (file) => {
    expect(await versionAfter(file, (text) => `${text}// one more line\n`)).not.toBe(original);
  });

  it('changes with a new file on the code path and with the engine version', async () => {
    const added = path.join(tree, 'shared/stats/new-test.ts');
    await writeFile(added, 'export const x = 1;\n');
    const withFile = computeAnalysisVersion(tree);
    await rm(added);
    expect(withFile).not.toBe(original);
    expect(
      await versionAfter('package.json', (text) =>
        text.replace(/"nodejs-polars": "[^"]+"/, '"nodejs-polars": "0.0.1"'),
      ),
    ).not.toBe(original);
  });

  it('does not change with an edit off the code path, nor with CRLF line ends', async () => {
    expect(await versionAfter('shared/report/report-csv.ts', (text) => `${text}// x\n`)).toBe(
      original,
    );
    expect(
      await versionAfter('shared/stats/welch-t-test.ts', (text) => text.replace(/\n/g, '\r\n')),
    ).toBe(original);
  });
});
