/**
 * The dashboard's HTML page: a static shell (header, token field, an empty main element)
 * holding no data, the stylesheet and the script inline, and the Content-Security-Policy that
 * admits exactly those two by their SHA-256 hashes, requests to the same origin only, and
 * nothing else. Pure.
 */
import { createHash } from 'node:crypto';

/** A rendered page and the policy it must be served with. */
export interface DashboardPage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

function sourceHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Renders the page around a script and a stylesheet.
 * @param script - the inline module script (see bundleModules)
 * @param style - the inline stylesheet
 * @returns the HTML and its Content-Security-Policy
 * @throws {Error} when the stylesheet would end its `<style>` element early
 * @example renderDashboardPage('void 0;', 'body{}').contentSecurityPolicy.startsWith("default-src 'none'")
 */
export function renderDashboardPage(script: string, style: string): DashboardPage {
  if (/<\/style/i.test(style)) throw new Error('the stylesheet holds </style');
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sourceHash(script)}`,
    `style-src ${sourceHash(style)}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>abtest</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="#/">abtest</a>
<nav aria-label="Main"><a href="#/">Experiments</a> · <a href="#/alerts" id="alerts-link">Alerts <span id="alerts-badge" class="badge" hidden></span></a> · <a href="/docs">API docs</a></nav>
<form id="token-form" autocomplete="off">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false" placeholder="paste the bearer token">
<button type="submit">Use token</button>
<button type="button" id="forget-token" hidden>Forget</button>
<span id="token-state" role="status"></span>
</form>
</header>
<main id="main" tabindex="-1"><noscript><p>This dashboard needs JavaScript. The same data is in the API: see <a href="/docs">/docs</a>.</p></noscript></main>
<script type="module">${script}</script>
</body>
</html>
`;
  return { html, contentSecurityPolicy };
}
