/**
 * Part of `npm run build`: writes the analysis version, computed from the sources, beside the
 * compiled provenance module, since the built code has no sources to hash
 * (shared/provenance/analysis-version.ts).
 * Usage: tsx scripts/write-analysis-version.ts [OUT_DIR] (default dist/shared/provenance)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  analysisVersionFileName,
  computeAnalysisVersion,
} from '../shared/provenance/analysis-version.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist/shared/provenance'));
const version = computeAnalysisVersion(root);
writeFileSync(
  path.join(outDir, analysisVersionFileName),
  `${JSON.stringify({ analysis_version: version }, null, 2)}\n`,
);
process.stderr.write(`analysis version ${version}\n`);
