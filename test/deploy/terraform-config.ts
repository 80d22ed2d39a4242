/**
 * The Terraform configuration as data: every `.tf` file of `terraform/` and of the function
 * module parsed with `@cdktf/hcl2json` (HCL to the JSON syntax Terraform itself accepts), merged
 * per folder, and the module calls of the functions read into plain records. Expressions stay
 * strings (`"${google_storage_bucket.raw.name}"`); {@link resolveValue} evaluates the few forms
 * the wiring uses: local and variable references, `merge` of locals and `join` of a variable.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';

/** One block's body: attributes, and nested blocks as arrays of bodies. */
export type Body = Record<string, unknown>;

/** The blocks of one folder of `.tf` files. */
export interface TerraformFolder {
  locals: Record<string, unknown>;
  /** `resource[type][name]` is the resource's body. */
  resource: Record<string, Record<string, Body>>;
  data: Record<string, Record<string, Body>>;
  module: Record<string, Body>;
  variable: Record<string, Body>;
  output: Record<string, Body>;
  terraform: Body[];
}

/** The root configuration and the module "a function and its trigger". */
export interface TerraformConfig {
  root: TerraformFolder;
  functionModule: TerraformFolder;
}

/** Where the configuration lives. */
export const terraformDir = fileURLToPath(new URL('../../terraform/', import.meta.url));

/** The module every function is deployed with. */
export const functionModuleSource = './modules/function';

/**
 * Parses every `.tf` file of a folder (not its subfolders) and merges their blocks.
 * @param dir - the folder
 * @returns the merged blocks
 */
export async function loadTerraformFolder(dir: string): Promise<TerraformFolder> {
  const folder: TerraformFolder = {
    locals: {},
    resource: {},
    data: {},
    module: {},
    variable: {},
    output: {},
    terraform: [],
  };
  const files = (await readdir(dir)).filter((name) => name.endsWith('.tf')).sort();
  for (const name of files) {
    const json = (await parse(name, await readFile(path.join(dir, name), 'utf8'))) as Record<
      string,
      unknown
    >;
    for (const locals of (json.locals ?? []) as Body[]) Object.assign(folder.locals, locals);
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, named] of Object.entries((json[kind] ?? {}) as Record<string, Body>)) {
        folder[kind][type] ??= {};
        for (const [label, bodies] of Object.entries(named)) {
          folder[kind][type][label] = (bodies as Body[])[0];
        }
      }
    }
    for (const kind of ['module', 'variable', 'output'] as const) {
      for (const [label, bodies] of Object.entries((json[kind] ?? {}) as Record<string, Body[]>)) {
        folder[kind][label] = bodies[0];
      }
    }
    folder.terraform.push(...((json.terraform ?? []) as Body[]));
  }
  return folder;
}

/**
 * Loads the root configuration and the function module.
 * @returns both folders, parsed
 */
export async function loadTerraform(): Promise<TerraformConfig> {
  return {
    root: await loadTerraformFolder(terraformDir),
    functionModule: await loadTerraformFolder(path.join(terraformDir, functionModuleSource)),
  };
}

/**
 * Evaluates the expression forms the wiring uses, recursively through lists and objects:
 * `${local.a.b}`, `${var.x}` (its default, or the expression when it has none),
 * `${merge(local.a, local.b)}` and `${join(",", var.x)}`. Anything else (a resource attribute)
 * stays as written.
 * @param value - a value from a parsed body
 * @param folder - the folder whose locals and variables it may name
 * @returns the value with those expressions replaced
 */
export function resolveValue(value: unknown, folder: TerraformFolder): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, folder));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveValue(item, folder)]),
    );
  }
  if (typeof value !== 'string') return value;
  const expression = /^\$\{(.*)\}$/s.exec(value)?.[1]?.trim();
  if (expression === undefined) return value;

  const reference = /^(local|var)\.([A-Za-z0-9_.-]+)$/.exec(expression);
  if (reference !== null) {
    const [head, ...rest] = reference[2].split('.');
    let found: unknown;
    if (reference[1] === 'local') {
      if (!(head in folder.locals)) return value;
      found = resolveValue(folder.locals[head], folder);
    } else {
      const variable = folder.variable[head];
      if (variable === undefined || !('default' in variable)) return value;
      found = variable.default;
    }
    for (const key of rest) found = (found as Record<string, unknown> | undefined)?.[key];
    return found ?? value;
  }

  const merge = /^merge\(([^()]*)\)$/.exec(expression);
  if (merge !== null) {
    const parts = merge[1].split(',').map((part) => resolveValue(`\${${part.trim()}}`, folder));
    if (parts.some((part) => part === null || typeof part !== 'object')) return value;
    return Object.assign({}, ...(parts as object[]));
  }

  const join = /^join\("([^"]*)",\s*(var\.[A-Za-z0-9_]+)\)$/.exec(expression);
  if (join !== null) {
    const list = resolveValue(`\${${join[2]}}`, folder);
    return Array.isArray(list) ? list.join(join[1]) : value;
  }
  return value;
}

/** A module call deploying one entry point, its inputs resolved. */
export interface DeployedFunction {
  /** The module call's label (`ingest_upload`). */
  readonly module: string;
  readonly entryPoint: string;
  readonly trigger: { readonly type: string; readonly bucket?: string };
  /** Plain environment variables: `environment` merged with `extra_environment`. */
  readonly environment: Readonly<Record<string, string>>;
  /** Variables read from Secret Manager. */
  readonly secretVariables: readonly string[];
  readonly invokers: Readonly<Record<string, string>>;
  /** For a pubsub-push trigger: topic by subscription name. */
  readonly pushSubscriptions: Readonly<Record<string, string>>;
  /** For a pubsub-push trigger: the push account, dead-letter topic and attempts. */
  readonly pushDelivery: Readonly<Record<string, unknown>> | undefined;
  readonly bucketRoles: readonly { readonly bucket: string; readonly role: string }[];
  readonly publishesTo: readonly string[];
}

/**
 * The module calls of {@link functionModuleSource}, resolved.
 * @param root - the root folder
 * @returns one record per call
 */
export function deployedFunctions(root: TerraformFolder): DeployedFunction[] {
  return Object.entries(root.module)
    .filter(([, body]) => body.source === functionModuleSource)
    .map(([label, body]) => {
      const input = (name: string, fallback: unknown) =>
        name in body ? resolveValue(body[name], root) : fallback;
      const environment = {
        ...(input('environment', {}) as Record<string, unknown>),
        ...(input('extra_environment', {}) as Record<string, unknown>),
      };
      return {
        module: label,
        entryPoint: String(input('entry_point', '')),
        trigger: input('trigger', { type: 'missing' }) as DeployedFunction['trigger'],
        environment: Object.fromEntries(
          Object.entries(environment).map(([key, value]) => [key, String(value)]),
        ),
        secretVariables: Object.keys(input('secret_environment', {}) as object),
        invokers: input('invokers', {}) as Record<string, string>,
        pushSubscriptions: input('push_subscriptions', {}) as Record<string, string>,
        pushDelivery: input('push_delivery', undefined) as Record<string, unknown> | undefined,
        bucketRoles: input('bucket_roles', []) as DeployedFunction['bucketRoles'],
        publishesTo: input('publishes_to', []) as string[],
      };
    });
}
