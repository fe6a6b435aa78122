import { render } from 'ink';
import { VisorClient } from '@visor/client';
import type { Settings } from '../config/settings.js';
import { resolveSettings } from '../config/settings.js';
import { describeError } from '../errors/exit-codes.js';
import { App } from './app.js';

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l\x1b[?25h';

/**
 * Runs the UI full screen (the terminal's alternate screen) until `q` or Ctrl-C, and always
 * gives the terminal back as it was: main screen, cursor shown, raw mode off (Ink's unmount),
 * also when rendering fails or the process gets SIGINT (before raw mode is on), SIGTERM or SIGHUP.
 */
export async function runUi(settings: Settings): Promise<void> {
  const client = new VisorClient({ url: settings.url, ...(settings.accessKey === undefined ? {} : { accessKey: settings.accessKey, secretKey: settings.secretKey! }) });
  // Fail before taking over the screen when the server cannot be reached or the keys are wrong.
  await client.status();
  const me = settings.accessKey === undefined ? null : await client.users.me();
  const user = me === null ? 'no keys' : `${me.access_key} (${me.role})`;
  process.stdout.write(ENTER_ALTERNATE_SCREEN);
  const restore = () => process.stdout.write(LEAVE_ALTERNATE_SCREEN);
  const onSignal = () => {
    instance.unmount();
  };
  const instance = render(<App client={client} server={settings.url} user={user} />, { exitOnCtrlC: true });
  process.once('SIGTERM', onSignal).once('SIGHUP', onSignal).once('SIGINT', onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal).off('SIGHUP', onSignal).off('SIGINT', onSignal);
    restore();
  }
}

/** `visor` with no command on a terminal: the UI with the settings of the environment and profile. */
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
