/**
 * The dashboard's build: the browser modules join into one script that compiles, the shipped
 * (generated) build equals what the files of client/ make now, and the page admits exactly its
 * own script and stylesheet.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import vm from 'node:vm';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import {
  buildDashboardSources,
  generatedBuildModule,
} from '../../shared/http/dashboard/dashboard-build.ts';
import { bundleModules } from '../../shared/http/dashboard/dashboard-bundle.ts';
import { shippedDashboardPage } from '../../shared/http/dashboard/dashboard-handler.ts';
import { renderDashboardPage } from '../../shared/http/dashboard/dashboard-page.ts';

const generatedFile = path.resolve('shared/http/dashboard/dashboard-build.generated.ts');

describe('the shipped build', () => {
  it('is what client/ makes now (else: npx vitest run test/dashboard/dashboard-build.test.ts -u)', async () => {
    const sources = await buildDashboardSources();
    const options = await prettier.resolveConfig(generatedFile);
    const text = await prettier.format(generatedBuildModule(sources), {
      ...options,
      filepath: generatedFile,
    });
    await expect(text).toMatchFileSnapshot(generatedFile);
  });

  it('compiles as one script and starts from app.js', async () => {
    const { script } = await buildDashboardSources();
    expect(() => new vm.Script(script)).not.toThrow();
    const order = [...script.matchAll(/^dashboardModules\.set\('([a-z-]+\.js)'/gm)].map(
      (m) => m[1],
    );
    expect(order.at(-1)).toBe('app.js');
    expect(order.indexOf('format.js')).toBeLessThan(order.indexOf('metric-section.js'));
    expect(script).not.toMatch(/^\s*(?:import|export)\b/m);
  });
});

describe('bundleModules', () => {
  const modules = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('runs dependencies first and hands on their exports, renamed imports included', () => {
    const script = bundleModules(
      modules({
        'app.js': "import { twice as double, base } from './math.js';\nresult.push(double(base));",
        'math.js':
          "import { one } from './one.js';\nexport const base = 20 + one;\nexport function twice(x) {\n  return 2 * x;\n}",
        'one.js': 'export const one = 1;',
      }),
      'app.js',
    );
    const result: number[] = [];
    vm.runInNewContext(script, { result });
    expect(result).toEqual([42]);
  });

  it('refuses a missing module, a cycle, other module syntax and a closing script tag', () => {
    expect(() =>
      bundleModules(modules({ 'app.js': "import { a } from './a.js';" }), 'app.js'),
    ).toThrow('app.js imports a.js, which does not exist');
    expect(() =>
      bundleModules(
        modules({
          'app.js': "import { a } from './a.js';",
          'a.js': "import { b } from './app.js';\nexport const a = 1;",
        }),
        'app.js',
      ),
    ).toThrow('import cycle through app.js');
    expect(() => bundleModules(modules({ 'app.js': 'export default 1;' }), 'app.js')).toThrow(
      /only "import/,
    );
    expect(() => bundleModules(modules({ 'app.js': "const x = '</script>';" }), 'app.js')).toThrow(
      /end its <script> element/,
    );
  });
});

describe('the page', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

  it('admits its own inline script and stylesheet by hash, same-origin requests, nothing else', () => {
    const { html, contentSecurityPolicy } = shippedDashboardPage();
    const script = /<script type="module">([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    expect(script.length).toBeGreaterThan(1000);
    expect(contentSecurityPolicy.split('; ')).toEqual([
      "default-src 'none'",
      `script-src 'sha256-${sha256(script)}'`,
      `style-src 'sha256-${sha256(style)}'`,
      "connect-src 'self'",
      'img-src data:',
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i);
    expect(style).not.toMatch(/@import|url\(/i);
  });

  it('refuses a stylesheet that would close its element', () => {
    expect(() => renderDashboardPage('void 0;', 'a{}</style><script>')).toThrow('</style');
  });
});
