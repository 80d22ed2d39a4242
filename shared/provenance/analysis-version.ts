/**
 * The analysis version: derived from the code, never kept by hand. It is the SHA-256 over every
 * file of the statistics code path (`shared/stats/`, `shared/models/`, `shared/analysis/`, by
 * sorted path, line ends normalised to LF) and the engine's version (nodejs-polars, from
 * package.json). Any edit there changes it, and with it every fingerprint and analysis id.
 *
 * From the sources (a clone, `npx abtest`, the tests) it is computed once per process. A build
 * (`npm run build`, and so `npm run package:functions`) has no sources beside the compiled
 * code: it writes `analysis-version.json` beside this module, computed from the same sources,
 * and that is read instead. Git plays no part. See docs/report.md, "Provenance".
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folders of the statistics code path, relative to the repository root. */
export const analysisCodeFolders: readonly string[] = [
  'shared/stats',
  'shared/models',
  'shared/analysis',
];

/** The engine whose version is part of the analysis version. */
const enginePackage = 'nodejs-polars';

/** The file a build writes beside this module. */
export const analysisVersionFileName = 'analysis-version.json';

/**
 * Computes the analysis version from a source tree.
 * @param root - the repository root (holding package.json and shared/)
 * @returns 64 hex digits
 * @throws {Error} when the folders or package.json are missing
 * @example computeAnalysisVersion('/work/abtest') // '3f1c…'
 */
export function computeAnalysisVersion(root: string): string {
  const hash = createHash('sha256');
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  hash.update(`engine ${enginePackage}@${manifest.dependencies?.[enginePackage] ?? 'none'}\n`);
  for (const file of analysisCodeFolders.flatMap((folder) => filesUnder(root, folder))) {
    const text = readFileSync(path.join(root, file), 'utf8').replace(/\r\n/g, '\n');
    hash.update(`${file}\n${Buffer.byteLength(text)}\n`).update(text);
  }
  return hash.digest('hex');
}

/** Every file under a folder, repository-relative with `/`, sorted. */
function filesUnder(root: string, folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    )
    .sort();
}

let cached: string | undefined;

/**
 * The analysis version of the running code: the built file when there is one, else computed
 * from the sources (once per process).
 * @returns 64 hex digits
 * @throws {Error} when neither the built file nor the sources are there
 * @example analysisVersion().length // 64
 */
export function analysisVersion(): string {
  if (cached !== undefined) return cached;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.join(here, analysisVersionFileName);
  if (existsSync(built)) {
    cached = (JSON.parse(readFileSync(built, 'utf8')) as { analysis_version: string })
      .analysis_version;
    return cached;
  }
  const root = path.resolve(here, '../..');
  if (!existsSync(path.join(root, analysisCodeFolders[0] ?? 'shared/stats'))) {
    throw new Error(
      `analysis version unknown: no ${analysisVersionFileName} beside ${here} and no sources to hash (build with npm run build)`,
    );
  }
  cached = computeAnalysisVersion(root);
  return cached;
}
