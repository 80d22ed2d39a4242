/**
 * cloudbuild.yaml: the steps run in order (the test services, npm ci, lint, npm test, the
 * deployable build, terraform init, plan, apply), they call the same npm scripts as .ci/run, the
 * scripts exist in package.json, the tests run on the Node the functions run on with everything
 * .ci/run gives them (PostgreSQL, the Pub/Sub emulator, the apt packages), and Terraform gets the
 * project and region from substitutions.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './code-facts.ts';
import { loadTerraform } from './terraform-config.ts';

interface BuildStep {
  id: string;
  name: string;
  entrypoint?: string;
  args?: string[];
  env?: string[];
  volumes?: { name: string; path: string }[];
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

/** The variables that turn the PostgreSQL and Pub/Sub suites on. */
const suiteVariables = ['TEST_DATABASE_URL', 'PUBSUB_EMULATOR_HOST', 'GOOGLE_CLOUD_PROJECT'];

/** Cloud Build's own substitutions a step may use besides the `_` ones. */
const builtInSubstitutions = ['PROJECT_ID', 'BUILD_ID', 'PROJECT_NUMBER', 'LOCATION'];

let build: CloudBuild;
let ciRun: string | undefined;
let packageJson: { scripts: Record<string, string>; engines: { node: string } };
let scripts: Record<string, string>;
let runtimeDefault: unknown;

beforeAll(async () => {
  build = parse(await readFile(path.join(repoRoot, 'cloudbuild.yaml'), 'utf8')) as CloudBuild;
  ciRun = await readFile(path.join(repoRoot, '.ci/run'), 'utf8').catch(() => undefined);
  packageJson = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8'));
  scripts = packageJson.scripts;
  runtimeDefault = (await loadTerraform()).root.variable.runtime?.default;
});

/** A step by id. */
function step(id: string): BuildStep {
  const found = build.steps.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`cloudbuild.yaml has no step ${id}`);
  return found;
}

/** The environment of a step, by name. */
function environmentOf(buildStep: BuildStep): Record<string, string> {
  return Object.fromEntries(
    (buildStep.env ?? []).map((entry) => [
      entry.slice(0, entry.indexOf('=')),
      entry.slice(entry.indexOf('=') + 1),
    ]),
  );
}

/** The Node major version of a `node:NN...` image. */
const nodeMajor = (image: string) => Number(/^node:(\d+)(-|$)/.exec(image)?.[1]);

