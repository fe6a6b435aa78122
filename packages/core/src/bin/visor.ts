#!/usr/bin/env node
import './silence-dep0111.js';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../util/logger.js';
import { VERSION } from '../version.js';
import { installLastResortGuard } from './last-resort-guard.js';
import { describeStartupFailure } from './startup-error.js';
import { stopOnSignals } from './stop-on-signals.js';
import { USAGE } from './usage.js';
import { Visor } from '../visor.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) return void console.log(USAGE);
  if (values.version) return void console.log(VERSION);

  const config = await loadConfig(values.config === undefined ? {} : { configPath: values.config });
  const logger = createLogger(config.logLevel);
  installLastResortGuard(logger);
  const visor = await Visor.create(config, logger);
  try {
    await visor.listen();
  } catch (error) {
    await visor.close().catch(() => undefined);
    throw error;
  }
  const url = visor.url!;
  logger.info(`Visor ${VERSION} listening on ${url}`, {
    url,
    config: config.configFile ?? '(none: defaults)',
    dataDir: config.dataDir,
    database: config.database.client,
    stores: Object.keys(config.stores),
  });
  stopOnSignals(visor, logger);
}

main().catch((error: unknown) => {
  const failure = describeStartupFailure(error, USAGE);
  console.error(failure.line);
  if (failure.more !== undefined) console.error(`\n${failure.more}`);
  process.exit(failure.exitCode);
});
