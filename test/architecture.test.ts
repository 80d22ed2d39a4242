/**
 * CONVENTIONS "Floors, and which way arrows run", enforced: every import of a `.ts` (or `.js`)
 * file under shared/, functions/ and bin/ is read with TypeScript's own pre-processor (static
 * imports, `export ... from`, `import type`, dynamic `import()`) and must run downward: a file
 * may import its own floor or a floor below it, never one above it nor one beside it (the pure
 * core never imports an adapter). So the pure core and base import no adapter, record, stage,
 * HTTP module or entry point; records import no stage, HTTP module or entry point; stages no
 * HTTP module or entry point; and nothing in shared/ imports functions/. And no dependency
 * without a user: every runtime dependency is imported there, and nothing there imports a
 * package the functions' production install lacks.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/**
 * The floors, top to bottom. `level` orders them: an import may go to the same floor or to a
 * lower level, never up nor sideways to another floor of the same level. A folder (or a file)
 * of shared/ is on exactly one floor: a new folder is one more entry in its floor's list.
 */
const floors: readonly { floor: string; level: number; paths: readonly string[] }[] = [
  {
    floor: 'entry point',
    level: 5,
    paths: ['bin', 'functions', 'shared/cli', 'shared/local', 'shared/runtime'],
  },
  { floor: 'HTTP', level: 4, paths: ['shared/http'] },
  { floor: 'stage', level: 3, paths: ['shared/stages'] },
  { floor: 'record', level: 2, paths: ['shared/store', 'shared/webhooks'] },
  {
    floor: 'pure core',
    level: 1,
    paths: [
      'shared/stats',
      'shared/models',
      'shared/analysis',
      'shared/result',
      'shared/events',
      'shared/units',
      'shared/report',
      'shared/generate',
      'shared/experiments',
      'shared/assignment',
      'shared/live',
      'shared/provenance',
      'shared/moments',
      'shared/warehouse',
    ],
  },
  { floor: 'adapter', level: 1, paths: ['shared/adapters'] },
  {
    floor: 'base',
    level: 0,
    // csv, random and net are leaf utilities (they import nothing of ours): the core and the
    // adapters both use them, and config checks webhook URLs with net's rules.
    paths: [
      'shared/config',
      'shared/errors',
      'shared/logging',
      'shared/messages',
      'shared/csv',
      'shared/random',
      'shared/net',
      'shared/tracing',
      'shared/version.ts',
    ],
  },
];

/** The folders whose files are checked, relative to the repository root. */
const roots = ['shared', 'functions', 'bin'];

/** Runtime dependencies no file imports by name: nodejs-polars loads its platform binary. */
const loadedIndirectly = ['nodejs-polars-linux-x64-gnu'];

/** One source file: its path relative to the repository root (with `/`), and its text. */
interface SourceFile {
  readonly file: string;
  readonly text: string;
}

/** The floor of a repository-relative path, or undefined when no entry covers it. */
function floorOf(file: string): (typeof floors)[number] | undefined {
  return floors.find((floor) =>
    floor.paths.some((entry) => file === entry || file.startsWith(`${entry}/`)),
  );
}

/** The import specifiers of a file, as written. */
function specifiersOf(source: SourceFile): string[] {
  return ts.preProcessFile(source.text, true, true).importedFiles.map((i) => i.fileName);
}

/** The package a bare specifier names (`@scope/name` or `name`), or undefined for a path or a built-in. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

/**
 * Runtime dependencies nothing imports, and imported packages that are not runtime
 * dependencies (a dev dependency is missing from the functions' production install).
 * @param sources - the files of shared/, functions/ and bin/
 * @param dependencies - package.json's `dependencies`
 * @returns one sentence per problem
 */
function dependencyProblems(
  sources: readonly SourceFile[],
  dependencies: readonly string[],
): string[] {
  const imported = new Map<string, string>();
  for (const source of sources) {
    for (const name of specifiersOf(source).map(packageOf)) {
      if (name !== undefined && !imported.has(name)) imported.set(name, source.file);
    }
  }
  return [
    ...dependencies
      .filter((name) => !imported.has(name) && !loadedIndirectly.includes(name))
      .map((name) => `${name}: a dependency nothing in ${roots.join('/, ')}/ imports`),
    ...[...imported]
      .filter(([name]) => !dependencies.includes(name))
      .map(([name, file]) => `${file} imports ${name}, which is not a runtime dependency`),
  ];
}

/** The relative imports of a file, resolved to repository-relative paths. */
function importsOf(source: SourceFile): string[] {
  return specifiersOf(source)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) =>
      path.posix.normalize(path.posix.join(path.posix.dirname(source.file), specifier)),
    );
}

/**
 * Every import that does not run downward, and every checked file no floor covers.
 * @param sources - the files to check
 * @returns one sentence per problem, empty when the house is in order
 */
function floorViolations(sources: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const source of sources) {
    const from = floorOf(source.file);
    if (from === undefined) {
      problems.push(`${source.file}: on no floor (add its folder to the floors table)`);
      continue;
    }
    for (const target of importsOf(source)) {
      if (!roots.some((root) => target.startsWith(`${root}/`))) continue;
      const to = floorOf(target);
      if (to === undefined) {
        problems.push(`${source.file} imports ${target}, which is on no floor`);
      } else if (to !== from && to.level >= from.level) {
        problems.push(
          `${source.file} (${from.floor}) imports ${target} (${to.floor}): ${
            to.level > from.level ? 'upward' : 'sideways'
          }`,
        );
      }
    }
  }
  return problems;
}

