#!/usr/bin/env node
// Kept small: `visor list --json` must start fast, so the UI (Ink, React) is imported only when used.
const argv = process.argv.slice(2);

if (argv.length === 0 && process.stdin.isTTY && process.stdout.isTTY) {
  const { runUiFromEnvironment } = await import('../tui/run-ui.js');
  process.exitCode = await runUiFromEnvironment();
} else {
  const { runCli } = await import('../program.js');
  process.exitCode = await runCli(argv);
}
