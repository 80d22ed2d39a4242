/**
 * The commands that keep data (`run`, `serve`) create what they write for their user alone: the
 * data folder, the database files (PGlite writes with mode 0666, narrowed by the umask), the
 * buckets, the reports. `generate` writes a file the user asked for and keeps the usual umask.
 */

/**
 * Sets the process umask to 077: folders 0700, files 0600.
 * @returns the umask before
 * @example keepFilesPrivate()
 */
export function keepFilesPrivate(): number {
  return process.umask(0o077);
}
