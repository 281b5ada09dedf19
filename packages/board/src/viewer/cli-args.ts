import { parseArgs } from 'node:util';

export const USAGE = `Usage: tensile-board --logdir DIR [--port 6006] [--host 127.0.0.1]

Serves a live dashboard of the TensorBoard event files under DIR.

Options:
  --logdir DIR   directory holding runs (sub-directories with events.out.tfevents.* files)
  --port N       port to listen on, 0-65535 (default 6006; 0 picks a free one)
  --host HOST    interface to bind (default 127.0.0.1: this machine only)
  --samples_per_plugin PLUGIN=N,...
                 points kept per tag, as TensorBoard's flag (default scalars=1000,
                 histograms=500,images=10,pr_curves=100, others 10; 0 keeps all)
  -h, --help     show this help`;

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export interface CliArgs {
  logDir: string;
  port: number;
  host: string;
  samplesPerPlugin: Record<string, number>;
}

/** `scalars=500,images=0` as TensorBoard reads --samples_per_plugin. */
function parseSamples(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const item of (text ?? '').split(',').filter(Boolean)) {
    const [plugin, count, ...rest] = item.split('=');
    if (!plugin || count === undefined || rest.length || !/^\d+$/.test(count))
      throw new CliUsageError(`bad --samples_per_plugin '${item}': expected PLUGIN=N with N >= 0`);
    out[plugin] = Number(count);
  }
  return out;
}

/** Parses argv (without node and script); undefined means --help was asked for. */
export function parseCliArgs(argv: string[]): CliArgs | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        logdir: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        samples_per_plugin: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  if (values.help) return undefined;
  const logDir = values.logdir as string | undefined;
  if (!logDir) throw new CliUsageError('--logdir is required');
  const portText = (values.port as string | undefined) ?? '6006';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new CliUsageError(`bad --port '${portText}': expected 0-65535`);
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  if (!host) throw new CliUsageError('--host must not be empty');
  const samplesPerPlugin = parseSamples(values.samples_per_plugin as string | undefined);
  return { logDir, port, host, samplesPerPlugin };
}