describe('cloudbuild.yaml', () => {
  it('runs install, lint, test, build, then terraform init, plan and apply', () => {
    expect(build.steps.map((step) => step.id)).toEqual([
      'postgres',
      'pubsub-emulator',
      'npm-ci',
      'lint',
      'test',
      'build',
      'terraform-init',
      'terraform-plan',
      'terraform-apply',
    ]);
    const commands = build.steps.map(commandOf);
    expect(npmCommands(commands.slice(0, 6).join('\n'))).toEqual([
      'npm ci',
      'npm run lint',
      'npm test',
      'npm run package:functions',
    ]);
    expect(build.steps.slice(6).map((step) => step.args?.slice(0, 2))).toEqual([
      ['-chdir=terraform', 'init'],
      ['-chdir=terraform', 'plan'],
      ['-chdir=terraform', 'apply'],
    ]);
    expect(step('terraform-apply').args).toContain('tfplan');
    expect(step('terraform-plan').args).toContain('-out=tfplan');
  });

  it('runs the Node steps on the Node the functions run on, and Terraform at a version the config accepts', () => {
    const nodeSteps = build.steps.slice(2, 6);
    for (const nodeStep of nodeSteps) expect(nodeStep.name).toMatch(/^node:22(-|$)/);
    expect(runtimeDefault).toBe(`nodejs${nodeMajor(nodeSteps[0].name)}`);
    // The code still runs on Node 20.19 or later: the engines range is unchanged.
    expect(packageJson.engines.node).toBe('>=20.19');
    for (const tfStep of build.steps.slice(6)) {
      expect(tfStep.name).toMatch(/^hashicorp\/terraform:1\./);
    }
  });

  it('gives npm test every variable .ci/run sets for the PostgreSQL and Pub/Sub suites', () => {
    const environment = environmentOf(step('test'));
    for (const variable of suiteVariables) {
      expect(ciRun ?? '', `.ci/run exports ${variable}`).toMatch(new RegExp(`export ${variable}=`));
      expect(environment[variable], variable).toMatch(/\S/);
    }
  });

  it('runs PostgreSQL as a service container the test step reaches on the cloudbuild network', () => {
    const postgres = step('postgres');
    expect(postgres.name).toMatch(/^gcr\.io\/cloud-builders\/docker/);
    const args = postgres.args ?? [];
    expect(args[0]).toBe('run');
    expect(args).toEqual(
      expect.arrayContaining(['--detach', '--network=cloudbuild', '--env=POSTGRES_DB=test']),
    );
    expect(args.at(-1)).toMatch(/^postgres:16(-|$)/);
    const name = args.find((arg) => arg.startsWith('--name='))?.slice('--name='.length);
    const url = new URL(environmentOf(step('test')).TEST_DATABASE_URL ?? 'missing://');
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe(name);
    expect(url.pathname).toBe('/test');
    const script = commandOf(step('test'));
    expect(script).toMatch(new RegExp(`pg_isready -q -h ${name} -p ${url.port}`));
    expect(script.indexOf('pg_isready')).toBeLessThan(script.indexOf('npm test'));
  });

  it('starts the Pub/Sub emulator from the emulator step on the host and port the tests use', () => {
    const copy = step('pubsub-emulator');
    expect(copy.name).toMatch(/^gcr\.io\/google\.com\/cloudsdktool\/google-cloud-cli:.*emulators$/);
    const volume = copy.volumes?.[0];
    expect(commandOf(copy)).toContain(`platform/pubsub-emulator/." ${volume?.path}/`);
    const test = step('test');
    const mounted = test.volumes?.find((candidate) => candidate.name === volume?.name);
    expect(mounted).toBeDefined();
    const [host, port] = (environmentOf(test).PUBSUB_EMULATOR_HOST ?? '').split(':');
    // The emulator pushes to subscriptions on 127.0.0.1: it must share the test's loopback.
    expect(host).toBe('127.0.0.1');
    const script = commandOf(test);
    expect(script).toContain(
      `setsid ${mounted?.path}/bin/cloud-pubsub-emulator --host=${host} --port=${port}`,
    );
    expect(script).toContain(`/dev/tcp/${host}/${port}`);
    expect(script).toMatch(/trap 'kill -TERM -- -\$\$emulator/);
    expect(script.indexOf('cloud-pubsub-emulator')).toBeLessThan(script.indexOf('npm test'));
  });

  it('installs every apt package .ci/run installs before npm test', () => {
    const packages = [...(ciRun ?? '').matchAll(/missing_packages\+=\(([\w.-]+)\)/g)].map(
      (match) => match[1],
    );
    expect(packages).toEqual(expect.arrayContaining(['poppler-utils', 'chromium']));
    const install = /apt-get install -y -qq ([^>\n]+)/.exec(commandOf(step('test')))?.[1] ?? '';
    expect(install.trim().split(/\s+/)).toEqual(expect.arrayContaining(packages));
  });

  it('escapes every shell $ from Cloud Build substitution', () => {
    const known = new Set([...Object.keys(build.substitutions), ...builtInSubstitutions]);
    for (const buildStep of build.steps) {
      for (const arg of buildStep.args ?? []) {
        const unescaped = arg.replaceAll('$$', '');
        for (const match of unescaped.matchAll(/\$(\{([^}]*)\}|\w*)/g)) {
          const name = match[2] ?? match[1];
          expect(known.has(name), `${buildStep.id}: $${match[1]} is not a substitution`).toBe(true);
        }
      }
    }
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
