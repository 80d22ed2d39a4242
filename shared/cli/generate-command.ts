/**
 * `abtest generate --users N --seed S [--effect conversion=0.1] [--effect order_value=0.05]
 * [--experiment ID] [--variants a,b] [--clean] [--history] [--truth FILE] -o FILE`: writes a realistic
 * events file (CSV or NDJSON by extension) with known true effects. With `--unit-table`, a
 * unit-level table (one row per player) instead.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatFromFileName } from '../events/source-format.ts';
import { emptyTruth, generateEvents, type GeneratorOptions } from '../generate/generate-events.ts';
import { writeGeneratedFile } from '../generate/write-generated-file.ts';
import {
  generateUnitTable,
  unitTableColumns,
  type UnitTableTruth,
} from '../generate/generate-units.ts';

/**
 * Runs `abtest generate`.
 * @param args - the arguments after `generate`
 * @returns the exit code
 * @example await generateCommand(['--users', '1000', '--seed', '1', '-o', 'e.csv'])
 */
export async function generateCommand(args: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        users: { type: 'string' },
        seed: { type: 'string', default: '1' },
        effect: { type: 'string', multiple: true, default: [] },
        experiment: { type: 'string' },
        variants: { type: 'string' },
        clean: { type: 'boolean', default: false },
        history: { type: 'boolean', default: false },
        'unit-table': { type: 'boolean', default: false },
        truth: { type: 'string' },
        output: { type: 'string', short: 'o' },
      },
    }));
  } catch (error) {
    process.stderr.write(`abtest generate: ${(error as Error).message}\n`);
    return 2;
  }
  const users = Number(values.users);
  const seed = Number(values.seed);
  const output = values.output;
  const format = output === undefined ? undefined : formatFromFileName(output);
  if (!Number.isInteger(users) || users < 1 || !Number.isInteger(seed) || output === undefined) {
    process.stderr.write(
      'usage: abtest generate --users N --seed S [--effect conversion=0.1] -o FILE\n',
    );
    return 2;
  }
  if (format !== 'csv' && format !== 'ndjson') {
    process.stderr.write('abtest generate: the output must end in .csv or .ndjson\n');
    return 2;
  }
  const effects = new Map<string, number>();
  for (const effect of values.effect) {
    const [name, amount] = effect.split('=');
    if (
      name === undefined ||
      amount === undefined ||
      !Number.isFinite(Number(amount)) ||
      !['conversion', 'order_value'].includes(name)
    ) {
      process.stderr.write(
        `abtest generate: --effect takes conversion=LIFT or order_value=LIFT, not "${effect}"\n`,
      );
      return 2;
    }
    effects.set(name, Number(amount));
  }
  const options: GeneratorOptions = {
    users,
    seed,
    mess: !values.clean,
    history: values.history,
    ...(values.experiment === undefined ? {} : { experimentId: values.experiment }),
    ...(values.variants === undefined ? {} : { variants: values.variants.split(',') }),
    ...(effects.has('conversion') ? { conversionLift: effects.get('conversion') } : {}),
    ...(effects.has('order_value') ? { orderValueLift: effects.get('order_value') } : {}),
  };
  if (values['unit-table']) {
    const unitTruth: UnitTableTruth = {};
    await writeGeneratedFile(
      output,
      format,
      generateUnitTable({ users, seed }, unitTruth),
      unitTableColumns,
    );
    if (values.truth !== undefined) {
      await writeFile(values.truth, `${JSON.stringify(unitTruth, null, 2)}\n`);
    }
    process.stderr.write(`wrote ${output}: ${users.toLocaleString('en-US')} units\n`);
    return 0;
  }
  const truth = emptyTruth(options);
  await writeGeneratedFile(output, format, generateEvents(options, truth));
  if (values.truth !== undefined)
    await writeFile(values.truth, `${JSON.stringify(truth, null, 2)}\n`);
  process.stderr.write(
    `wrote ${output}: ${truth.rows.toLocaleString('en-US')} rows, ${users.toLocaleString('en-US')} users, true conversion lift ${truth.conversion_lift}, order value lift ${truth.order_value_lift}\n`,
  );
  return 0;
}
