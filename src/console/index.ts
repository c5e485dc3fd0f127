/** The web console and JSON API (`bulk-assign serve`): a second face over the same batches; it never runs jobs. */
export { startConsole, type RunningConsole } from './start-console.js';
export { resolveConsoleOptions, type ConsoleFlags, type ConsoleOptions } from './console-options.js';
