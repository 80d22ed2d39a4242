/**
 * Joins the dashboard's browser modules (`client/*.js`, plain ES modules so they can be linted
 * and imported by tests) into the one inline script of the page, with no bundler: each module
 * becomes a function scope in dependency order, its `import { a, b as c } from './x.js'` a read
 * of the modules already run, its `export`ed declarations the value it hands on. Only that
 * subset of the module syntax is accepted. Pure.
 */

/** One `import { ... } from './x.js'` of a module. */
interface ModuleImport {
  readonly from: string;
  /** `a` or `a: c` for `a as c`, ready for a destructuring pattern. */
  readonly bindings: readonly string[];
}

const importPattern = /^import\s*\{([^}]*)\}\s*from\s*'\.\/([a-z0-9-]+\.js)';[ \t]*$/gm;
const exportPattern =
  /^export\s+((?:async\s+)?function\*?\s+|const\s+|let\s+|class\s+)([A-Za-z_$][\w$]*)/gm;
const otherModuleSyntax = /^\s*(?:import|export)\b/m;
/** Documentation comments starting a line, and `/* global ... *\/` lint hints: not shipped. */
const leadingComment = /^[ \t]*\/\*(?:\*|\s*global\s)[\s\S]*?\*\/[ \t]*\n/gm;
const registry = 'dashboardModules';

function parseBindings(name: string, list: string): string[] {
  return list
    .split(',')
    .map((binding) => binding.trim())
    .filter((binding) => binding !== '')
    .map((binding) => {
      const parts = /^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(binding);
      if (parts === null) throw new Error(`${name}: cannot read the import "${binding}"`);
      return parts[2] === undefined ? `${parts[1]}` : `${parts[1]}: ${parts[2]}`;
    });
}

function importsOf(name: string, source: string): ModuleImport[] {
  return [...source.matchAll(importPattern)].map((match) => ({
    from: match[2] ?? '',
    bindings: parseBindings(name, match[1] ?? ''),
  }));
}

function dependencyOrder(sources: ReadonlyMap<string, string>, entry: string): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, from: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`import cycle through ${name}`);
    const source = sources.get(name);
    if (source === undefined) throw new Error(`${from} imports ${name}, which does not exist`);
    state.set(name, 'visiting');
    for (const dependency of importsOf(name, source)) visit(dependency.from, name);
    state.set(name, 'done');
    order.push(name);
  };
  visit(entry, 'the page');
  return order;
}

function wrapModule(name: string, source: string): string {
  const exported = [...source.matchAll(exportPattern)].map((match) => match[2] ?? '');
  const body = source
    .replace(leadingComment, '')
    .replace(
      importPattern,
      (_line, list: string, from: string) =>
        `const { ${parseBindings(name, list).join(', ')} } = ${registry}.get('${from}');`,
    )
    .replace(exportPattern, (_match, keyword: string, declared: string) => keyword + declared);
  if (otherModuleSyntax.test(body)) {
    throw new Error(
      `${name}: only "import { ... } from './x.js'" and "export function|const|let|class" are supported`,
    );
  }
  return `// ${name}\n${registry}.set('${name}', (() => {\n${body}\nreturn { ${exported.join(', ')} };\n})());\n`;
}

/**
 * Joins the modules reachable from an entry module into one script.
 * @param sources - the modules' sources by file name (`app.js`, `format.js`, ...)
 * @param entry - the module to run, after the modules it imports
 * @returns the script, safe to place inside `<script>` (it never holds `</script` or `<!--`)
 * @throws {Error} on a missing module, an import cycle, unsupported module syntax, or text
 *   that would end the script element early
 * @example bundleModules(new Map([['app.js', "import { a } from './a.js';\na();"], ['a.js', 'export function a() {}']]), 'app.js')
 */
export function bundleModules(sources: ReadonlyMap<string, string>, entry: string): string {
  const script =
    `const ${registry} = new Map();\n` +
    dependencyOrder(sources, entry)
      .map((name) => wrapModule(name, sources.get(name) ?? ''))
      .join('');
  if (/<\/script|<!--|<script/i.test(script)) {
    throw new Error('the dashboard script holds text that would end its <script> element');
  }
  return script;
}
