/**
 * The `abtest` command as a user runs it: the bin entry in a child process, its exit code,
 * stdout and stderr, whatever the outcome.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = path.resolve('bin/abtest.js');

/** What a run of the command left. */
export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `abtest` with arguments.
 * @param args - the arguments
 * @param options - working folder and extra environment
 * @returns the exit code and output
 */
export async function runAbtest(
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
