/**
 * The Terraform configuration as data: every `.tf` file of `terraform/` and of the function
 * module parsed with `@cdktf/hcl2json` (HCL to the JSON syntax Terraform itself accepts), merged
 * per folder, and the module calls of the functions (one per entry point, or one for_each call
 * over a data table) read into plain records. Expressions stay strings
 * (`"${google_storage_bucket.raw.name}"`); {@link resolveValue} evaluates the few forms the
 * wiring uses: local and variable references, `merge` of locals and `join` of a variable.
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

/**
 * Replaces `each.key` and `each.value` in a for_each module call's argument by one instance's
 * key and data entry: `${each.key}`, `${each.value.a.b}`, `${try(each.value.a, <literal>)}`
 * (the literal when the entry has no `a`), and `each.key` or `${each.value.a}` inside a longer
 * expression (`${var.function_sizing[each.key].memory}` becomes
 * `${var.function_sizing["train"].memory}`).
 * @param value - an argument of the module call, as written
 * @param key - the instance's key
 * @param entry - the instance's data entry
 * @returns the argument as the instance sees it
 * @throws {Error} when `each.value.a` names a field the entry does not have (Terraform's error)
 */
function instanceValue(value: unknown, key: string, entry: Body): unknown {
  if (Array.isArray(value)) return value.map((item) => instanceValue(item, key, entry));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, instanceValue(item, key, entry)]),
    );
  }
  if (typeof value !== 'string') return value;
  const field = (dotted: string): { found: boolean; value: unknown } => {
    let found: unknown = entry;
    for (const name of dotted.split('.').filter(Boolean)) {
      if (found === null || typeof found !== 'object' || !(name in found)) {
        return { found: false, value: undefined };
      }
      found = (found as Record<string, unknown>)[name];
    }
    return { found: true, value: found };
  };
  const required = (dotted: string): unknown => {
    const { found, value: item } = field(dotted);
    if (!found) throw new Error(`each.value${dotted}: instance "${key}" has no such field`);
    return item;
  };
  const expression = /^\$\{(.*)\}$/s.exec(value)?.[1]?.trim();
  if (expression === 'each.key') return key;
  const whole = /^each\.value((?:\.[A-Za-z0-9_-]+)+)$/.exec(expression ?? '');
  if (whole !== null) return required(whole[1]);
  const attempt = /^try\(each\.value((?:\.[A-Za-z0-9_-]+)+),\s*(.+)\)$/s.exec(expression ?? '');
  if (attempt !== null) {
    const { found, value: item } = field(attempt[1]);
    return found ? item : JSON.parse(attempt[2]);
  }
  return value
    .replaceAll('${each.key}', key)
    .replace(/\$\{each\.value((?:\.[A-Za-z0-9_-]+)+)\}/g, (_, dotted: string) =>
      String(required(dotted)),
    )
    .replaceAll('each.key', JSON.stringify(key));
}

/** One instance of a module call: its address after `module.` and its arguments as written. */
export interface ModuleInstance {
  /** `ingest_upload` for a plain call, `function["ingestUpload"]` for an instance of a for_each. */
  readonly address: string;
  /** The arguments, `each.key` and `each.value` replaced by the instance's. */
  readonly body: Body;
}

/**
 * The data table a for_each module call iterates over (`for_each = local.functions`): the
 * local itself, not a copy, so a test can change one function's entry.
 * @param root - the root folder
 * @param label - the module call's label
 * @returns the entries by key
 * @throws {Error} when the call has no for_each over a local object
 */
export function forEachTable(root: TerraformFolder, label: string): Record<string, Body> {
  const local = /^\$\{local\.([A-Za-z0-9_]+)\}$/.exec(String(root.module[label]?.for_each))?.[1];
  const table = local === undefined ? undefined : root.locals[local];
  if (table === null || typeof table !== 'object' || Array.isArray(table)) {
    throw new Error(`module.${label}: for_each is not a local object`);
  }
  return table as Record<string, Body>;
}

/**
 * The instances of the module calls of {@link functionModuleSource}: a plain call is one, a
 * for_each call one per entry of its table.
 * @param root - the root folder
 * @returns the instances, in the order of the calls and of the table's keys
 */
export function functionModuleInstances(root: TerraformFolder): ModuleInstance[] {
  return Object.entries(root.module)
    .filter(([, body]) => body.source === functionModuleSource)
    .flatMap(([label, body]) => {
      if (!('for_each' in body)) return [{ address: label, body }];
      const { for_each: _table, ...call } = body;
      return Object.entries(forEachTable(root, label)).map(([key, entry]) => ({
        address: `${label}[${JSON.stringify(key)}]`,
        body: instanceValue(call, key, entry) as Body,
      }));
    });
}

/** A module instance deploying one entry point, its inputs resolved. */
export interface DeployedFunction {
  /** The instance's address after `module.` (`function["ingestUpload"]`). */
  readonly module: string;
  /** Its arguments as written (`each` replaced), for checks of the expressions themselves. */
  readonly arguments: Body;
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
 * The instances of {@link functionModuleSource}, resolved.
 * @param root - the root folder
 * @returns one record per instance
 */
export function deployedFunctions(root: TerraformFolder): DeployedFunction[] {
  return functionModuleInstances(root).map(({ address, body }) => {
    const input = (name: string, fallback: unknown) =>
      name in body && body[name] !== null ? resolveValue(body[name], root) : fallback;
    const environment = {
      ...(input('environment', {}) as Record<string, unknown>),
      ...(input('extra_environment', {}) as Record<string, unknown>),
    };
    return {
      module: address,
      arguments: body,
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
