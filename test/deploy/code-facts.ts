/**
 * What the code says the deployment must provide, read from the code itself: the entry points
 * registered in functions/*\/index.ts and their signature (http or cloudevent), the topics and
 * subscriptions of the chain, the topics the outbox is fed with, the environment variables
 * loadConfig reads, and the delivery policy.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { configVariables } from '../../shared/config/load-config.ts';
import { deliveryPolicy } from '../../shared/adapters/event-bus/event-bus.ts';
import { allTopics, deadLetterTopic, topics } from '../../shared/messages/topics.ts';
import { chainSubscriptions } from '../../shared/stages/chain-subscriptions.ts';

/** The repository's root folder. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** One `functions.http(name, ...)` or `functions.cloudEvent(name, ...)` call. */
export interface Registration {
  /** The folder under functions/ registering it. */
  readonly folder: string;
  readonly name: string;
  readonly signature: 'http' | 'cloudevent';
}

/** Everything the wiring checks compare the Terraform configuration with. */
export interface CodeFacts {
  /** Folders under functions/ (one per deployable function module). */
  readonly functionFolders: readonly string[];
  readonly registrations: readonly Registration[];
  readonly topics: readonly string[];
  readonly deadLetterTopic: string;
  readonly subscriptions: readonly {
    readonly name: string;
    readonly topic: string;
    readonly functionName: string;
  }[];
  /** Topics some `enqueueMessage` call of shared/ writes to the outbox. */
  readonly enqueuedTopics: readonly string[];
  readonly configVariables: readonly string[];
  readonly maxDeliveryAttempts: number;
}

/**
 * Finds the functions-framework registrations of one module by walking its syntax tree: calls
 * of `http` or `cloudEvent` on the namespace imported from `@google-cloud/functions-framework`,
 * with a string literal as first argument.
 * @param fileName - for messages
 * @param source - the module's text
 * @returns the registered names and signatures
 */
export function parseRegistrations(
  fileName: string,
  source: string,
): { name: string; signature: Registration['signature'] }[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const namespaces = new Set<string>();
  for (const statement of file.statements) {
    if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text === '@google-cloud/functions-framework'
    ) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
        namespaces.add(bindings.name.text);
      }
    }
  }
  const found: { name: string; signature: Registration['signature'] }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      namespaces.has(node.expression.expression.text) &&
      ['http', 'cloudEvent'].includes(node.expression.name.text)
    ) {
      const [first] = node.arguments;
      if (first !== undefined && ts.isStringLiteralLike(first)) {
        found.push({
          name: first.text,
          signature: node.expression.name.text === 'http' ? 'http' : 'cloudevent',
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * The topics written to the outbox: `enqueueMessage(tx, topics.<key>, ...)` (or `outboxMessage(topics.<key>, ...)`) in shared/.
 * @returns topic names, sorted
 */
export async function enqueuedTopics(): Promise<string[]> {
  const found = new Set<string>();
  for (const file of await listFiles(path.join(repoRoot, 'shared'))) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(
      /(?:enqueueMessage\(\s*\w+,\s*|outboxMessage\(\s*)topics\.(\w+)/g,
    )) {
      const topic = (topics as Record<string, string>)[match[1]];
      if (topic === undefined) throw new Error(`${file}: unknown topics.${match[1]}`);
      found.add(topic);
    }
  }
  return [...found].sort();
}

/**
 * Reads every fact of {@link CodeFacts} from the working tree.
 * @returns the facts
 */
export async function readCodeFacts(): Promise<CodeFacts> {
  const functionsDir = path.join(repoRoot, 'functions');
  const functionFolders = (await readdir(functionsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const registrations: Registration[] = [];
  for (const folder of functionFolders) {
    const file = path.join(functionsDir, folder, 'index.ts');
    for (const found of parseRegistrations(file, await readFile(file, 'utf8'))) {
      registrations.push({ folder, ...found });
    }
  }
  return {
    functionFolders,
    registrations,
    topics: [...allTopics],
    deadLetterTopic,
    subscriptions: chainSubscriptions.map(({ name, topic, functionName }) => ({
      name,
      topic,
      functionName,
    })),
    enqueuedTopics: await enqueuedTopics(),
    configVariables,
    maxDeliveryAttempts: deliveryPolicy.maxAttempts,
  };
}
