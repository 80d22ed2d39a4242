/**
 * `npm audit --omit=dev` for CI (.ci/run): the runtime dependencies only (what the functions
 * install), judged by audit-policy.ts against `.ci/audit-exceptions.json`. Exits 1 when a high
 * or critical advisory is not explained (or an explanation has expired). When the advisory
 * database cannot be reached (no network, a registry mirror without the audit endpoint), it
 * says so plainly and exits 0 unless ABTEST_AUDIT_REQUIRED=true, which CI with network sets.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { judgeAudit, type AuditException } from './audit-policy.ts';

const root = path.resolve(import.meta.dirname, '../..');
const exceptions = JSON.parse(
  readFileSync(path.join(root, '.ci', 'audit-exceptions.json'), 'utf8'),
) as { exceptions: AuditException[] };
const audit = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
let report: unknown;
try {
  report = JSON.parse(audit.stdout);
} catch {
  report = { error: { summary: (audit.stderr || 'npm audit printed no JSON').trim() } };
}
const verdict = judgeAudit(report, exceptions.exceptions, new Date().toISOString().slice(0, 10));
const say = (line: string) => console.error(`[audit] ${line}`);

if (!verdict.checked) {
  say(`the advisory database could not be reached: ${verdict.unreachable}`);
  say('runtime dependencies were NOT checked for advisories');
  process.exit(process.env.ABTEST_AUDIT_REQUIRED === 'true' ? 1 : 0);
}
for (const advisory of verdict.minor) {
  say(`${advisory.severity}: ${advisory.name}: ${advisory.title} (${advisory.url})`);
}
for (const advisory of verdict.explained) {
  say(
    `${advisory.severity}, explained: ${advisory.name}: ${advisory.title} (${advisory.url}): ${advisory.why}`,
  );
}
for (const exception of verdict.stale) {
  say(
    `stale exception for ${exception.package} (${exception.advisory}, until ${exception.until}): remove or renew it`,
  );
}
for (const advisory of verdict.blocking) {
  say(`${advisory.severity}, NOT explained: ${advisory.name}: ${advisory.title} (${advisory.url})`);
}
const expired = verdict.stale.some(
  (exception) => exception.until < new Date().toISOString().slice(0, 10),
);
if (verdict.blocking.length > 0 || expired) {
  say(
    'a high or critical advisory is not explained: upgrade, or explain it in .ci/audit-exceptions.json',
  );
  process.exit(1);
}
say(
  `no unexplained high or critical advisory (${verdict.explained.length} explained, ${verdict.minor.length} minor)`,
);
