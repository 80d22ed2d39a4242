/**
 * The wiring checks: does the Terraform configuration deploy what the code registers, create
 * the topics it uses, push each subscription to the function that handles it, give every
 * function the settings loadConfig needs on GCP, and grant what the code reads, writes and
 * publishes? Each check returns the problems it finds as sentences; none means wired.
 */
import { loadConfig, type Config } from '../../shared/config/load-config.ts';
import type { CodeFacts } from './code-facts.ts';
import {
  deployedFunctions,
  resolveValue,
  type Body,
  type DeployedFunction,
  type TerraformConfig,
} from './terraform-config.ts';

/** The value the secret environment variables get when loadConfig is tried offline. */
export const secretPlaceholder = 'secret-manager-value-0123456789';

/** The offline value of a secret variable: the placeholder, in the shape the variable takes. */
function secretValue(variable: string): string {
  return variable === 'ABTEST_API_TOKENS' ? `named:${secretPlaceholder}` : secretPlaceholder;
}

const bucketOf: Readonly<Record<string, 'raw' | 'curated' | 'artifacts'>> = {
  '${google_storage_bucket.raw.name}': 'raw',
  '${google_storage_bucket.curated.name}': 'curated',
  '${google_storage_bucket.artifacts.name}': 'artifacts',
};

/**
 * The settings a function's configuration must have on GCP. The expected values are the
 * Terraform expressions the environment refers to.
 * @param config - what loadConfig made of the function's environment
 * @param http - whether the function serves the HTTP API (then it needs the token)
 * @returns problems, each naming the variable at fault
 */
function gcpSettingProblems(config: Config, http: boolean): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, variable: string, what: string) => {
    if (!ok) problems.push(`${variable}: ${what}`);
  };
  expect(config.storage === 'gcs', 'ABTEST_STORAGE', `storage is ${config.storage}, not gcs`);
  expect(config.bus === 'pubsub', 'ABTEST_BUS', `bus is ${config.bus}, not pubsub`);
  for (const [variable, bucket] of [
    ['ABTEST_BUCKET_RAW', 'raw'],
    ['ABTEST_BUCKET_CURATED', 'curated'],
    ['ABTEST_BUCKET_ARTIFACTS', 'artifacts'],
  ] as const) {
    expect(
      bucketOf[config.buckets[bucket]] === bucket,
      variable,
      `the ${bucket} bucket is "${config.buckets[bucket]}", not the ${bucket} bucket resource`,
    );
  }
  expect(
    config.projectId === '${var.project_id}',
    'GOOGLE_CLOUD_PROJECT',
    `project is "${config.projectId}", not var.project_id`,
  );
  expect(
    config.dataDir.startsWith('/tmp/'),
    'ABTEST_DATA_DIR',
    `data folder ${config.dataDir} is not under /tmp, the only writable folder of a function`,
  );
  const db = config.database;
  if (db.kind !== 'cloudsql') {
    problems.push(`CLOUD_SQL_INSTANCE: database is ${db.kind}, not Cloud SQL`);
  } else {
    expect(
      db.instance === '${google_sql_database_instance.main.connection_name}',
      'CLOUD_SQL_INSTANCE',
      `instance is "${db.instance}", not the instance's connection name`,
    );
    expect(db.user === '${google_sql_user.app.name}', 'DB_USER', `user is "${db.user}"`);
    expect(db.database === '${google_sql_database.app.name}', 'DB_NAME', `db is "${db.database}"`);
    expect(db.password === secretPlaceholder, 'DB_PASSWORD', 'not read from Secret Manager');
  }
  if (http) {
    expect(
      config.auth === 'iam' || config.apiToken === secretPlaceholder,
      'ABTEST_API_TOKEN',
      'the HTTP API has no token from Secret Manager (and ABTEST_AUTH is not iam)',
    );
  }
  return problems;
}

/**
 * What a function's environment (plain plus secrets) gives on GCP.
 * @param environment - the variables, secrets replaced by {@link secretPlaceholder}
 * @param http - whether the function serves the HTTP API
 * @returns problems; a ConfigError becomes one problem naming its variable
 */
