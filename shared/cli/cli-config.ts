/**
 * The configuration of a command: the environment and the command's own flags, validated; a
 * bad setting is a usage error, said on stderr in one line.
 */
import { ConfigError, loadConfig, type Config } from '../config/load-config.ts';

/**
 * Loads the configuration for a command, or says why it cannot.
 * @param prefix - what the message starts with (`abtest`, `abtest serve`)
 * @param env - the environment, with any flag that stands for a variable applied
 * @param dataDir - the `--data-dir` flag, if given
 * @returns the configuration, or undefined after writing the error (exit 2)
 * @throws anything that is not a configuration error
 * @example const config = loadCliConfig('abtest', process.env, values['data-dir'])
 */
export function loadCliConfig(
  prefix: string,
  env: NodeJS.ProcessEnv,
  dataDir: string | undefined,
): Config | undefined {
  try {
    return loadConfig(env, { dataDir });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${prefix}: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}
