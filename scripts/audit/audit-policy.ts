/**
 * Which advisories of `npm audit --omit=dev --json` block CI: every high or critical one that
 * `.ci/audit-exceptions.json` does not explain (an entry naming the advisory's URL, why it does
 * not apply to abtest, and until when the explanation holds). Moderate and low ones are
 * reported, not blocking. Pure: the JSON in, the verdict out.
 */

/** One advisory as npm audit reports it (an object entry of a vulnerability's `via`). */
export interface Advisory {
  readonly source?: number;
  readonly name: string;
  readonly title: string;
  readonly url: string;
  readonly severity: 'info' | 'low' | 'moderate' | 'high' | 'critical';
  readonly range?: string;
}

/** An explained advisory. */
export interface AuditException {
  /** The advisory's URL (https://github.com/advisories/GHSA-...). */
  readonly advisory: string;
  readonly package: string;
  /** Why it does not put abtest at risk (the code path not used, the input never untrusted...). */
  readonly why: string;
  /** The last day the explanation holds (YYYY-MM-DD); after it, look again. */
  readonly until: string;
}

/** What the audit found. */
export interface AuditVerdict {
  /** Whether the advisory database answered at all. */
  readonly checked: boolean;
  /** Why it could not be checked, when it could not. */
  readonly unreachable?: string;
  /** High or critical advisories nobody explained: these fail CI. */
  readonly blocking: readonly Advisory[];
  /** High or critical advisories explained, with their explanation. */
  readonly explained: readonly (Advisory & { readonly why: string })[];
  /** Exceptions whose date has passed, or that explain nothing reported any more. */
  readonly stale: readonly AuditException[];
  /** Moderate, low and info advisories (reported, never blocking). */
  readonly minor: readonly Advisory[];
}

const blockingSeverities = new Set(['high', 'critical']);

/**
 * Judges an audit report.
 * @param report - the parsed output of `npm audit --omit=dev --json`
 * @param exceptions - the explained advisories
 * @param today - the date to judge expiry by (YYYY-MM-DD)
 * @returns the verdict
 * @example judgeAudit(JSON.parse(stdout), [], '2026-12-01').blocking.length
 */
export function judgeAudit(
  report: unknown,
  exceptions: readonly AuditException[],
  today: string,
): AuditVerdict {
  const parsed = report as {
    error?: { code?: string; summary?: string };
    message?: string;
    vulnerabilities?: Record<string, { via?: readonly unknown[] }>;
  } | null;
  // A report has its vulnerabilities (maybe none); an error of the endpoint has not.
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    typeof parsed.vulnerabilities !== 'object' ||
    parsed.vulnerabilities === null
  ) {
    return {
      checked: false,
      unreachable: parsed?.error?.summary || parsed?.message || parsed?.error?.code || 'no report',
      blocking: [],
      explained: [],
      stale: [],
      minor: [],
    };
  }
  const advisories = new Map<string, Advisory>();
  for (const vulnerability of Object.values(parsed.vulnerabilities ?? {})) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via === 'object' && via !== null && typeof (via as Advisory).url === 'string') {
        advisories.set((via as Advisory).url, via as Advisory);
      }
    }
  }
  const current = exceptions.filter((exception) => exception.until >= today);
  const blocking: Advisory[] = [];
  const explained: (Advisory & { why: string })[] = [];
  const minor: Advisory[] = [];
  for (const advisory of [...advisories.values()].sort((a, b) => a.url.localeCompare(b.url))) {
    if (!blockingSeverities.has(advisory.severity)) {
      minor.push(advisory);
      continue;
    }
    const exception = current.find((entry) => entry.advisory === advisory.url);
    if (exception === undefined) blocking.push(advisory);
    else explained.push({ ...advisory, why: exception.why });
  }
  const stale = exceptions.filter(
    (exception) => exception.until < today || !advisories.has(exception.advisory),
  );
  return { checked: true, blocking, explained, stale, minor };
}