export function environmentProblems(
  environment: Readonly<Record<string, string>>,
  http: boolean,
): string[] {
  let config: Config;
  try {
    config = loadConfig(environment);
  } catch (error) {
    return [`loadConfig fails: ${(error as Error).message}`];
  }
  return gcpSettingProblems(config, http);
}

/**
 * A function's whole environment as the running function sees it: plain variables, and the
 * secret ones as {@link secretPlaceholder}.
 * @param fn - the deployed function
 * @returns the variables
 */
export function runtimeEnvironment(fn: DeployedFunction): Record<string, string> {
  return {
    ...fn.environment,
    ...Object.fromEntries(fn.secretVariables.map((name) => [name, secretValue(name)])),
  };
}

/**
 * The variables of loadConfig's schema a deployed function cannot do without on GCP: those whose
 * removal from its environment makes {@link environmentProblems} report something.
 * @param fn - the deployed function
 * @param configVariables - every variable loadConfig reads
 * @returns the variable names, in schema order
 */
export function requiredOnGcp(fn: DeployedFunction, configVariables: readonly string[]): string[] {
  const full = runtimeEnvironment(fn);
  const http = fn.trigger.type === 'http';
  return configVariables.filter((variable) => {
    if (!(variable in full)) return false;
    const { [variable]: _removed, ...rest } = full;
    return environmentProblems(rest, http).length > 0;
  });
}

function functionProblems(tf: TerraformConfig, code: CodeFacts): string[] {
  const problems: string[] = [];
  const deployed = deployedFunctions(tf.root);
  for (const folder of code.functionFolders) {
    if (!code.registrations.some((r) => r.folder === folder)) {
      problems.push(`functions/${folder}: registers no entry point`);
    }
  }
  for (const registration of code.registrations) {
    const matches = deployed.filter((fn) => fn.entryPoint === registration.name);
    const where = `${registration.name} (functions/${registration.folder})`;
    if (matches.length === 0) {
      problems.push(`${where}: registered, but no google_cloudfunctions2_function deploys it`);
      continue;
    }
    if (matches.length > 1) problems.push(`${where}: deployed ${matches.length} times`);
    for (const fn of matches) {
      const expected = registration.signature === 'http' ? ['http'] : ['pubsub-push', 'storage'];
      if (!expected.includes(fn.trigger.type)) {
        problems.push(
          `${where}: registered as ${registration.signature}, but module.${fn.module} gives it a ${fn.trigger.type} trigger`,
        );
      }
    }
  }
  for (const fn of deployed) {
    if (!code.registrations.some((r) => r.name === fn.entryPoint)) {
      problems.push(`module.${fn.module}: entry point "${fn.entryPoint}" is registered nowhere`);
    }
    const sizing = fn.arguments;
    for (const field of ['memory', 'timeout_seconds', 'max_instances']) {
      const wanted = `\${var.function_sizing["${fn.entryPoint}"].${field}}`;
      if (sizing[field] !== wanted) {
        problems.push(`module.${fn.module}: ${field} is ${String(sizing[field])}, not ${wanted}`);
      }
    }
    if (
      fn.trigger.type === 'storage' &&
      fn.trigger.bucket !== '${google_storage_bucket.raw.name}'
    ) {
      problems.push(`module.${fn.module}: its storage trigger watches ${fn.trigger.bucket}`);
    }
  }
  const sizingKeys = Object.keys(
    (tf.root.variable.function_sizing?.default ?? {}) as Record<string, unknown>,
  ).sort();
  const entryPoints = deployed.map((fn) => fn.entryPoint).sort();
  if (sizingKeys.join() !== entryPoints.join()) {
    problems.push(`var.function_sizing sizes ${sizingKeys.join(', ')}; deployed: ${entryPoints}`);
  }
  const gcsPublisher = tf.root.resource.google_project_iam_member?.gcs_pubsub_publisher;
  if (
    deployed.some((fn) => fn.trigger.type === 'storage') &&
    gcsPublisher?.role !== 'roles/pubsub.publisher'
  ) {
    problems.push('the Cloud Storage service agent may not publish: the storage trigger is mute');
  }
  return problems;
}

