/**
 * The bearer token of a local stack: `ABTEST_API_TOKEN` when set, else one generated on first
 * start and kept in `<data-dir>/api-token` (readable by its owner only), so the same token
 * works across restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads the data folder's token, creating it when absent.
 * @param dataDir - the data folder
 * @returns the token (48 hex characters)
 * @example const token = await localApiToken('.abtest')
 */
export async function localApiToken(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'api-token');
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 16) return token;
  } catch {
    // not created yet
  }
  const token = randomBytes(24).toString('hex');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'w' });
  return token;
}
