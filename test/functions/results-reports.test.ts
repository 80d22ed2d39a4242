/**
 * Report downloads through the function. The report stage is built beside this API, so the
 * test writes its own artifacts under `reports/<experiment_id>/` and points the analysis's
 * `reports` row at them: the PDF and CSV stream with their media types, the latest report
 * follows `?format=`, a store with signed URLs answers a 302, and nothing outside the
 * experiment's report prefix is ever served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../shared/adapters/blob-store/blob-store.ts';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import {
  openSampleResultsServer,
  testReadToken,
  testToken,
  type ResultsServer,
} from '../shared/http/results-server.ts';

const experimentId = 'checkout-redesign';
const pdf = Buffer.from('%PDF-1.7\n% abtest test report\n%%EOF\n', 'latin1');
const csv = 'metric,variant,p_value\nconversion,treatment,0.0123\n';
let server: ResultsServer;
let analysisId: string;

async function pointReportAt(pdfKey: string, csvKey: string): Promise<void> {
  await server.stack.deps.db.query(
    `INSERT INTO reports (analysis_id, experiment_id, pdf_key, csv_key) VALUES ($1, $2, $3, $4)
     ON CONFLICT (analysis_id) DO UPDATE SET pdf_key = $3, csv_key = $4`,
    [analysisId, experimentId, pdfKey, csvKey],
  );
}

beforeAll(async () => {
  let sample: ExperimentResult;
  ({ server, sample } = await openSampleResultsServer());
  analysisId = sample.analysis_id;
  const { blobs, config } = server.stack.deps;
  await blobs.write(config.buckets.artifacts, `reports/${experimentId}/${analysisId}.pdf`, pdf);
  await blobs.write(config.buckets.artifacts, `reports/${experimentId}/${analysisId}.csv`, csv);
  await pointReportAt(
    `reports/${experimentId}/${analysisId}.pdf`,
    `reports/${experimentId}/${analysisId}.csv`,
  );
  await server.stack.deps.db.query(`INSERT INTO experiments (experiment_id) VALUES ('other-exp')`);
});

afterAll(async () => {
  await server.close();
});

describe('report downloads', () => {
  it('streams the PDF and the CSV of an analysis', async () => {
    const pdfResponse = await server.api(
      `/v1/experiments/${experimentId}/reports/${analysisId}.pdf`,
    );
    expect(pdfResponse.status).toBe(200);
    expect(pdfResponse.headers.get('content-type')).toBe('application/pdf');
    expect(pdfResponse.headers.get('content-disposition')).toBe(
      `attachment; filename="${experimentId}-${analysisId}.pdf"`,
    );
    expect(pdfResponse.bytes.equals(pdf)).toBe(true);
    const csvResponse = await server.api(
      `/v1/experiments/${experimentId}/reports/${analysisId}.csv`,
    );
    expect(csvResponse.status).toBe(200);
    expect(csvResponse.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csvResponse.body).toBe(csv);
  });

  it('serves the latest analysis report by ?format=, PDF by default', async () => {
    const latestCsv = await server.api(`/v1/experiments/${experimentId}/report?format=csv`);
    expect(latestCsv.body).toBe(csv);
    const latestPdf = await server.api(`/v1/experiments/${experimentId}/report`);
    expect(latestPdf.headers.get('content-type')).toBe('application/pdf');
    expect(latestPdf.bytes.equals(pdf)).toBe(true);
  });

  it('shows the report links once the report exists', async () => {
    const results = await server.api<{ links: { report_pdf: string | null } }>(
      `/v1/analytics/results/${experimentId}`,
    );
    expect(results.body.links.report_pdf).toBe(
      `/v1/experiments/${experimentId}/reports/${analysisId}.pdf`,
    );
    const summary = await server.api<{ report: { pdf: string; csv: string } }>(
      `/v1/experiments/${experimentId}/summary`,
    );
    expect(summary.body.report.pdf).toBe(
      `/v1/experiments/${experimentId}/reports/${analysisId}.pdf`,
    );
  });

  it('shows no local path in the served summary (the reports are API links), to any token', async () => {
    for (const token of [testToken, testReadToken]) {
      const summary = await server.api<{ report: { pdf: string; csv: string } }>(
        `/v1/experiments/${experimentId}/summary`,
        { token },
      );
      expect(summary.body.report).toEqual({
        pdf: `/v1/experiments/${experimentId}/reports/${analysisId}.pdf`,
        csv: `/v1/experiments/${experimentId}/reports/${analysisId}.csv`,
      });
      expect(summary.bytes.toString('utf8')).not.toContain(server.stack.dataDir);
    }
  });

  it('answers 404 for an analysis of another experiment and without analysis', async () => {
    const other = await server.api<{ error: string }>(
      `/v1/experiments/other-exp/reports/${analysisId}.pdf`,
    );
    expect(other.status).toBe(404);
    expect(other.body.error).toBe(`unknown analysis ${analysisId} of experiment other-exp`);
    const none = await server.api<{ error: string }>('/v1/experiments/other-exp/report');
    expect(none.status).toBe(404);
    expect(none.body.error).toBe('experiment other-exp has no analysis yet');
  });

  it('never serves a key outside reports/<experiment_id>/, whatever the row says', async () => {
    const batch = await server.stack.deps.db.query<{ raw_key: string }>(
      'SELECT raw_key FROM ingest_batches LIMIT 1',
    );
    const rawKey = batch.rows[0]?.raw_key ?? '';
    for (const key of [
      rawKey,
      `reports/other-exp/${analysisId}.pdf`,
      `reports/${experimentId}/../../${rawKey}`,
      `reports/${experimentId}/nested/${analysisId}.pdf`,
    ]) {
      await pointReportAt(key, key);
      const response = await server.api<{ error: string }>(
        `/v1/experiments/${experimentId}/reports/${analysisId}.pdf`,
      );
      expect(response.status).toBe(404);
      expect(response.body.error).toBe(`the pdf report of analysis ${analysisId} is unavailable`);
    }
    await pointReportAt(
      `reports/${experimentId}/${analysisId}.pdf`,
      `reports/${experimentId}/${analysisId}.csv`,
    );
  });

  it('answers 404 when the artifact is missing from the bucket', async () => {
    await pointReportAt(
      `reports/${experimentId}/${analysisId}-gone.pdf`,
      `reports/${experimentId}/${analysisId}.csv`,
    );
    const response = await server.api<{ error: string }>(
      `/v1/experiments/${experimentId}/reports/${analysisId}.pdf`,
    );
    expect(response.status).toBe(404);
    expect(response.body.error).toBe(`the pdf report of analysis ${analysisId} is missing`);
    await pointReportAt(
      `reports/${experimentId}/${analysisId}.pdf`,
      `reports/${experimentId}/${analysisId}.csv`,
    );
  });

  it('redirects (302) to a signed URL on a store that signs them', async () => {
    const asked: [string, string, number][] = [];
    const signing: BlobStore = {
      ...server.stack.deps.blobs,
      signedUrl: async (bucket, key, ttlSeconds) => {
        asked.push([bucket, key, ttlSeconds]);
        return `https://storage.example.test/${bucket}/${key}?X-Goog-Expires=${ttlSeconds}`;
      },
    };
    server.use({ ...server.stack.deps, blobs: signing });
    try {
      const response = await server.api(`/v1/experiments/${experimentId}/report?format=csv`);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(
        `https://storage.example.test/artifacts/reports/${experimentId}/${analysisId}.csv?X-Goog-Expires=300`,
      );
      expect(asked).toEqual([['artifacts', `reports/${experimentId}/${analysisId}.csv`, 300]]);
    } finally {
      server.use();
    }
  });
});

describe('charts', () => {
  type Plots = { analysis_id: string; plots: { name: string; url: string }[] };

  it('lists the report charts with signed URLs on a store that signs them, and redirects to one', async () => {
    const asked: string[] = [];
    const signing: BlobStore = {
      ...server.stack.deps.blobs,
      signedUrl: async (bucket, key, ttlSeconds) => {
        asked.push(`${bucket}/${key}`);
        return `https://storage.example.test/${bucket}/${key}?X-Goog-Expires=${ttlSeconds}`;
      },
    };
    server.use({ ...server.stack.deps, blobs: signing });
    try {
      const response = await server.api<Plots>(`/v1/analytics/results/${experimentId}`);
      expect(response.status).toBe(200);
      const names = response.body.plots.map((plot) => plot.name);
      expect(names).toContain('forest-conversion.svg');
      expect(names).toContain('forest-revenue.svg');
      for (const plot of response.body.plots) {
        expect(plot.url).toBe(
          `https://storage.example.test/artifacts/plots/${experimentId}/${analysisId}/${plot.name}?X-Goog-Expires=300`,
        );
      }
      const redirect = await server.api(
        `/v1/experiments/${experimentId}/analyses/${analysisId}/plots/forest-conversion.svg`,
      );
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe(
        `https://storage.example.test/artifacts/plots/${experimentId}/${analysisId}/forest-conversion.svg?X-Goog-Expires=300`,
      );
    } finally {
      server.use();
    }
  });

  it('serves a chart as SVG, and only an analysis of the experiment named', async () => {
    const chart = await server.api<string>(
      `/v1/experiments/${experimentId}/analyses/${analysisId}/plots/forest-revenue.svg`,
    );
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toBe('image/svg+xml');
    expect(chart.body).toContain('<title>Relative lift of revenue vs control');
    const elsewhere = await server.api(
      `/v1/experiments/other-exp/analyses/${analysisId}/plots/forest-revenue.svg`,
    );
    expect(elsewhere.status).toBe(404);
    const badName = await server.api(
      `/v1/experiments/${experimentId}/analyses/${analysisId}/plots/..%2Fsecret.svg`,
    );
    expect(badName.status).toBe(400);
  });
});