function topicProblems(tf: TerraformConfig, code: CodeFacts): string[] {
  const problems: string[] = [];
  const root = tf.root;
  const declared = (resolveValue('${local.chain_topics}', root) ?? []) as string[];
  const chain = root.resource.google_pubsub_topic?.chain;
  if (chain?.for_each !== '${toset(local.chain_topics)}' || chain.name !== '${each.value}') {
    problems.push('google_pubsub_topic.chain does not create one topic per local.chain_topics');
  }
  for (const topic of code.topics) {
    if (!declared.includes(topic)) problems.push(`topic ${topic}: used by the code, not created`);
  }
  for (const topic of declared) {
    if (!code.topics.includes(topic)) problems.push(`topic ${topic}: created, unknown to the code`);
  }
  const deadLetter = resolveValue(root.resource.google_pubsub_topic?.dead_letter?.name, root);
  if (deadLetter !== code.deadLetterTopic) {
    problems.push(`dead-letter topic ${code.deadLetterTopic}: not created (found ${deadLetter})`);
  }
  const mentioned = new Map<string, string>();
  for (const fn of deployedFunctions(root)) {
    for (const [name, topic] of Object.entries(fn.pushSubscriptions)) {
      mentioned.set(topic, `push subscription ${name}`);
    }
  }
  for (const topic of (resolveValue('${local.outbox_topics}', root) ?? []) as string[]) {
    mentioned.set(topic, 'local.outbox_topics');
  }
  const schedulerTopic = String(
    (root.resource.google_cloud_scheduler_job?.rerun?.pubsub_target as Body[] | undefined)?.[0]
      ?.topic_name,
  );
  const scheduled = /google_pubsub_topic\.chain\["([^"]+)"\]\.id/.exec(schedulerTopic)?.[1];
  if (scheduled === undefined) problems.push(`the rerun job publishes to ${schedulerTopic}`);
  else mentioned.set(scheduled, 'the rerun job');
  for (const [topic, where] of mentioned) {
    if (!declared.includes(topic)) problems.push(`${where}: topic ${topic} is not created`);
  }
  return problems;
}

