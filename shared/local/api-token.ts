/**
 * The bearer token of a local stack: `ABTEST_API_TOKEN` when set, else one generated on first
 * start and kept in `<data-dir>/api-token` (readable by its owner only), so the same token
 * works across restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The local token, and whether this call generated it (then it was never shown before). */
export interface LocalToken {
  readonly token: string;
  /** The file keeping it. */
  readonly file: string;
  /** True when the file did not exist and the token was generated now. */
  readonly generated: boolean;
}

/**
 * Reads the data folder's token, creating it when absent.
 * @param dataDir - the data folder
 * @returns the token (48 hex characters), its file, and whether it is new
 * @example const { token, generated } = await localApiToken('.abtest')
 */
export async function localApiToken(dataDir: string): Promise<LocalToken> {
  const file = path.join(dataDir, 'api-token');
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 16) return { token, file, generated: false };
  } catch {
    // not created yet
  }
  const token = randomBytes(24).toString('hex');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'w' });
  return { token, file, generated: true };
}
