/**
 * terraform/ against the code, offline: every registered entry point is deployed with the
 * trigger its signature needs, every topic exists, every subscription pushes to the function
 * that handles it with five delivery attempts, every function gets the settings loadConfig needs
 * on GCP and the bucket and topic grants its code uses. Each check is also run on a mutated copy
 * of the parsed configuration, to show that it notices a function, topic or variable removed.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getFunction } from '@google-cloud/functions-framework/testing';
import '../../functions/index.ts';
import { readCodeFacts, parseRegistrations, type CodeFacts } from './code-facts.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import {
  environmentProblems,
  requiredOnGcp,
  runtimeEnvironment,
  wiringProblems,
} from './deployment-wiring.ts';
import {
  deployedFunctions,
  forEachTable,
  loadTerraform,
  resolveValue,
  type Body,
  type TerraformConfig,
} from './terraform-config.ts';

let tf: TerraformConfig;
let code: CodeFacts;

beforeAll(async () => {
  [tf, code] = await Promise.all([loadTerraform(), readCodeFacts()]);
});

/** The data entries of the functions (local.functions), by entry point, of a copy. */
function functionsOf(copy: TerraformConfig): Record<string, Body> {
  return forEachTable(copy.root, 'function');
}

/** The problems of a mutated copy of the configuration. */
function problemsAfter(mutate: (copy: TerraformConfig) => void): string[] {
  const copy = structuredClone(tf);
  mutate(copy);
  return wiringProblems(copy, code);
}

describe('the code as the checks read it', () => {
  it('finds the nine registrations, and functions-framework has each of them', () => {
    expect(code.registrations.map((r) => `${r.folder}/${r.name}:${r.signature}`).sort()).toEqual([
      'analyze/analyze:cloudevent',
      'ingest/ingest:http',
      'ingest/ingestUpload:cloudevent',
      'monitor/monitor:cloudevent',
      'report/report:cloudevent',
      'results/results:http',
      'train/train:cloudevent',
      'validate/validate:cloudevent',
      'webhooks/webhooks:cloudevent',
    ]);
    for (const registration of code.registrations) {
      expect(getFunction(registration.name), registration.name).toBeTypeOf('function');
    }
  });

  it('reads a registration only from the framework namespace', () => {
    const source = `import * as ff from '@google-cloud/functions-framework';
      const other = { http: (_n: string) => undefined };
      other.http('decoy');
      ff.cloudEvent('real', () => undefined);`;
    expect(parseRegistrations('x.ts', source)).toEqual([{ name: 'real', signature: 'cloudevent' }]);
  });

  it('finds every topic the outbox is fed with', () => {
    expect(code.enqueuedTopics).toEqual([
      'abtest.analysis.completed',
      'abtest.batch.received',
      'abtest.batch.validated',
      'abtest.model.trained',
      'abtest.posterior.snapshot',
      'abtest.progress',
      'abtest.report.ready',
      'abtest.rerun',
      'abtest.webhook.delivery',
    ]);
  });
});

