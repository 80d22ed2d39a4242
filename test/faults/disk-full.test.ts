/**
 * A full disk under the blob store of `abtest serve`: its buckets folder is a small tmpfs this
 * test mounts (root only) and unmounts. An upload that does not fit is answered 507 with a clear
 * message and Retry-After, its batch is not recorded and nothing of it is left behind, and the
 * service goes on answering (health, readiness, reads, another upload that fits).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIdFor } from '../../shared/stages/ingest.ts';
import { client, startServe, type ServeProcess } from '../serve/serve-process.ts';
import { faultToken } from './fault-run.ts';

/** Whether a tmpfs can be mounted here: tried once on a scratch folder (root, and a container allowed to). */
function canMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = mkdtempSync(path.join(os.tmpdir(), 'abtest-mount-probe-'));
  try {
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], {
      encoding: 'utf8',
    });
    if (mounted.status !== 0) {
      return `a tmpfs cannot be mounted here (${(mounted.stderr || mounted.error?.message || 'mount failed').trim()})`;
    }
    spawnSync('umount', [probe]);
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const skipReason = canMount();
if (skipReason !== undefined) {
  // eslint-disable-next-line no-console
  console.warn(`the disk-full fault test is skipped: ${skipReason}`);
}

/** A CSV of `rows` exposures, about 60 bytes each. */
function eventsCsv(rows: number, tag: string): string {
  const lines = ['user_id,experiment_id,variant,event_type,timestamp'];
  for (let i = 0; i < rows; i += 1) {
    lines.push(
      `${tag}-${i},disk-full,${i % 2 === 0 ? 'control' : 'treatment'},exposure,2026-03-01T10:00:00Z`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

describe.skipIf(skipReason !== undefined)(
  `a full disk under the blob store${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let dir: string;
    let buckets: string;
    let mounted = false;
    let serve: ServeProcess;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-fault-disk-'));
      buckets = path.join(dir, 'data', 'buckets');
      await mkdir(buckets, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', buckets]);
      mounted = true;
      serve = await startServe(path.join(dir, 'data'), { ABTEST_API_TOKEN: faultToken });
    });

    afterAll(async () => {
      await serve?.stop('SIGKILL');
      if (mounted) execFileSync('umount', [buckets]);
      await rm(dir, { recursive: true, force: true });
    });

    const post = async (body: string) => {
      const response = await fetch(`${serve.url}/v1/ingest/events`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${faultToken}`, 'content-type': 'text/csv' },
      });
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: (await response.json()) as { batch_id?: string; error?: string },
      };
    };

    it('answers 507 for an upload that does not fit, records nothing, and goes on', async () => {
      const api = client(serve.url, faultToken);
      const small = await post(eventsCsv(200, 'small'));
      expect(small.status).toBe(202);
      const before = await files(path.join(buckets, 'raw'));

      const big = eventsCsv(40_000, 'big');
      expect(Buffer.byteLength(big)).toBeGreaterThan(2 * 1024 * 1024);
      const full = await post(big);
      expect(full.status).toBe(507);
      expect(full.retryAfter).toBe('5');
      expect(full.body.error).toMatch(
        /^no space left on the blob store to write raw\/batches\/b_[0-9a-f]{24}\/source\.csv: nothing was stored; free space and send it again$/,
      );
      expect(full.body.error).not.toContain(dir);

      // Not recorded, and nothing of it left in the bucket (no half-written file).
      const bigId = batchIdFor(createHash('sha256').update(big).digest('hex'));
      expect((await api(`/v1/batches/${bigId}`)).status).toBe(404);
      expect(await files(path.join(buckets, 'raw'))).toEqual(before);

      // Still answering.
      expect((await api('/healthz')).status).toBe(200);
      expect((await api('/readyz')).status).toBe(200);
      expect((await api(`/v1/batches/${small.body.batch_id}`)).status).toBe(200);
      const another = await post(eventsCsv(100, 'another'));
      expect(another.status).toBe(202);
      expect(serve.child.exitCode).toBeNull();
    });
  },
);
