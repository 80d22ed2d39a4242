/**
 * `GET /`: the web dashboard, a single self-contained page that holds no data (so it needs no
 * token) and reads everything from the API on the same origin with the token the user pastes.
 * Rendered once per instance from the generated build (dashboard-build.generated.ts).
 */
import type { RouteContext } from '../route.ts';
import { dashboardScriptBase64, dashboardStyleBase64 } from './dashboard-build.generated.ts';
import { renderDashboardPage, type DashboardPage } from './dashboard-page.ts';

let page: DashboardPage | undefined;

/**
 * The page as shipped, with its Content-Security-Policy.
 * @returns the page
 * @example shippedDashboardPage().html.startsWith('<!doctype html>')
 */
export function shippedDashboardPage(): DashboardPage {
  page ??= renderDashboardPage(
    Buffer.from(dashboardScriptBase64, 'base64').toString('utf8'),
    Buffer.from(dashboardStyleBase64, 'base64').toString('utf8'),
  );
  return page;
}

/**
 * `GET /`: the dashboard page with its Content-Security-Policy.
 * @param context - the request
 * @example await dashboard(context)
 */
export async function dashboard(context: RouteContext): Promise<void> {
  const { html, contentSecurityPolicy } = shippedDashboardPage();
  context.res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  context.res.end(html);
}
