/**
 * `abtest plan`: the sample size for a relative MDE, or the MDE of a sample size, with the days
 * needed at a daily traffic (see shared/analysis/experiment-plan.ts).
 */
import { planExperiment, planRequestSchema, type Plan } from '../analysis/experiment-plan.ts';

const usage = `Usage: abtest plan --metric binomial --baseline RATE | --metric continuous --mean M --sd S
         (--mde RELATIVE | --users TOTAL) [--alpha 0.05] [--power 0.8] [--arms 2] [--ratio 1]
         [--daily-users N] [--json]
`;

const numeric = new Map([
  ['--baseline', 'baseline'],
  ['--mean', 'mean'],
  ['--sd', 'sd'],
  ['--mde', 'mde'],
  ['--users', 'users'],
  ['--alpha', 'alpha'],
  ['--power', 'power'],
  ['--arms', 'arms'],
  ['--ratio', 'ratio'],
  ['--daily-users', 'daily_users'],
]);

/** The request an argument list spells, or a usage message. */
function requestOf(
  args: readonly string[],
): { request: Record<string, unknown>; json: boolean } | string {
  const request: Record<string, unknown> = {};
  let json = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--json') {
      json = true;
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) return `${arg} needs a value`;
    i += 1;
    if (arg === '--metric') request.metric = value;
    else if (numeric.has(arg)) {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number))
        return `${arg} needs a number, not "${value}"`;
      request[numeric.get(arg) ?? ''] = number;
    } else return `unknown option ${arg}`;
  }
  return { request, json };
}

const percent = (x: number) => `${Number((x * 100).toPrecision(4))}%`;
const count = (x: number | null) => (x === null ? 'n/a' : x.toLocaleString('en-US'));

/**
 * The plan in words, one line per figure.
 * @param plan - a plan
 * @returns the text
 * @example formatPlan(planExperiment(request))
 */
export function formatPlan(plan: Plan): string {
  const lines = [
    `metric: ${plan.metric}; ${plan.arms} arms (${plan.arms - 1} treatment${plan.arms > 2 ? 's' : ''}, each tested at alpha ${Number(plan.alpha_per_comparison.toPrecision(4))}), power ${percent(plan.power)}, ${plan.ratio} treatment users per control user`,
    plan.solved_for === 'sample_size'
      ? `to detect a relative change of ${percent(plan.relative_mde ?? 0)}:`
      : `with ${count(plan.total_users)} users in all:`,
    `  control users:    ${count(plan.control_users)}`,
    `  users per treatment: ${count(plan.treatment_users)}`,
    `  total users:      ${count(plan.total_users)}`,
  ];
  if (plan.solved_for === 'mde') {
    lines.push(
      `  minimum detectable effect: ${plan.relative_mde === null ? 'none (the sample cannot reach the power)' : `${percent(plan.relative_mde)} relative`}`,
    );
  }
  if (plan.daily_users !== null) {
    lines.push(`  days at ${count(plan.daily_users)} users a day: ${count(plan.days_needed)}`);
  }
  if (plan.solved_for === 'sample_size' && plan.total_users === null) {
    lines.push('  (no sample size reaches the power for that effect)');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `abtest plan`.
 * @param args - the arguments after `plan`
 * @returns 0 on success, 2 for a usage error or an invalid request
 * @example await planCommand(['--metric', 'binomial', '--baseline', '0.05', '--mde', '0.1'])
 */
export async function planCommand(args: readonly string[]): Promise<number> {
  const parsedArgs = requestOf(args);
  if (typeof parsedArgs === 'string') {
    process.stderr.write(`abtest plan: ${parsedArgs}\n${usage}`);
    return 2;
  }
  const parsed = planRequestSchema.safeParse(parsedArgs.request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'request').replace('_', '-');
    process.stderr.write(`abtest plan: --${field}: ${issue?.message ?? 'invalid'}\n${usage}`);
    return 2;
  }
  const plan = planExperiment(parsed.data);
  process.stdout.write(parsedArgs.json ? `${JSON.stringify(plan)}\n` : formatPlan(plan));
  return 0;
}
