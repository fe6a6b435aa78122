import type { Settings } from '../config/settings.js';
import { resolveSettings } from '../config/settings.js';
import { describeError } from '../errors/exit-codes.js';

export async function runUi(settings: Settings): Promise<void> {
  void settings;
}

export async function runUiFromEnvironment(): Promise<number> {
  try {
    await runUi(await resolveSettings({}));
    return 0;
  } catch (error) {
    const { message, exitCode } = describeError(error);
    process.stderr.write(`visor: ${message}\n`);
    return exitCode;
  }
}
