/**
 * A test double of the BigQuery REST API (v2), not an emulator: a small HTTP server answering
 * the two requests `@google-cloud/bigquery` makes for the Warehouse adapter, so the adapter is
 * tested offline (no BigQuery emulator runs here) as a contract test. It implements:
 *
 * - `POST /bigquery/v2/projects/{project}/jobs` (jobs.insert): records the job request and
 *   answers it done;
 * - `GET /bigquery/v2/projects/{project}/queries/{jobId}` (jobs.getQueryResults): answers the
 *   rows the test gave, in BigQuery's `{ f: [{ v }] }` shape with their schema.
 *
 * Anything else answers 501 and is recorded in `unsupported`. Shapes follow
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A result column: name and BigQuery type (`STRING`, `INT64`, `FLOAT64`). */
export interface ResultField {
  readonly name: string;
  readonly type: 'STRING' | 'INT64' | 'FLOAT64';
}

/** What the double saw of one jobs.insert request. */
export interface RecordedJob {
  readonly project: string;
  readonly authorization: string | undefined;
  readonly body: {
    readonly jobReference?: { readonly jobId?: string; readonly location?: string };
    readonly configuration?: Record<string, unknown>;
  };
}

/** A running double. */
export interface BigQueryRestDouble {
  /** `http://127.0.0.1:<port>`, the client's `apiEndpoint`. */
  readonly endpoint: string;
  readonly jobs: readonly RecordedJob[];
  readonly unsupported: readonly string[];
  /** The rows every query answers from now on. */
  answer(fields: readonly ResultField[], rows: readonly (string | number | null)[][]): void;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the double on a free local port.
 * @returns the double
 */
export async function startBigQueryRestDouble(): Promise<BigQueryRestDouble> {
  const jobs: RecordedJob[] = [];
  const unsupported: string[] = [];
  let fields: readonly ResultField[] = [];
  let rows: readonly (string | number | null)[][] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const insert = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(url.pathname);
      const results = /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(url.pathname);
      if (request.method === 'POST' && insert !== null) {
        const body = JSON.parse(await bodyOf(request)) as RecordedJob['body'];
        jobs.push({ project: insert[1] ?? '', authorization: request.headers.authorization, body });
        send(200, {
          kind: 'bigquery#job',
          id: `${insert[1]}:${body.jobReference?.location}.${body.jobReference?.jobId}`,
          jobReference: { projectId: insert[1], ...body.jobReference },
          configuration: body.configuration,
          status: { state: 'DONE' },
        });
        return;
      }
      if (request.method === 'GET' && results !== null) {
        send(200, {
          kind: 'bigquery#getQueryResultsResponse',
          jobReference: { projectId: results[1], jobId: results[2] },
          jobComplete: true,
          schema: { fields: fields.map((f) => ({ name: f.name, type: f.type, mode: 'NULLABLE' })) },
          totalRows: String(rows.length),
          // BigQuery sends every cell as text (or null).
          rows: rows.map((row) => ({ f: row.map((v) => ({ v: v === null ? null : String(v) })) })),
        });
        return;
      }
      unsupported.push(`${request.method} ${url.pathname}`);
      send(501, { error: { code: 501, message: 'not implemented by the double' } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    jobs,
    unsupported,
    answer(nextFields, nextRows) {
      fields = nextFields;
      rows = nextRows;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