function subscriptionProblems(tf: TerraformConfig, code: CodeFacts): string[] {
  const problems: string[] = [];
  const deployed = deployedFunctions(tf.root);
  const handlers = new Map<string, { fn: DeployedFunction; topic: string }[]>();
  for (const fn of deployed) {
    for (const [name, topic] of Object.entries(fn.pushSubscriptions)) {
      handlers.set(name, [...(handlers.get(name) ?? []), { fn, topic }]);
    }
  }
  for (const subscription of code.subscriptions) {
    const what = `subscription ${subscription.name} (${subscription.topic} -> ${subscription.functionName})`;
    const found = handlers.get(subscription.name) ?? [];
    if (found.length === 0) problems.push(`${what}: no push subscription`);
    if (found.length > 1) problems.push(`${what}: created ${found.length} times`);
    for (const { fn, topic } of found) {
      if (topic !== subscription.topic) problems.push(`${what}: subscribes to ${topic}`);
      if (fn.entryPoint !== subscription.functionName) {
        problems.push(`${what}: pushes to ${fn.entryPoint} (module.${fn.module})`);
      }
    }
  }
  for (const [name, found] of handlers) {
    if (!code.subscriptions.some((s) => s.name === name)) {
      problems.push(
        `push subscription ${name} (module.${found[0]?.fn.module}): not in chain-subscriptions.ts`,
      );
    }
  }
  for (const fn of deployed) {
    const pushes = Object.keys(fn.pushSubscriptions).length > 0;
    if (fn.trigger.type === 'pubsub-push' && !pushes) {
      problems.push(`module.${fn.module}: deployed for push delivery, but nothing pushes to it`);
    }
    if (fn.trigger.type !== 'pubsub-push' && pushes) {
      problems.push(`module.${fn.module}: has push subscriptions but a ${fn.trigger.type} trigger`);
    }
    if (!pushes) continue;
    const delivery = fn.pushDelivery ?? {};
    if (delivery.max_delivery_attempts !== code.maxDeliveryAttempts) {
      problems.push(
        `module.${fn.module}: dead-letters after ${String(delivery.max_delivery_attempts)} delivery attempts, the code's policy says ${code.maxDeliveryAttempts}`,
      );
    }
    if (delivery.dead_letter_topic !== '${google_pubsub_topic.dead_letter.id}') {
      problems.push(`module.${fn.module}: does not dead-letter to the dead-letter topic`);
    }
    if (delivery.service_account_email !== '${google_service_account.pubsub_push.email}') {
      problems.push(`module.${fn.module}: push requests are not signed as the push account`);
    }
  }

  const push = tf.functionModule.resource.google_pubsub_subscription?.push;
  if (push === undefined) return [...problems, 'modules/function: no push subscription resource'];
  const first = (body: Body, name: string) => ((body[name] ?? []) as Body[])[0] ?? {};
  const url = '${local.url}';
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(`modules/function: ${what}`);
  };
  expect(
    tf.functionModule.locals.url ===
      '${google_cloudfunctions2_function.function.service_config[0].uri}',
    'local.url is not the function URL',
  );
  expect(
    push.for_each === '${var.push_subscriptions}',
    'not one subscription per push_subscriptions',
  );
  expect(
    push.topic === 'projects/${var.project_id}/topics/${each.value}',
    `subscriptions subscribe to ${String(push.topic)}`,
  );
  const pushConfig = first(push, 'push_config');
  const oidc = first(pushConfig, 'oidc_token');
  expect(
    pushConfig.push_endpoint === `${url}/projects/\${var.project_id}/topics/\${each.value}`,
    `push endpoint ${String(pushConfig.push_endpoint)} is not the function URL with the topic path`,
  );
  expect(
    oidc.service_account_email === '${var.push_delivery.service_account_email}' &&
      oidc.audience === url,
    'push requests do not carry an OIDC token of the push account for the function URL',
  );
  const deadLetter = first(push, 'dead_letter_policy');
  expect(
    deadLetter.dead_letter_topic === '${var.push_delivery.dead_letter_topic}' &&
      deadLetter.max_delivery_attempts === '${var.push_delivery.max_delivery_attempts}',
    "the dead-letter policy is not push_delivery's",
  );
  expect(push.retry_policy !== undefined, 'push subscriptions have no retry policy');
  const sizing = (tf.root.variable.function_sizing?.default ?? {}) as Record<
    string,
    { timeout_seconds: number }
  >;
  for (const fn of deployed.filter((f) => f.trigger.type === 'pubsub-push')) {
    const timeout = sizing[fn.entryPoint]?.timeout_seconds ?? Infinity;
    if (Number(push.ack_deadline_seconds) < timeout) {
      problems.push(`${fn.entryPoint}: may run ${timeout} s, past the ack deadline`);
    }
  }
  return problems;
}

function settingProblems(tf: TerraformConfig, code: CodeFacts): string[] {
  const problems: string[] = [];
  for (const fn of deployedFunctions(tf.root)) {
    const names = [...Object.keys(fn.environment), ...fn.secretVariables];
    for (const name of names) {
      if (!code.configVariables.includes(name)) {
        problems.push(`${fn.entryPoint}: sets ${name}, which loadConfig does not read`);
      }
    }
    for (const name of fn.secretVariables) {
      if (name in fn.environment) problems.push(`${fn.entryPoint}: ${name} is set twice`);
    }
    for (const problem of environmentProblems(runtimeEnvironment(fn), fn.trigger.type === 'http')) {
      problems.push(`${fn.entryPoint}: ${problem}`);
    }
  }
  return problems;
}

type Capability = 'read' | 'create' | 'overwrite';

const roleCapabilities: Readonly<Record<string, readonly Capability[]>> = {
  'roles/storage.objectViewer': ['read'],
  'roles/storage.objectCreator': ['create'],
  'roles/storage.objectUser': ['read', 'create', 'overwrite'],
};

/**
 * What each entry point does with each bucket, read from the stages (a write without `ifAbsent`
 * may replace an object on redelivery, which needs `storage.objects.delete`):
 * ingest uploads batches/ ifAbsent (shared/stages/ingest.ts); ingestUpload also reads uploads/
 * and definitions/ (ingest-object.ts); validate reads batches/, writes rejections/ ifAbsent and
 * curated Parquet, and reads earlier curated files (validate.ts, batch-checks.ts); analyze reads
 * curated events and writes the users table (analyze.ts); train reads it and writes models/
 * (train.ts); report writes reports/ (report.ts); results reads reports and signs URLs
 * (http/results/report-handlers.ts) and writes enrollment batches ifAbsent through ingest
 * (stages/enrollments.ts); monitor reads curated batches (stages/monitor.ts) and rewrites the
 * csv sink's snapshots/ (stages/monitor-tick.ts).
 */