async function sourcesUnder(folder: string): Promise<SourceFile[]> {
  const entries = await readdir(path.join(repoRoot, folder), { recursive: true });
  const files = entries
    .map((entry) => path.posix.join(folder, entry.split(path.sep).join('/')))
    .filter((file) => /\.(ts|js|mjs|cjs)$/.test(file))
    .sort();
  return Promise.all(
    files.map(async (file) => ({ file, text: await readFile(path.join(repoRoot, file), 'utf8') })),
  );
}

let sources: SourceFile[];
let dependencies: string[];

beforeAll(async () => {
  sources = (await Promise.all(roots.map(sourcesUnder))).flat();
  const packageJson = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8'));
  dependencies = Object.keys(packageJson.dependencies);
});

describe('the floors of the house', () => {
  it('reads the whole tree', () => {
    expect(sources.length).toBeGreaterThan(200);
    const files = sources.map((source) => source.file);
    expect(files).toContain('bin/abtest.js');
    expect(files).toContain('functions/index.ts');
    expect(files).toContain('shared/store/experiment-summary.ts');
  });

  it('sees every kind of import', () => {
    const text = [
      "import { a } from '../store/a.ts';",
      "import type { B } from '../stages/b.ts';",
      "export { c } from '../http/c.ts';",
      "const d = await import('../../functions/d.ts');",
      "import { e } from 'zod';",
    ].join('\n');
    expect(importsOf({ file: 'shared/report/x.ts', text })).toEqual([
      'shared/store/a.ts',
      'shared/stages/b.ts',
      'shared/http/c.ts',
      'functions/d.ts',
    ]);
  });

  it('has every import of shared/, functions/ and bin/ running downward', () => {
    expect(floorViolations(sources)).toEqual([]);
  });

  it.each([
    ['shared/stats/x.ts', '../adapters/database/database.ts', 'pure core', 'adapter', 'sideways'],
    ['shared/result/x.ts', '../store/analysis-records.ts', 'pure core', 'record', 'upward'],
    ['shared/report/x.ts', '../webhooks/fire-webhooks.ts', 'pure core', 'record', 'upward'],
    ['shared/events/x.ts', '../stages/validate.ts', 'pure core', 'stage', 'upward'],
    ['shared/units/x.ts', '../http/router.ts', 'pure core', 'HTTP', 'upward'],
    ['shared/config/x.ts', '../cli/main.ts', 'base', 'entry point', 'upward'],
    ['shared/errors/x.ts', '../stats/index.ts', 'base', 'pure core', 'upward'],
    ['shared/store/x.ts', '../stages/stage-deps.ts', 'record', 'stage', 'upward'],
    ['shared/webhooks/x.ts', '../local/run-files.ts', 'record', 'entry point', 'upward'],
    ['shared/stages/x.ts', '../http/route.ts', 'stage', 'HTTP', 'upward'],
    ['shared/stages/x.ts', '../runtime/function-runtime.ts', 'stage', 'entry point', 'upward'],
    ['shared/http/x.ts', '../../functions/index.ts', 'HTTP', 'entry point', 'upward'],
  ])('flags %s importing %s', (file, specifier, from, to, direction) => {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    const bad = { file, text: `import type { X } from '${specifier}';\n` };
    expect(floorViolations([bad])).toEqual([
      `${file} (${from}) imports ${target} (${to}): ${direction}`,
    ]);
  });

  it('lets a floor import itself and the floors below it', () => {
    const good = {
      file: 'shared/stages/x.ts',
      text: [
        "import { a } from './analyze.ts';",
        "import { b } from '../store/batch-records.ts';",
        "import { c } from '../stats/index.ts';",
        "import { d } from '../adapters/database/database.ts';",
        "import { e } from '../errors/errors.ts';",
      ].join('\n'),
    };
    expect(floorViolations([good])).toEqual([]);
  });

  it('flags a folder no floor covers', () => {
    expect(floorViolations([{ file: 'shared/pricing/x.ts', text: '' }])).toEqual([
      'shared/pricing/x.ts: on no floor (add its folder to the floors table)',
    ]);
    expect(
      floorViolations([{ file: 'shared/stats/x.ts', text: "import '../pricing/y.ts';" }]),
    ).toEqual(['shared/stats/x.ts imports shared/pricing/y.ts, which is on no floor']);
  });
});

describe('the dependencies', () => {
  it('has a user for every runtime dependency, and imports no dev dependency', () => {
    expect(dependencyProblems(sources, dependencies)).toEqual([]);
  });

  it('flags a dependency nobody imports and an import of a package that is not one', () => {
    const files = [
      { file: 'shared/stats/x.ts', text: "import ss from 'simple-statistics';\nimport 'node:fs';" },
      { file: 'shared/models/y.ts', text: "import { Matrix } from 'ml-matrix/src/index.js';" },
      { file: 'bin/z.js', text: "import { z } from '@scope/pkg/sub';" },
    ];
    expect(dependencyProblems(files, ['ml-matrix', '@scope/pkg', 'arquero'])).toEqual([
      'arquero: a dependency nothing in shared/, functions/, bin/ imports',
      'shared/stats/x.ts imports simple-statistics, which is not a runtime dependency',
    ]);
  });
});
