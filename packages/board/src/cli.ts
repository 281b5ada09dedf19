#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliUsageError, parseCliArgs, USAGE } from './viewer/cli-args';
import { startBoard } from './viewer/server';

/** Resolves to an exit code, or undefined while the server keeps running. */
async function main(argv: string[]): Promise<number | undefined> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    console.error(`tensile-board: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  // `pnpm board` runs this in packages/board; npm and pnpm set INIT_CWD to where the user typed
  // the command, which is what a relative --logdir means.
  args = { ...args, logDir: resolve(process.env.INIT_CWD ?? process.cwd(), args.logDir) };
  if (!existsSync(args.logDir))
    console.error(`tensile-board: ${args.logDir} does not exist yet; waiting for event files`);
  try {
    const server = await startBoard(args);
    // Ctrl+C is how this server is meant to stop: a clean exit, not a death by signal that
    // pnpm reports as a failed command.
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        void server.close().then(() => process.exit(0));
      });
    console.log(
      `TensorBoard-compatible dashboard for ${args.logDir} at ${server.url} (Ctrl+C to quit)`,
    );
  } catch (err) {
    console.error(
      `tensile-board: cannot listen on ${args.host}:${args.port}: ${(err as Error).message}`,
    );
    return 1;
  }
  return undefined;
}

main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
