/**
 * Reading the dashboard's browser files (`client/`: the modules and the stylesheet) from the
 * sources, to build what the server ships (see dashboard-build.ts). The server itself never
 * reads them: it serves the generated build.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's browser files, as text. */
export interface DashboardAssets {
  /** The modules by file name (`app.js` is the entry). */
  readonly modules: ReadonlyMap<string, string>;
  readonly style: string;
}

/** The folder of the browser files, beside this module. */
export const dashboardClientDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client');

/**
 * Reads the browser files.
 * @param dir - the folder (`client/` beside this module by default)
 * @returns the modules and the stylesheet
 * @throws {Error} when the folder or the stylesheet is missing
 * @example const { modules } = await loadDashboardAssets()
 */
export async function loadDashboardAssets(
  dir: string = dashboardClientDir,
): Promise<DashboardAssets> {
  const names = (await readdir(dir)).filter((name) => /^[a-z0-9-]+\.js$/.test(name)).sort();
  const modules = new Map<string, string>();
  for (const name of names) modules.set(name, await readFile(path.join(dir, name), 'utf8'));
  return { modules, style: await readFile(path.join(dir, 'dashboard.css'), 'utf8') };
}
