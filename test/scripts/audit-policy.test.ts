/**
 * The CI audit's verdict on `npm audit --json` reports (the v2 report shape npm 7+ prints, and
 * the error it prints when the advisory endpoint cannot be reached): a high or critical advisory
 * blocks unless explained and not expired; moderate ones never block; an explanation for an
 * advisory no longer reported is stale.
 */
import { describe, expect, it } from 'vitest';
import { judgeAudit, type AuditException } from '../../scripts/audit/audit-policy.ts';

const advisory = (name: string, severity: string, ghsa: string) => ({
  source: 1_000_000 + name.length,
  name,
  dependency: name,
  title: `A problem in ${name}`,
  url: `https://github.com/advisories/${ghsa}`,
  severity,
  cwe: ['CWE-400'],
  range: '<9.9.9',
});

const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    busboy: {
      name: 'busboy',
      severity: 'high',
      isDirect: true,
      via: [advisory('busboy', 'high', 'GHSA-aaaa-bbbb-cccc')],
      effects: [],
      range: '<9.9.9',
      nodes: ['node_modules/busboy'],
      fixAvailable: false,
    },
    streamsearch: {
      name: 'streamsearch',
      severity: 'critical',
      isDirect: false,
      via: [advisory('streamsearch', 'critical', 'GHSA-dddd-eeee-ffff'), 'busboy'],
      effects: ['busboy'],
      range: '*',
      nodes: ['node_modules/streamsearch'],
      fixAvailable: true,
    },
    yaml: {
      name: 'yaml',
      severity: 'moderate',
      isDirect: true,
      via: [advisory('yaml', 'moderate', 'GHSA-gggg-hhhh-iiii')],
      effects: [],
      range: '<2.9.2',
      nodes: ['node_modules/yaml'],
      fixAvailable: true,
    },
  },
  metadata: { vulnerabilities: { moderate: 1, high: 1, critical: 1, total: 3 } },
};

const explained = (ghsa: string, until: string): AuditException => ({
  advisory: `https://github.com/advisories/${ghsa}`,
  package: 'busboy',
  why: 'only multipart bodies under the upload limit reach it',
  until,
});

describe('judgeAudit', () => {
  it('blocks every high or critical advisory nobody explained, and reports the others', () => {
    const verdict = judgeAudit(report, [], '2026-12-01');
    expect(verdict.checked).toBe(true);
    expect(verdict.blocking.map((a) => [a.name, a.severity])).toEqual([
      ['busboy', 'high'],
      ['streamsearch', 'critical'],
    ]);
    expect(verdict.minor.map((a) => a.name)).toEqual(['yaml']);
  });

  it('lets an explained advisory pass until its date, then blocks it again', () => {
    const exceptions = [explained('GHSA-aaaa-bbbb-cccc', '2027-01-31')];
    const now = judgeAudit(report, exceptions, '2026-12-01');
    expect(now.blocking.map((a) => a.name)).toEqual(['streamsearch']);
    expect(now.explained.map((a) => [a.name, a.why])).toEqual([
      ['busboy', 'only multipart bodies under the upload limit reach it'],
    ]);
    const later = judgeAudit(report, exceptions, '2027-02-01');
    expect(later.blocking.map((a) => a.name)).toEqual(['busboy', 'streamsearch']);
    expect(later.stale).toEqual(exceptions);
  });

  it('calls an explanation for an advisory no longer reported stale', () => {
    const gone = explained('GHSA-zzzz-zzzz-zzzz', '2027-01-31');
    expect(
      judgeAudit({ auditReportVersion: 2, vulnerabilities: {} }, [gone], '2026-12-01'),
    ).toEqual({
      checked: true,
      blocking: [],
      explained: [],
      stale: [gone],
      minor: [],
    });
  });

  it('says when the advisory database could not be reached', () => {
    const offline = {
      message:
        '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      error: { summary: '', detail: '' },
    };
    expect(judgeAudit(offline, [], '2026-12-01')).toMatchObject({
      checked: false,
      unreachable: offline.message,
      blocking: [],
    });
  });
});