describe('terraform/ as deployed', () => {
  it('is wired to the code', () => {
    expect(wiringProblems(tf, code)).toEqual([]);
  });

  it('deploys each entry point once, with its trigger', () => {
    const shape = deployedFunctions(tf.root).map((fn) => [
      fn.module,
      fn.entryPoint,
      fn.trigger.type,
      fn.trigger.bucket ?? null,
    ]);
    expect(shape.sort()).toEqual([
      ['function["analyze"]', 'analyze', 'pubsub-push', null],
      ['function["ingest"]', 'ingest', 'http', null],
      ['function["ingestUpload"]', 'ingestUpload', 'storage', '${google_storage_bucket.raw.name}'],
      ['function["monitor"]', 'monitor', 'pubsub-push', null],
      ['function["report"]', 'report', 'pubsub-push', null],
      ['function["results"]', 'results', 'http', null],
      ['function["train"]', 'train', 'pubsub-push', null],
      ['function["validate"]', 'validate', 'pubsub-push', null],
      ['function["webhooks"]', 'webhooks', 'pubsub-push', null],
    ]);
  });

  it('names the topics exactly as the code, without the prefix', () => {
    expect(resolveValue('${local.chain_topics}', tf.root)).toEqual(code.topics);
    expect(tf.root.resource.google_pubsub_topic.dead_letter.name).toBe(
      '${local.dead_letter_topic}',
    );
    expect(resolveValue('${local.dead_letter_topic}', tf.root)).toBe('abtest.dead-letter');
  });

  it('creates the chain subscriptions, dead-lettering after 5 delivery attempts', () => {
    const rows = deployedFunctions(tf.root).flatMap((fn) =>
      Object.entries(fn.pushSubscriptions).map(
        ([name, topic]) => `${name}: ${topic} -> ${fn.entryPoint}`,
      ),
    );
    expect(rows.sort()).toEqual([
      'analyze-rerun: abtest.rerun -> analyze',
      'analyze: abtest.batch.validated -> analyze',
      'monitor-tick: abtest.monitor.tick -> monitor',
      'monitor: abtest.batch.validated -> monitor',
      'report: abtest.model.trained -> report',
      'train: abtest.analysis.completed -> train',
      'validate: abtest.batch.received -> validate',
      'webhooks: abtest.webhook.delivery -> webhooks',
    ]);
    const delivery = resolveValue('${local.push_delivery}', tf.root) as Body;
    expect(delivery.max_delivery_attempts).toBe(5);
    const push = tf.functionModule.resource.google_pubsub_subscription.push;
    expect((push.dead_letter_policy as Body[])[0].max_delivery_attempts).toBe(
      '${var.push_delivery.max_delivery_attempts}',
    );
  });

  it('gives every function the settings loadConfig needs on GCP, derived from its schema', () => {
    for (const fn of deployedFunctions(tf.root)) {
      const required = requiredOnGcp(fn, code.configVariables);
      // Every derived variable is one of the schema's, and the storage, bus and database
      // settings are among them for every function: without them loadConfig gives the laptop.
      expect(required.every((name) => code.configVariables.includes(name))).toBe(true);
      expect(required).toEqual(
        expect.arrayContaining(['ABTEST_STORAGE', 'ABTEST_BUS', 'CLOUD_SQL_INSTANCE']),
      );
      expect(required.includes('ABTEST_API_TOKEN')).toBe(fn.trigger.type === 'http');
    }
  });

  it('gives the HTTP functions the named tokens from Secret Manager and the rate limit', () => {
    const http = deployedFunctions(tf.root).filter((fn) => fn.trigger.type === 'http');
    expect(http.map((fn) => fn.entryPoint).sort()).toEqual(['ingest', 'results']);
    for (const fn of http) {
      expect(fn.secretVariables).toContain('ABTEST_API_TOKENS');
      const config = loadConfig(runtimeEnvironment(fn));
      expect(config.rateLimitRequests).toBe(600);
      expect(config.rateLimitPeriodSeconds).toBe(60);
      expect(config.apiTokens).toHaveLength(1);
    }
    for (const fn of deployedFunctions(tf.root).filter((f) => f.trigger.type !== 'http')) {
      expect(fn.secretVariables).not.toContain('ABTEST_API_TOKENS');
    }
  });

  it('sets ABTEST_DATA_DIR under /tmp and the Cloud SQL connector settings', () => {
    const environment = resolveValue('${local.environment}', tf.root) as Record<string, unknown>;
    expect(environment.ABTEST_DATA_DIR).toBe('/tmp/abtest');
    expect(environment.CLOUD_SQL_IP_TYPE).toBe('PUBLIC');
    expect(environment.GOOGLE_CLOUD_PROJECT).toBe('${var.project_id}');
  });
});