export const bucketNeeds: Readonly<
  Record<string, Partial<Record<'raw' | 'curated' | 'artifacts', readonly Capability[]>>>
> = {
  ingest: { raw: ['create'] },
  ingestUpload: { raw: ['read', 'create'] },
  validate: { raw: ['read', 'create'], curated: ['read', 'create', 'overwrite'] },
  analyze: { curated: ['read', 'create', 'overwrite'] },
  train: { curated: ['read'], artifacts: ['create', 'overwrite'] },
  report: { artifacts: ['create', 'overwrite'] },
  results: { artifacts: ['read'], raw: ['create'] },
  monitor: { curated: ['read'], artifacts: ['read', 'create', 'overwrite'] },
};

function bucketProblems(tf: TerraformConfig): string[] {
  const problems: string[] = [];
  for (const fn of deployedFunctions(tf.root)) {
    const granted = new Map<string, Set<Capability>>();
    for (const { bucket, role } of fn.bucketRoles) {
      const name = bucketOf[bucket] ?? bucket;
      const capabilities = roleCapabilities[role];
      if (capabilities === undefined) problems.push(`${fn.entryPoint}: unexpected role ${role}`);
      granted.set(name, new Set([...(granted.get(name) ?? []), ...(capabilities ?? [])]));
    }
    const needs = bucketNeeds[fn.entryPoint] ?? {};
    for (const [bucket, capabilities] of Object.entries(needs)) {
      for (const capability of capabilities) {
        if (!granted.get(bucket)?.has(capability)) {
          problems.push(`${fn.entryPoint}: cannot ${capability} in the ${bucket} bucket`);
        }
      }
    }
    for (const bucket of granted.keys()) {
      if (!(bucket in needs))
        problems.push(`${fn.entryPoint}: has a role on ${bucket} it never uses`);
    }
  }
  return problems;
}

function publisherProblems(tf: TerraformConfig, code: CodeFacts): string[] {
  const problems: string[] = [];
  for (const fn of deployedFunctions(tf.root)) {
    for (const topic of code.enqueuedTopics) {
      if (!fn.publishesTo.includes(topic)) {
        problems.push(
          `${fn.entryPoint}: may not publish to ${topic}, which its outbox flush relays`,
        );
      }
    }
    if (fn.publishesTo.includes(code.deadLetterTopic)) {
      problems.push(`${fn.entryPoint}: may publish to the dead-letter topic`);
    }
  }
  const enqueues = (resolveValue('${local.enqueues}', tf.root) ?? {}) as Record<string, string[]>;
  const listed = [...new Set(Object.values(enqueues).flat())].sort();
  if (listed.join() !== code.enqueuedTopics.join()) {
    problems.push(`local.enqueues lists ${listed}; the code enqueues ${code.enqueuedTopics}`);
  }
  return problems;
}

