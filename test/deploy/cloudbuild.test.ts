/**
 * cloudbuild.yaml: the steps run in order (npm ci, lint, npm test, the deployable build,
 * terraform init, plan, apply), they call the same npm scripts as .ci/run, the scripts exist in
 * package.json, and Terraform gets the project and region from substitutions.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './code-facts.ts';

interface BuildStep {
  id: string;
  name: string;
  entrypoint?: string;
  args?: string[];
}

interface CloudBuild {
  substitutions: Record<string, string>;
  steps: BuildStep[];
}

/** The command line of a step, as one string. */
const commandOf = (step: BuildStep) => [step.entrypoint ?? '', ...(step.args ?? [])].join(' ');

/** `npm ci`, `npm test`, `npm run <script>` invocations in a text, normalised. */
function npmCommands(text: string): string[] {
  return [...text.matchAll(/\bnpm\s+(ci|test|run\s+[\w:-]+)/g)].map((m) =>
    `npm ${m[1]}`.replace(/\s+/g, ' '),
  );
}

let build: CloudBuild;
let ciRun: string | undefined;
let scripts: Record<string, string>;

beforeAll(async () => {
  build = parse(await readFile(path.join(repoRoot, 'cloudbuild.yaml'), 'utf8')) as CloudBuild;
  ciRun = await readFile(path.join(repoRoot, '.ci/run'), 'utf8').catch(() => undefined);
  scripts = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')).scripts;
});

describe('cloudbuild.yaml', () => {
  it('runs install, lint, test, build, then terraform init, plan and apply', () => {
    expect(build.steps.map((step) => step.id)).toEqual([
      'npm-ci',
      'lint',
      'test',
      'build',
      'terraform-init',
      'terraform-plan',
      'terraform-apply',
    ]);
    const commands = build.steps.map(commandOf);
    expect(npmCommands(commands.slice(0, 4).join('\n'))).toEqual([
      'npm ci',
      'npm run lint',
      'npm test',
      'npm run package:functions',
    ]);
    expect(build.steps.slice(4).map((step) => step.args?.slice(0, 2))).toEqual([
      ['-chdir=terraform', 'init'],
      ['-chdir=terraform', 'plan'],
      ['-chdir=terraform', 'apply'],
    ]);
    expect(build.steps[6].args).toContain('tfplan');
    expect(build.steps[5].args).toContain('-out=tfplan');
  });

  it('runs the Node steps on Node 20 and Terraform at the version the config accepts', () => {
    for (const step of build.steps.slice(0, 4)) expect(step.name).toMatch(/^node:20(-|$)/);
    for (const step of build.steps.slice(4)) expect(step.name).toMatch(/^hashicorp\/terraform:1\./);
  });

  it('calls the npm scripts .ci/run calls, and only scripts package.json has', () => {
    const inBuild = npmCommands(build.steps.map(commandOf).join('\n'));
    expect(ciRun, '.ci/run is missing').toBeDefined();
    const inCi = npmCommands(ciRun ?? '');
    expect(inCi.length).toBeGreaterThan(0);
    expect(inBuild).toEqual(expect.arrayContaining(inCi));
    for (const command of inBuild) {
      const script = command === 'npm test' ? 'test' : command.replace(/^npm run /, '');
      if (command !== 'npm ci') expect(scripts[script], command).toBeTypeOf('string');
    }
    // The deployable build starts from the same compile as `npm run build`.
    expect(scripts['package:functions']).toMatch(/^npm run build && /);
  });

  it('passes the project and region to Terraform through substitutions', () => {
    expect(Object.keys(build.substitutions).sort()).toEqual([
      '_ALERT_EMAIL',
      '_NAME_PREFIX',
      '_REGION',
      '_TF_STATE_BUCKET',
    ]);
    const plan = build.steps.find((step) => step.id === 'terraform-plan');
    expect(plan?.args).toEqual(
      expect.arrayContaining([
        '-var=project_id=${PROJECT_ID}',
        '-var=region=${_REGION}',
        '-var=alert_email=${_ALERT_EMAIL}',
      ]),
    );
    const init = build.steps.find((step) => step.id === 'terraform-init');
    expect(init?.args).toContain('-backend-config=bucket=${_TF_STATE_BUCKET}');
  });
});
