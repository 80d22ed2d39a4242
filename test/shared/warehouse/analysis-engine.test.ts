import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { chooseAnalysisEngine } from '../../../shared/warehouse/analysis-engine.ts';

describe('the analysis engine', () => {
  it.each([
    ['inprocess', 1e15, 'inprocess'],
    ['duckdb', 0, 'duckdb'],
    ['bigquery', 0, 'bigquery'],
    ['auto', 10e9, 'inprocess'],
    ['auto', 10e9 + 1, 'bigquery'],
  ] as const)('%s with %d curated bytes is %s', (setting, bytes, engine) => {
    expect(chooseAnalysisEngine(setting, bytes, 10e9)).toBe(engine);
  });

  it('is inprocess unless ABTEST_ENGINE says otherwise', () => {
    expect(loadConfig({}).engine).toEqual({
      engine: 'inprocess',
      bigqueryThresholdBytes: 10 * 1024 ** 3,
      bigqueryTable: undefined,
      bigqueryLocation: 'US',
      bigqueryMaxBytesBilled: 100 * 1024 ** 3,
      bigqueryTimeoutMs: 600_000,
    });
    expect(loadConfig({ ABTEST_ENGINE: 'duckdb' }).engine.engine).toBe('duckdb');
  });

  it('refuses an unknown engine, and bigquery or auto without the table', () => {
    expect(() => loadConfig({ ABTEST_ENGINE: 'spark' })).toThrow(/ABTEST_ENGINE/);
    expect(() => loadConfig({ ABTEST_ENGINE: 'auto' })).toThrow(
      'invalid ABTEST_BIGQUERY_TABLE: required when ABTEST_ENGINE is auto',
    );
    expect(
      loadConfig({ ABTEST_ENGINE: 'bigquery', ABTEST_BIGQUERY_TABLE: 'p.abtest.curated_events' })
        .engine.bigqueryTable,
    ).toBe('p.abtest.curated_events');
  });
});
