/**
 * `/docs`: the OpenAPI document as one readable HTML page, generated from the document itself,
 * self-contained (inline styles, no script, no font, no CDN): the introduction, a contents
 * list, every operation with its parameters, body and answers, and every schema. Pure.
 */
import type { OpenApiDocument, OpenApiOperation } from './openapi.ts';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: unknown;
}

interface Response {
  readonly description: string;
  readonly content?: Readonly<Record<string, { readonly schema?: unknown }>>;
}

const style = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#fafbfc}
main{max-width:980px;margin:0 auto;padding:24px 32px 64px}h1{margin:8px 0 4px}h2{margin-top:40px;border-bottom:2px solid #d8dde6}
section.op{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:12px 18px;margin:18px 0}
.method{display:inline-block;min-width:64px;text-align:center;font-weight:700;border-radius:4px;padding:2px 8px;color:#fff;margin-right:8px}
.get{background:#2f6fbf}.post{background:#2e8b57}.delete{background:#b23b3b}.path{font:600 15px ui-monospace,monospace}
.lock{font-size:12px;color:#6b7385;margin-left:8px}table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid #e6e9ef;text-align:left;padding:4px 8px;vertical-align:top}th{font-size:13px;color:#555e70}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}code{background:#eef1f6;padding:1px 4px;border-radius:3px}
pre{background:#f3f5f9;border:1px solid #e2e6ee;border-radius:4px;padding:10px;overflow-x:auto}ul.toc{columns:2}`;

/**
 * Renders the page.
 * @param document - the OpenAPI document
 * @returns the HTML
 * @example renderDocsPage(openApiDocument()).startsWith('<!doctype html>')
 */
export function renderDocsPage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  const anchor = (method: string, path: string) =>
    `${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  const toc = operations
    .map(
      ({ path, method, operation }) =>
        `<li><a href="#${anchor(method, path)}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></a> ${escapeHtml(operation.summary)}</li>`,
    )
    .join('');
  const body = operations
    .map(({ path, method, operation }) =>
      renderOperation(anchor(method, path), path, method, operation),
    )
    .join('');
  const schemas = Object.entries(document.components.schemas)
    .map(
      ([name, schema]) =>
        `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><pre>${linkRefs(escapeHtml(JSON.stringify(schema, null, 2)))}</pre></section>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)}</title><style>${style}</style></head>
<body><main><h1>${escapeHtml(document.info.title)}</h1><p>Version ${escapeHtml(document.info.version)} ·
<a href="/openapi.json">openapi.json</a></p>${renderText(document.info.description)}
<h2>Endpoints</h2><ul class="toc">${toc}</ul>${body}<h2>Schemas</h2>${schemas}</main></body></html>`;
}

function renderOperation(
  id: string,
  path: string,
  method: string,
  operation: OpenApiOperation,
): string {
  const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
  const parameters = (operation.parameters ?? []) as readonly Parameter[];
  const parameterTable =
    parameters.length === 0
      ? ''
      : `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${parameters
          .map(
            (p) =>
              `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required === true ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p.schema ?? {}))}</code></td><td>${renderInline(p.description ?? '')}</td></tr>`,
          )
          .join('')}</table>`;
  const requestBody = operation.requestBody as
    | { readonly content: Readonly<Record<string, { readonly schema?: unknown }>> }
    | undefined;
  const bodyPart =
    requestBody === undefined
      ? ''
      : `<h4>Request body</h4><p>${Object.entries(requestBody.content)
          .map(([type, media]) => `<code>${escapeHtml(type)}</code> ${schemaLink(media.schema)}`)
          .join('<br>')}</p>`;
  const responses = Object.entries(operation.responses as Readonly<Record<string, Response>>)
    .map(
      ([status, response]) =>
        `<tr><td><b>${escapeHtml(status)}</b></td><td>${renderInline(response.description)}</td><td>${Object.entries(
          response.content ?? {},
        )
          .map(([type, media]) => `<code>${escapeHtml(type)}</code> ${schemaLink(media.schema)}`)
          .join('<br>')}</td></tr>`,
    )
    .join('');
  return `<section class="op" id="${id}"><div><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span><span class="path">${escapeHtml(path)}</span><span class="lock">${isPublic ? 'no token' : 'bearer token'}</span></div>
<p><b>${escapeHtml(operation.summary)}</b></p>${operation.description === undefined ? '' : renderText(operation.description)}${parameterTable}${bodyPart}
<h4>Responses</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>${responses}</table></section>`;
}

function schemaLink(schema: unknown): string {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (ref === undefined) return '';
  const name = ref.split('/').at(-1) ?? '';
  return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
}

function linkRefs(escapedJson: string): string {
  return escapedJson.replace(
    /&quot;#\/components\/schemas\/([A-Za-z]+)&quot;/g,
    (_match, name: string) =>
      `&quot;<a href="#schema-${name}">#/components/schemas/${name}</a>&quot;`,
  );
}

function renderText(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${renderInline(paragraph.replace(/\n/g, ' '))}</p>`)
    .join('');
}

function renderInline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/**
 * Escapes text for HTML content and attribute values.
 * @param text - any text
 * @returns the text with `& < > " '` escaped
 * @example escapeHtml('<b>') // '&lt;b&gt;'
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
