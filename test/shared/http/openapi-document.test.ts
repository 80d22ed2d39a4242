/**
 * The OpenAPI document: valid OpenAPI 3.1 (checked by @seriousme/openapi-schema-validator), in
 * step with the route table both ways, its result-document schema generated from the zod
 * schema, and the /docs page generated from it self-contained.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { renderDocsPage } from '../../../shared/http/results/docs-page.ts';
import { openApiDocument } from '../../../shared/http/results/openapi.ts';
import { apiRoutes } from '../../../shared/http/api-routes.ts';

const document = openApiDocument();

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents exactly the routes the function serves', () => {
    const served = apiRoutes.map((route) => `${route.method} ${route.path}`).sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });

  it('marks exactly the dashboard, healthz, readyz, openapi.json, docs and the one-time upload URL as needing no token', () => {
    const open = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.values(methods)
        .filter((operation) => Array.isArray(operation.security) && operation.security.length === 0)
        .map(() => path),
    );
    expect(open.sort()).toEqual([
      '/',
      '/docs',
      '/healthz',
      '/openapi.json',
      '/readyz',
      '/v1/uploads/{ticket}',
    ]);
    expect(
      apiRoutes
        .filter((route) => route.access === 'public')
        .map((route) => route.path)
        .sort(),
    ).toEqual(open.sort());
  });

  it('describes the result document from its zod schema, every field required', () => {
    const schema = document.components.schemas.ExperimentResult as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual([
      'experiment_id',
      'analysis_id',
      'computed_at',
      'alpha',
      'data',
      'srm',
      'metrics',
      'allocation',
      'models',
      'report',
      'provenance',
    ]);
    expect(JSON.stringify(schema.properties.provenance)).toContain(
      '"#/components/schemas/Provenance"',
    );
    const provenance = document.components.schemas.Provenance as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(provenance.required).toEqual([
      'abtest_version',
      'engine',
      'analysis_version',
      'definition_version',
      'inputs',
      'computed_at',
      'request',
      'fingerprint',
    ]);
    const request = JSON.stringify(provenance.properties.request);
    expect(request).toContain('"metrics"');
    expect(request).toContain('"alpha"');
    expect(request).toContain('POST /v1/analytics/run');
  });
});

describe('the /docs page', () => {
  const page = renderDocsPage(document);

  it('names every operation and schema', () => {
    for (const path of Object.keys(document.paths)) {
      expect(page).toContain(path.replace(/&/g, '&amp;'));
    }
    for (const name of Object.keys(document.components.schemas)) {
      expect(page).toContain(`id="schema-${name}"`);
    }
  });

  it('loads nothing from elsewhere: no script, no external link, stylesheet or image', () => {
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(page).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i);
  });
});
