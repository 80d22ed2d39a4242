/**
 * The definition's model settings through the chain (issue 19): `derived_covariates` computes
 * `recency_days` and `frequency` from each user's own events before exposure; a numeric
 * covariate is read as a number, and a value that is not one is a row error naming the line,
 * the column and why; count metrics get a quasi-Poisson model with its dispersion; the ridge
 * penalty and the covariates reach the fitted models.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUserFrame } from '../../../shared/analysis/build-user-table.ts';
import {
  defaultMetrics,
  parseExperimentDefinition,
} from '../../../shared/analysis/experiment-definition.ts';
import { LAMBDA_GRID } from '../../../shared/models/model-validation.ts';
import { runFiles } from '../../../shared/local/run-files.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';
import { prng } from '../models/fixtures.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await openLocalStack({}, { chain: true });
});

afterAll(async () => {
  await stack.close();
});

describe('derived covariates', () => {
  it('counts the events in the look-back before exposure and the days since the last', async () => {
    const rows = [
      'user_id,experiment_id,variant,event_type,timestamp,value',
      // u1: two page views in the 14 days before exposure (the last 1.5 days before), one 20
      // days before (outside), one after (does not count).
      'u1,e,control,page_view,2026-01-01T00:00:00Z,',
      'u1,e,control,page_view,2026-01-12T00:00:00Z,',
      'u1,e,control,page_view,2026-01-19T12:00:00Z,',
      'u1,e,control,exposure,2026-01-21T00:00:00Z,',
      'u1,e,control,purchase,2026-01-22T00:00:00Z,5',
      // u2: nothing before exposure: recency is the look-back (14 days), frequency 0.
      'u2,e,treatment,exposure,2026-01-21T00:00:00Z,',
    ];
    const file = path.join(stack.dataDir, 'derived.csv');
    await writeFile(file, `${rows.join('\n')}\n`);
    const curated = path.join(stack.dataDir, 'derived.parquet');
    pl.readCSV(file, { inferSchemaLength: 0 })
      .withColumns(
        pl.col('timestamp').str.strptime(pl.Datetime('ms'), '%+').cast(pl.Datetime('us', 'UTC')),
        pl.col('value').cast(pl.Float64),
        pl.lit('x').alias('event_id'),
      )
      .writeParquet(curated);
    const definition = parseExperimentDefinition('id: e\nderived_covariates: true\n', 'e.yaml');
    const users = await buildUserFrame([curated], defaultMetrics, definition);
    expect(users.frame.select('user_id', 'n.recency_days', 'n.frequency').toRecords()).toEqual([
      { user_id: 'u1', 'n.recency_days': 1.5, 'n.frequency': 2 },
      { user_id: 'u2', 'n.recency_days': 14, 'n.frequency': 0 },
    ]);
  });
});

describe('models from a definition', () => {
  const definitionText = `
id: shop
metrics:
  - {name: conversion, type: binomial, event_type: purchase}
  - {name: orders, type: continuous, event_type: purchase, aggregate: count}
model: {penalty: ridge, lambda: cv}
covariates: {numeric: [price], categorical: [device]}
derived_covariates: true
`;

  function eventsFile(): string {
    const random = prng(19);
    const lines = ['user_id,experiment_id,variant,event_type,timestamp,value,device,price,channel'];
    for (let i = 0; i < 600; i++) {
      const user = `u${String(i).padStart(4, '0')}`;
      const variant = i % 2 === 0 ? 'control' : 'treatment';
      const device = random() < 0.5 ? 'mobile' : 'desktop';
      const price = 10 + Math.floor(random() * 20);
      const visits = Math.floor(random() * 4);
      for (let v = 0; v < visits; v++) {
        lines.push(`${user},shop,${variant},page_view,2026-01-0${2 + v}T10:00:00Z,,${device},,ads`);
      }
      lines.push(`${user},shop,${variant},exposure,2026-01-08T10:00:00Z,,${device},${price},ads`);
      const orders = Math.floor(random() * (variant === 'treatment' ? 3.4 : 3));
      for (let o = 0; o < orders; o++) {
        lines.push(
          `${user},shop,${variant},purchase,2026-01-09T1${o}:00:00Z,${price},${device},,ads`,
        );
      }
    }
    // Line 2 + ... : one exposure row with a price that is not a number.
    lines.push('u9999,shop,control,exposure,2026-01-08T10:00:00Z,,mobile,cheap,ads');
    return `${lines.join('\n')}\n`;
  }

  it('rejects a non-numeric numeric covariate row by row and fits the models it asks for', async () => {
    const text = eventsFile();
    const file = path.join(stack.dataDir, 'shop.csv');
    await writeFile(file, text);
    const definition = parseExperimentDefinition(definitionText, 'shop.yaml');
    const { document } = await runFiles(stack.deps, [{ path: file }], {
      definition,
      source: 'shop.yaml',
    });
    const [batch] = document.batches;
    expect(batch?.rejected).toBe(1);
    expect(batch?.errors).toEqual([
      {
        line: text.trimEnd().split('\n').length,
        column: 'price',
        value: 'cheap',
        reason: 'price is not a number (a numeric covariate of experiment shop)',
      },
    ]);
    const [experiment] = document.experiments;
    const conversion = experiment?.models.find((model) => model.metric === 'conversion');
    const orders = experiment?.models.find((model) => model.metric === 'orders');
    expect(conversion?.model).toBe('logistic_regression');
    expect(conversion?.penalty).toBe('ridge');
    expect(LAMBDA_GRID).toContain(conversion?.lambda);
    expect(conversion?.coefficients.map((row) => row.term)).toEqual([
      'intercept',
      'variant[treatment]',
      'device[mobile]',
      'price',
      'recency_days',
      'frequency',
    ]);
    expect(orders?.model).toBe('quasi_poisson_regression');
    expect(orders?.dispersion).toBeGreaterThan(0);
    expect(orders?.penalty).toBe('none');
    expect(orders?.holdout?.units).toBe(120);
    expect(orders?.treatment_effects[0]?.predicted_delta).not.toBeNull();
  });
});