describe('each check notices what is taken away', () => {
  it('a function module removed', () => {
    const problems = problemsAfter((copy) => delete functionsOf(copy).train);
    expect(problems).toContain(
      'train (functions/train): registered, but no google_cloudfunctions2_function deploys it',
    );
    expect(problems).toContain(
      'subscription train (abtest.analysis.completed -> train): no push subscription',
    );
  });

  it('an entry point registered in the code but not deployed', () => {
    const extra = {
      ...code,
      registrations: [
        ...code.registrations,
        { folder: 'export', name: 'exportData', signature: 'http' as const },
      ],
      functionFolders: [...code.functionFolders, 'export'],
    };
    expect(wiringProblems(tf, extra)).toEqual([
      'exportData (functions/export): registered, but no google_cloudfunctions2_function deploys it',
    ]);
  });

  it('a trigger that does not fit the signature', () => {
    const problems = problemsAfter((copy) => {
      functionsOf(copy).results.trigger = { type: 'pubsub-push' };
    });
    expect(problems).toContain(
      'results (functions/results): registered as http, but module.function["results"] gives it a pubsub-push trigger',
    );
  });

  it('a wrong entry point', () => {
    const problems = problemsAfter((copy) => {
      const { report, ...others } = functionsOf(copy);
      copy.root.locals.functions = { ...others, reports: report };
    });
    expect(problems).toContain(
      'module.function["reports"]: entry point "reports" is registered nowhere',
    );
  });

  it('an entry point that is not the table key its sizing is read by', () => {
    const problems = problemsAfter((copy) => {
      copy.root.module.function.entry_point = '${each.value.name}';
    });
    expect(problems).toContain(
      'module.function["ingestUpload"]: entry point "ingest-upload" is registered nowhere',
    );
    expect(problems).toContain(
      'module.function["ingestUpload"]: memory is ${var.function_sizing["ingestUpload"].memory}, not ${var.function_sizing["ingest-upload"].memory}',
    );
  });

  it('the storage trigger on another bucket', () => {
    const problems = problemsAfter((copy) => {
      (functionsOf(copy).ingestUpload.trigger as Body).bucket =
        '${google_storage_bucket.curated.name}';
    });
    expect(problems).toContain(
      'module.function["ingestUpload"]: its storage trigger watches ${google_storage_bucket.curated.name}',
    );
  });

  it.each(['abtest.batch.validated', 'abtest.rerun', 'abtest.report.ready'])(
    'the topic %s removed',
    (topic) => {
      const problems = problemsAfter((copy) => {
        copy.root.locals.chain_topics = (copy.root.locals.chain_topics as string[]).filter(
          (name) => name !== topic,
        );
      });
      expect(problems).toContain(`topic ${topic}: used by the code, not created`);
    },
  );

  it('the dead-letter topic renamed', () => {
    const problems = problemsAfter((copy) => {
      copy.root.locals.dead_letter_topic = 'abtest.deadletter';
    });
    expect(problems).toContain(
      'dead-letter topic abtest.dead-letter: not created (found abtest.deadletter)',
    );
  });

  it('the rerun subscription removed', () => {
    const problems = problemsAfter((copy) => {
      delete (functionsOf(copy).analyze.push_subscriptions as Record<string, unknown>)[
        'analyze-rerun'
      ];
    });
    expect(problems).toEqual([
      'subscription analyze-rerun (abtest.rerun -> analyze): no push subscription',
    ]);
  });

  it('a subscription moved to the wrong function', () => {
    const problems = problemsAfter((copy) => {
      const { report, train } = functionsOf(copy);
      report.push_subscriptions = {
        ...(report.push_subscriptions as object),
        train: 'abtest.analysis.completed',
      };
      train.push_subscriptions = {};
    });
    expect(problems).toEqual([
      'subscription train (abtest.analysis.completed -> train): pushes to report (module.function["report"])',
      'module.function["train"]: deployed for push delivery, but nothing pushes to it',
    ]);
  });

  it('a subscription on the wrong topic', () => {
    const problems = problemsAfter((copy) => {
      functionsOf(copy).validate.push_subscriptions = { validate: 'abtest.batch.validated' };
    });
    expect(problems).toEqual([
      'subscription validate (abtest.batch.received -> validate): subscribes to abtest.batch.validated',
    ]);
  });

  it('more delivery attempts than the code expects', () => {
    const problems = problemsAfter((copy) => {
      (copy.root.locals.push_delivery as Body).max_delivery_attempts = 10;
    });
    expect(problems).toHaveLength(6);
    expect(problems).toContain(
      'module.function["analyze"]: dead-letters after 10 delivery attempts, the code\'s policy says 5',
    );
  });

  it('the push endpoint without the topic path', () => {
    const problems = problemsAfter((copy) => {
      const push = copy.functionModule.resource.google_pubsub_subscription.push;
      ((push.push_config as Body[])[0] as Body).push_endpoint = '${local.url}';
    });
    expect(problems).toEqual([
      'modules/function: push endpoint ${local.url} is not the function URL with the topic path',
    ]);
  });

  it('every variable loadConfig needs, removed one at a time', () => {
    const shared = Object.keys(tf.root.locals.environment as object);
    let checked = 0;
    for (const fn of deployedFunctions(tf.root)) {
      for (const variable of requiredOnGcp(fn, code.configVariables)) {
        const problems = problemsAfter((copy) => {
          const call = functionsOf(copy)[fn.entryPoint];
          if (shared.includes(variable)) {
            delete (copy.root.locals.environment as Record<string, unknown>)[variable];
          } else if (variable in (call.secret_environment as object)) {
            delete (call.secret_environment as Record<string, unknown>)[variable];
          } else {
            // extra_environment: a local of its own, replaced by its resolved copy minus the variable
            const extra = resolveValue(call.extra_environment, copy.root) as Record<string, string>;
            delete extra[variable];
            call.extra_environment = extra;
          }
        });
        expect(
          problems.some((p) => p.startsWith(`${fn.entryPoint}: `) && p.includes(variable)),
          `${fn.entryPoint} without ${variable}: ${problems.join('; ')}`,
        ).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(70);
  });

  it('a variable loadConfig does not read', () => {
    const problems = problemsAfter((copy) => {
      (copy.root.locals.environment as Record<string, string>).ABTEST_BUCKET_RAWW = 'x';
    });
    expect(problems).toContain('ingest: sets ABTEST_BUCKET_RAWW, which loadConfig does not read');
  });

  it('a bucket grant removed', () => {
    const problems = problemsAfter((copy) => {
      const { train } = functionsOf(copy);
      train.bucket_roles = (train.bucket_roles as Body[]).filter(
        (grant) => grant.bucket !== '${google_storage_bucket.artifacts.name}',
      );
    });
    expect(problems).toEqual([
      'train: cannot create in the artifacts bucket',
      'train: cannot overwrite in the artifacts bucket',
    ]);
  });

  it('a bucket grant the code does not need', () => {
    const problems = problemsAfter((copy) => {
      (functionsOf(copy).results.bucket_roles as Body[]).push({
        bucket: '${google_storage_bucket.curated.name}',
        role: 'roles/storage.objectViewer',
      });
    });
    expect(problems).toEqual(['results: has a role on curated it never uses']);
  });

  it('a topic the outbox may relay, not publishable', () => {
    const problems = problemsAfter((copy) => {
      copy.root.module.function.publishes_to = ['abtest.batch.validated'];
    });
    expect(problems).toContain(
      'validate: may not publish to abtest.rerun, which its outbox flush relays',
    );
    expect(problems).toContain(
      'ingest: may not publish to abtest.batch.received, which its outbox flush relays',
    );
  });

  it('a function that signs upload URLs without the right to sign', () => {
    const problems = problemsAfter((copy) => {
      delete functionsOf(copy).ingest.sign_urls;
    });
    expect(problems).toEqual(['ingest: signs Cloud Storage URLs but has no sign_urls']);
  });

  it('a module that exports traces without roles/cloudtrace.agent', () => {
    const problems = problemsAfter((copy) => {
      delete copy.functionModule.resource.google_project_iam_member?.trace_agent;
    });
    expect(problems).toEqual([
      'modules/function: cloud-trace tracing does not grant roles/cloudtrace.agent',
    ]);
  });

  it('a module that no longer gives each function its own account', () => {
    const problems = problemsAfter((copy) => {
      const fn = copy.functionModule.resource.google_cloudfunctions2_function.function;
      ((fn.service_config as Body[])[0] as Body).service_account_email = '${var.shared_account}';
    });
    expect(problems).toEqual([
      'modules/function: the function does not run as its own service account',
    ]);
  });
});

describe('environmentProblems', () => {
  it('names the variable loadConfig rejects', () => {
    expect(environmentProblems({ ABTEST_STORAGE: 's3' }, false)[0]).toMatch(
      /^loadConfig fails: invalid ABTEST_STORAGE/,
    );
  });

  it('finds the laptop defaults in an empty environment', () => {
    // The default data folder is ./.abtest: under /tmp only when the checkout itself is.
    const dataDirUnderTmp = path.resolve('.abtest').startsWith('/tmp/');
    expect(environmentProblems({}, true)).toEqual([
      'ABTEST_STORAGE: storage is local, not gcs',
      'ABTEST_BUS: bus is inprocess, not pubsub',
      'ABTEST_BUCKET_RAW: the raw bucket is "raw", not the raw bucket resource',
      'ABTEST_BUCKET_CURATED: the curated bucket is "curated", not the curated bucket resource',
      'ABTEST_BUCKET_ARTIFACTS: the artifacts bucket is "artifacts", not the artifacts bucket resource',
      'GOOGLE_CLOUD_PROJECT: project is "abtest-local", not var.project_id',
      ...(dataDirUnderTmp
        ? []
        : [expect.stringMatching(/^ABTEST_DATA_DIR: data folder .*\.abtest is not under \/tmp/)]),
      'CLOUD_SQL_INSTANCE: database is pglite, not Cloud SQL',
      'ABTEST_API_TOKEN: the HTTP API has no token from Secret Manager (and ABTEST_AUTH is not iam)',
    ]);
  });
});
