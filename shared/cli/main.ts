/**
 * Entry point of the `abtest` command: dispatches to one sub-command module per verb.
 */
const usage = `abtest: automated A/B experiment analysis

Usage:
  abtest run FILE... [--json] [--data-dir DIR] [--definition FILE]
  abtest verify RESULT.json [--data-dir DIR]
  abtest stats --vectors FILE
  abtest plan --metric binomial --baseline RATE (--mde RELATIVE | --users TOTAL) [--arms N] [--ratio R] [--daily-users N] [--json]
  abtest generate --users N --seed S [--effect conversion=0.1] [--truth FILE] -o FILE
  abtest serve [--port 8080] [--data-dir DIR] [--bus inprocess|pubsub] [--rerun-every 1h]
  abtest stream --config FILE [--run-for 3600] [--progress-interval 60] [--from FILE|-|pubsub:SUBSCRIPTION] [--out-dir DIR] [--data-dir DIR]
`;

type Command = (args: readonly string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run-command.ts')).runCommand,
  generate: async () => (await import('./generate-command.ts')).generateCommand,
  serve: async () => (await import('./serve-command.ts')).serveCommand,
  stats: async () => (await import('./stats-command.ts')).statsCommand,
  plan: async () => (await import('./plan-command.ts')).planCommand,
  stream: async () => (await import('./stream-command.ts')).streamCommand,
  verify: async () => (await import('./verify-command.ts')).verifyCommand,
};

/**
 * Runs the command line and resolves with the process exit code.
 * @param argv - the arguments after the program name
 * @returns 0 on success, non-zero on failure
 * @example await main(['stats', '--vectors', 'stats_vectors.json'])
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(usage);
    return verb === undefined ? 2 : 0;
  }
  const load = commands[verb];
  if (load === undefined) {
    process.stderr.write(`abtest: unknown command "${verb}"\n\n${usage}`);
    return 2;
  }
  const command = await load();
  return command(rest);
}
