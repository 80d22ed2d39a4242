/**
 * The hook from an analysis to alerts, over a real database with hand-built result objects: a
 * guardrail harmed opens a critical alert; the primary metric's sequential decision raises
 * `decision` only when it changes; a result without those fields raises nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAnalysisAlerts } from '../../../shared/stages/analysis-alerts.ts';
import { listAlerts } from '../../../shared/store/alert-records.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await openLocalStack();
});

afterAll(async () => {
  await stack?.close();
});

function result(analysis: string, decision: string | undefined, harmed: boolean) {
  return {
    experiment_id: 'hooked',
    analysis_id: analysis,
    computed_at: '2026-01-10T00:00:00.000Z',
    srm: { flagged: false, p_value: 0.5 },
    metrics: [
      {
        name: 'conversion',
        comparisons: [
          {
            variant: 'b',
            ...(decision === undefined ? {} : { decision: { action: decision, reason: 'test' } }),
          },
        ],
      },
      { name: 'latency', comparisons: [{ variant: 'b', guardrail_harmed: harmed }] },
    ],
  };
}

async function record(analysis: string, decision: string | undefined, harmed: boolean) {
  await stack.deps.db.transaction((tx) =>
    recordAnalysisAlerts(tx, stack.deps.config, result(analysis, decision, harmed), 'conversion'),
  );
  return listAlerts(stack.deps.db, { experimentId: 'hooked' }, 100);
}

describe('recordAnalysisAlerts', () => {
  it('raises nothing from a result without guardrail or sequential fields', async () => {
    expect(await record('an_1', undefined, false)).toEqual([]);
  });

  it('raises decision on a change only, and guardrail when harmed', async () => {
    expect(await record('an_2', 'keep running', false)).toEqual([]);
    const shipped = await record('an_3', 'ship', true);
    expect(shipped.map((a) => [a.kind, a.metric, a.severity, a.count]).sort()).toEqual([
      ['decision', 'conversion', 'info', 1],
      ['guardrail', 'latency', 'critical', 1],
    ]);
    const same = await record('an_4', 'ship', false);
    expect(same.find((a) => a.kind === 'decision')?.count).toBe(1);
    // The same analysis recorded twice (a redelivery) counts once.
    const again = await record('an_3', 'ship', true);
    expect(again.find((a) => a.kind === 'guardrail')?.count).toBe(1);
    const feed = await stack.deps.db.query<{ type: string }>(
      `SELECT type FROM live_events WHERE type = 'analysis.completed'`,
    );
    expect(feed.rows).toHaveLength(4);
  });
});
