/**
 * The local stand-in for the Cloud Storage finalize trigger: files appearing under
 * `<data-dir>/buckets/raw/uploads/` (and `definitions/`) are handed to the same ingest
 * handler a GCS event reaches. A file is taken once its size and modification time have held
 * still for a moment (write to a temporary name and rename for an instant hand-over). Every
 * file is looked at again after a restart: ingest is idempotent, so a file already ingested
 * finds its batch and nothing changes.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { definitionsPrefix, uploadsPrefix } from '../store/storage-layout.ts';
import { ingestStorageObject } from '../stages/ingest-object.ts';
import type { StageDeps } from '../stages/stage-deps.ts';
import { isValidationError } from '../errors/errors.ts';

/** A running watcher. */
export interface UploadsWatcher {
  /** Stops watching and waits for the file being ingested, if any. */
  close(): Promise<void>;
  /** Resolves when every file seen so far has been handled (tests). */
  settled(): Promise<void>;
}

const scanEveryMs = 1000;
const stableForMs = 300;

/**
 * Starts watching the raw bucket's `uploads/` and `definitions/` folders.
 * @param deps - the ports (local blob store: the folders are under the data folder)
 * @returns the watcher
 * @example const watcher = await watchUploads(deps)
 */
export async function watchUploads(deps: StageDeps): Promise<UploadsWatcher> {
  const root = path.join(deps.config.dataDir, 'buckets', deps.config.buckets.raw);
  const prefixes = [uploadsPrefix, definitionsPrefix];
  for (const prefix of prefixes) await mkdir(path.join(root, prefix), { recursive: true });
  const handled = new Map<string, string>();
  const candidates = new Map<string, { signature: string; since: number }>();
  let closed = false;
  let running: Promise<void> = Promise.resolve();

  const scan = async (): Promise<void> => {
    for (const prefix of prefixes) {
      for (const name of await listFiles(path.join(root, prefix))) {
        const key = `${prefix}${name}`;
        const facts = await stat(path.join(root, key)).catch(() => undefined);
        if (facts === undefined || !facts.isFile()) continue;
        const signature = `${facts.size}:${facts.mtimeMs}`;
        if (handled.get(key) === signature) continue;
        const seen = candidates.get(key);
        if (seen?.signature !== signature) {
          candidates.set(key, { signature, since: Date.now() });
          continue;
        }
        if (Date.now() - seen.since < stableForMs) continue;
        candidates.delete(key);
        try {
          await ingestStorageObject(deps, { bucket: deps.config.buckets.raw, name: key });
        } catch (error) {
          // Looked at again only once the file changes: a bad file must not be retried forever.
          const reason = error instanceof Error ? error.message : String(error);
          if (isValidationError(error))
            deps.logger.warn('upload not ingested', { name: key, reason });
          else deps.logger.error('upload failed', { name: key, reason });
        }
        handled.set(key, signature);
      }
    }
  };
  const tick = () => {
    if (closed) return;
    running = running
      .then(scan)
      .catch((error: unknown) => deps.logger.error('uploads scan failed', { error }));
  };
  const watchers: FSWatcher[] = prefixes.map((prefix) =>
    watch(path.join(root, prefix), () => setTimeout(tick, stableForMs + 20)),
  );
  const timer = setInterval(tick, scanEveryMs);
  tick();
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      for (const watcher of watchers) watcher.close();
      await running;
    },
    async settled() {
      for (let round = 0; round < 3; round += 1) {
        tick();
        await running;
        await new Promise((resolve) => setTimeout(resolve, stableForMs + 20));
      }
      tick();
      await running;
    },
  };
}

/** File names under a folder, recursively, relative to it, sorted; temporary names skipped. */
async function listFiles(dir: string, relative = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, relative), { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name.includes('.tmp-')) continue;
    const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) names.push(...(await listFiles(dir, name)));
    else if (entry.isFile()) names.push(name);
  }
  return names.sort();
}
