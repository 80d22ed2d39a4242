/**
 * `GET /` over HTTP, through the router with the whole API: public, documented, the shipped
 * page with its Content-Security-Policy and the headers that keep it from being framed or
 * sniffed. The answer is checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedDashboardPage } from '../../shared/http/dashboard/dashboard-handler.ts';
import { apiClient } from '../shared/http/openapi-contract.ts';
import { dashboardToken, openDashboardServer, type DashboardServer } from './dashboard-server.ts';

let server: DashboardServer;

beforeAll(async () => {
  server = await openDashboardServer();
});

afterAll(async () => {
  await server.close();
});

describe('GET /', () => {
  it('serves the dashboard page without a token', async () => {
    const response = await apiClient(server.base, dashboardToken)<string>('/', { token: null });
    const shipped = shippedDashboardPage();
    expect(response.status).toBe(200);
    expect(response.body).toBe(shipped.html);
    const expected = {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': shipped.contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    };
    for (const [name, value] of Object.entries(expected)) {
      expect(response.headers.get(name), name).toBe(value);
    }
  });

  it('holds no data: the same bytes whatever is stored or whoever asks', async () => {
    await server.stack.deps.db.query(
      `INSERT INTO experiments (experiment_id, name) VALUES ($1, $2)`,
      ['secret-experiment', 'Secret name'],
    );
    const client = apiClient(server.base, dashboardToken);
    const anonymous = await client<string>('/', { token: null });
    const withToken = await client<string>('/');
    expect(anonymous.body).toBe(withToken.body);
    expect(anonymous.body).not.toContain('secret-experiment');
  });

  it('answers 405 to other methods', async () => {
    const response = await apiClient(server.base, dashboardToken)('/', {
      method: 'POST',
      body: {},
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});
