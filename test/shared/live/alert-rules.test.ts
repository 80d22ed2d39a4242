/**
 * The alert rules: the lifecycle's moves, and the signals read from a result object (the hook
 * issue 13's guardrail and sequential fields plug into), a batch and a silence.
 */
import { describe, expect, it } from 'vitest';
import {
  alertStatuses,
  decisionSignal,
  nextAlertStatus,
  noDataSignal,
  rejectedRowsSignal,
  resultAlertFacts,
} from '../../../shared/live/alert-rules.ts';

describe('nextAlertStatus', () => {
  it('allows open -> acknowledged -> resolved and open -> resolved, nothing else', () => {
    const moves = alertStatuses.flatMap((status) =>
      (['acknowledge', 'resolve'] as const).map((action) => [
        status,
        action,
        nextAlertStatus(status, action),
      ]),
    );
    expect(moves).toEqual([
      ['open', 'acknowledge', 'acknowledged'],
      ['open', 'resolve', 'resolved'],
      ['acknowledged', 'acknowledge', null],
      ['acknowledged', 'resolve', 'resolved'],
      ['resolved', 'acknowledge', null],
      ['resolved', 'resolve', null],
    ]);
  });
});

describe('resultAlertFacts', () => {
  it('reads srm, guardrail harm and the primary metric sequential decisions from a hand-built result', () => {
    const result = {
      srm: { flagged: true, p_value: 2.5e-7, observed: { control: 300, treatment: 200 } },
      metrics: [
        {
          name: 'conversion',
          comparisons: [{ variant: 'treatment', decision: { action: 'ship', reason: 'r' } }],
        },
        {
          name: 'refund_rate',
          comparisons: [
            {
              variant: 'treatment',
              guardrail_harmed: true,
              relative_lift: 0.3,
              decision: { action: 'stop: harm', reason: 'r' },
            },
          ],
        },
      ],
    };
    const facts = resultAlertFacts(result, 'conversion');
    expect(facts.signals.map((s) => [s.kind, s.metric, s.severity])).toEqual([
      ['srm', '', 'error'],
      ['guardrail', 'refund_rate', 'critical'],
    ]);
    expect(facts.signals[0]?.message).toContain('p = 2.50e-7');
    expect(facts.decisions).toEqual([
      { metric: 'conversion', variant: 'treatment', decision: 'ship' },
    ]);
    // Without a named primary metric, the first metric is the primary one.
    expect(resultAlertFacts(result).decisions).toEqual(facts.decisions);
  });

  it('is a no-op when the fields are absent', () => {
    const today = {
      srm: { flagged: false, p_value: 0.4 },
      metrics: [
        { name: 'conversion', comparisons: [{ variant: 'b', p_value: 0.01, bayesian: null }] },
      ],
    };
    expect(resultAlertFacts(today)).toEqual({ signals: [], decisions: [] });
    expect(resultAlertFacts(null)).toEqual({ signals: [], decisions: [] });
    expect(resultAlertFacts({ metrics: 'nope' })).toEqual({ signals: [], decisions: [] });
  });
});

describe('decisionSignal', () => {
  it('signals a changed decision only; stop: harm is an error, others info', () => {
    const current = { metric: 'conversion', variant: 'b', decision: 'keep running' };
    expect(decisionSignal(current, undefined)).toBeUndefined();
    expect(decisionSignal(current, 'keep running')).toBeUndefined();
    expect(decisionSignal({ ...current, decision: 'ship' }, 'keep running')).toMatchObject({
      kind: 'decision',
      metric: 'conversion',
      severity: 'info',
    });
    expect(decisionSignal({ ...current, decision: 'stop: harm' }, undefined)?.severity).toBe(
      'error',
    );
  });
});

describe('rejectedRowsSignal and noDataSignal', () => {
  it('raises rejected_rows strictly above half the threshold', () => {
    const batch = { batch_id: 'b_1', source: 'f.csv', rows_read: 1000, rejected: 25 };
    expect(rejectedRowsSignal(batch, 0.05)).toBeUndefined();
    expect(rejectedRowsSignal({ ...batch, rejected: 26 }, 0.05)).toMatchObject({
      kind: 'rejected_rows',
      severity: 'warning',
      message: 'f.csv: 2.6% of rows rejected (26 of 1000), above half the threshold of 5.0%',
    });
    expect(rejectedRowsSignal({ ...batch, rows_read: 0, rejected: 0 }, 0.05)).toBeUndefined();
  });

  it('raises rejected_rows as an error for a batch rejected whole, even with no row read', () => {
    const unreadable = { batch_id: 'b_2', source: 'f.csv', rows_read: null, rejected: null };
    expect(rejectedRowsSignal(unreadable, 0.05)).toBeUndefined();
    expect(
      rejectedRowsSignal({ ...unreadable, rejected_whole: 'f.csv: not UTF-8 (byte 12)' }, 0.05),
    ).toEqual({
      kind: 'rejected_rows',
      metric: '',
      severity: 'error',
      message: 'batch rejected whole: f.csv: not UTF-8 (byte 12)',
      details: { batch_id: 'b_2', rejected: null, rows_read: null, rejected_whole: true },
    });
  });

  it('raises no_data after the given hours without an event', () => {
    const last = new Date('2026-01-01T00:00:00Z');
    expect(noDataSignal(last, new Date('2026-01-01T23:59:59Z'), 24)).toBeUndefined();
    expect(noDataSignal(last, new Date('2026-01-02T00:00:00Z'), 24)?.message).toBe(
      'no event for 24 h (last at 2026-01-01T00:00:00.000Z)',
    );
  });
});
