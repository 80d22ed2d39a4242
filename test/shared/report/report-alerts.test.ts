/**
 * The experiment's unresolved alerts in the PDF's data-quality section; none, no subsection.
 */
import { describe, expect, it } from 'vitest';
import { renderReportPdf } from '../../../shared/report/index.ts';
import { flat, pdfText } from './pdf-tools.ts';
import { sampleInput } from './report-inputs.ts';

describe('the data-quality section', () => {
  it('lists the alerts not yet resolved, and says nothing of alerts when there are none', async () => {
    const alerts = [
      {
        severity: 'critical',
        kind: 'guardrail',
        metric: 'refund_rate',
        status: 'acknowledged',
        message: 'guardrail metric refund_rate is harmed in treatment',
      },
      {
        severity: 'warning',
        kind: 'rejected_rows',
        metric: null,
        status: 'open',
        message: 'day-3.csv: 3.2% of rows rejected (20 of 620), above half the threshold of 5.0%',
      },
    ];
    const withAlerts = flat(pdfText(await renderReportPdf({ ...sampleInput(), alerts })));
    expect(withAlerts).toContain('Alerts not yet resolved');
    expect(withAlerts).toContain('guardrail metric refund_rate is harmed in treatment');
    expect(withAlerts).toContain('rejected_rows');
    const without = flat(pdfText(await renderReportPdf(sampleInput())));
    expect(without).not.toContain('Alerts not yet resolved');
  });
});