function moduleProblems(tf: TerraformConfig): string[] {
  const problems: string[] = [];
  const module = tf.functionModule;
  const fn = module.resource.google_cloudfunctions2_function?.function;
  if (fn === undefined) return ['modules/function has no google_cloudfunctions2_function.function'];
  const block = (body: Body | undefined, name: string): Body =>
    ((body?.[name] ?? []) as Body[])[0] ?? {};
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(`modules/function: ${what}`);
  };
  const build = block(fn, 'build_config');
  const service = block(fn, 'service_config');
  expect(build.entry_point === '${var.entry_point}', 'the entry point is not var.entry_point');
  expect(service.min_instance_count === 0, 'min_instance_count is not 0');
  expect(
    service.environment_variables === '${merge(var.environment, var.extra_environment)}',
    'the environment is not var.environment merged with var.extra_environment',
  );
  expect(
    service.service_account_email === '${google_service_account.function.email}' &&
      module.resource.google_service_account?.function?.account_id === '${var.name}',
    'the function does not run as its own service account',
  );
  const dynamic = (body: Body, name: string): Body =>
    ((body.dynamic as Record<string, Body[]> | undefined)?.[name] ?? [])[0] ?? {};
  const secrets = dynamic(service, 'secret_environment_variables');
  expect(
    secrets.for_each === '${var.secret_environment}',
    'secrets are not var.secret_environment',
  );
  expect(
    module.resource.google_secret_manager_secret_iam_member?.accessor?.for_each ===
      '${var.secret_environment}',
    'secret access is not granted on exactly the secrets used',
  );
  const trigger = dynamic(fn, 'event_trigger');
  const content = ((trigger.content ?? []) as Body[])[0] ?? {};
  const filter = block(content, 'event_filters');
  expect(
    content.event_type === 'google.cloud.storage.object.v1.finalized' &&
      filter.attribute === 'bucket' &&
      filter.value === '${event_trigger.value.bucket}',
    'the storage trigger is not a finalize event of the trigger bucket',
  );
  const invoker = module.resource.google_cloud_run_v2_service_iam_member?.invoker;
  expect(
    invoker?.for_each === '${local.invokers}' &&
      invoker.role === 'roles/run.invoker' &&
      module.locals.invokers === '${merge(var.invokers, local.push_invoker)}' &&
      String(module.locals.push_invoker).includes('var.push_delivery.service_account_email'),
    'the invokers and the push account are not granted roles/run.invoker',
  );
  const publisher = module.resource.google_pubsub_topic_iam_member?.publisher;
  expect(
    publisher?.for_each === '${toset(var.publishes_to)}' &&
      publisher.role === 'roles/pubsub.publisher',
    'publishing is not granted on var.publishes_to',
  );
  return problems;
}

/** The functions whose code signs Cloud Storage URLs: downloads (results), uploads (ingest). */
export const signsUrls: readonly string[] = ['ingest', 'results'];

/**
 * Signed URLs and traces: a function that signs URLs may sign as itself (signBlob through
 * roles/iam.serviceAccountTokenCreator on its own account), and with ABTEST_TRACING=cloud-trace
 * its account may write spans (roles/cloudtrace.agent), the module deciding both from its inputs.
 */
function signingAndTracingProblems(tf: TerraformConfig): string[] {
  const problems: string[] = [];
  for (const fn of deployedFunctions(tf.root)) {
    const args = fn.arguments as { sign_urls?: unknown; tracing?: unknown };
    if (signsUrls.includes(fn.entryPoint) && args.sign_urls !== true) {
      problems.push(`${fn.entryPoint}: signs Cloud Storage URLs but has no sign_urls`);
    }
    if (
      args.tracing !== '${var.tracing}' ||
      fn.environment.ABTEST_TRACING !== String(resolveValue(args.tracing, tf.root))
    ) {
      problems.push(
        `${fn.entryPoint}: ABTEST_TRACING and the module's tracing are not var.tracing`,
      );
    }
  }
  const resources = tf.functionModule.resource;
  const signs = resources.google_service_account_iam_member?.signs_urls;
  if (
    signs?.role !== 'roles/iam.serviceAccountTokenCreator' ||
    signs.service_account_id !== '${google_service_account.function.name}' ||
    signs.count !== '${var.sign_urls ? 1 : 0}'
  ) {
    problems.push('modules/function: sign_urls does not grant token creator on its own account');
  }
  const traces = resources.google_project_iam_member?.trace_agent;
  if (
    traces?.role !== 'roles/cloudtrace.agent' ||
    traces.count !== '${var.tracing == "cloud-trace" ? 1 : 0}'
  ) {
    problems.push('modules/function: cloud-trace tracing does not grant roles/cloudtrace.agent');
  }
  return problems;
}

/**
 * Every wiring problem of the configuration against the code.
 * @param tf - the parsed configuration
 * @param code - the facts read from the code
 * @returns the problems, empty when everything is wired
 */
export function wiringProblems(tf: TerraformConfig, code: CodeFacts): string[] {
  return [
    ...functionProblems(tf, code),
    ...topicProblems(tf, code),
    ...subscriptionProblems(tf, code),
    ...settingProblems(tf, code),
    ...bucketProblems(tf),
    ...publisherProblems(tf, code),
    ...moduleProblems(tf),
    ...signingAndTracingProblems(tf),
  ];
}
