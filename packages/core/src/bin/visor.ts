#!/usr/bin/env node
import './silence-dep0111.js';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { VisorError } from '@visor/plugin-api';
import { createLogger } from '../util/logger.js';
import { VERSION } from '../version.js';
import { Visor } from '../visor.js';

const USAGE = `Usage: visor-server [--config FILE]

Starts the Visor image server. With no configuration file it stores metadata
in SQLite and images in an fs store under ./visor-data, on 127.0.0.1:4568.

Options:
  -c, --config FILE   configuration file (else VISOR_CONFIG, else searched from here)
  -h, --help          show this help
  -v, --version       show the version

Environment: VISOR_HOST, VISOR_PORT, VISOR_DATA_DIR, VISOR_CONFIG, VISOR_PUBLIC_URL,
VISOR_LOG_LEVEL, VISOR_DATABASE_URL.`;

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
  const visor = await Visor.create(config, logger);
  const { url } = await visor.listen();
  logger.info(`Visor ${VERSION} listening on ${url}`, {
    url,
    config: config.configFile ?? '(none: defaults)',
    dataDir: config.dataDir,
    database: config.database.client,
    stores: Object.keys(config.stores),
  });

  let closing = false;
  const stop = (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info(`received ${signal}: finishing running requests, then stopping`);
    visor.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('error while stopping', { err: error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof VisorError) console.error(`visor: ${error.message}`);
  else console.error('visor: failed to start:', error);
  process.exit(1);
});
