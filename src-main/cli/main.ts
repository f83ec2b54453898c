/**
 * `lathe`: the command line. Parses flags from the command table
 * (commands/index.ts), prints help, runs the command against an in-process
 * engine, and maps failures to exit codes: 2 for bad input, 1 for internal
 * errors, 130 when cancelled with Ctrl+C. With --json, stdout carries exactly
 * one JSON object, success or failure.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LatheError, toWireError, type ErrorCode, type WireError } from '../../src-shared/errors.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import type { RpcClient } from '../../src-shared/rpc/core.ts';
import { resolveDataDir } from '../engine/paths.ts';
import type { Command, CommandArgs, CommandContext, OptionSpec } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { openEngineSession, type EngineSession } from './session.ts';

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { type: 'string', value: 'D', description: 'the data folder (default: LATHE_DATA_DIR, else the per-user app-data folder)' },
  json: { type: 'boolean', description: 'print exactly one JSON object on stdout (errors too)' },
  help: { type: 'boolean', description: 'show this help' },
};

/** Codes that mean Lathe itself failed, not the input: exit status 1. */
const INTERNAL_CODES = new Set<ErrorCode>(['INTERNAL', 'WORKER_CRASHED', 'OUT_OF_MEMORY', 'DISCONNECTED', 'NOT_IMPLEMENTED']);

export function exitCodeFor(code: ErrorCode): number {
  if (code === 'CANCELLED') return 130;
  return INTERNAL_CODES.has(code) ? 1 : 2;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.description] as const);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([flag, desc]) => `  ${flag.padEnd(w)}  ${desc}`);
}

function usageOf(cmd: Command): string {
  const pos = cmd.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(' ');
  const flags = Object.entries(cmd.options)
    .map(([n, o]) => `[--${n}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}]`)
    .join(' ');
  return ['lathe', cmd.name, pos, flags, '[--data-dir D] [--json]'].filter(Boolean).join(' ');
}

export function commandHelp(cmd: Command): string {
  const lines = [`${cmd.summary}.`, '', `Usage: ${usageOf(cmd)}`];
  if (cmd.positionals.length) {
    lines.push('', 'Arguments:');
    const w = Math.max(...cmd.positionals.map((p) => p.name.length + 2));
    for (const p of cmd.positionals) lines.push(`  ${`<${p.name}>`.padEnd(w)}  ${p.description}`);
  }
  lines.push('', 'Options:', ...optionLines({ ...cmd.options, ...GLOBAL_OPTIONS }));
  if (cmd.examples?.length) lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Lathe ${version()}: an offline data-science workbench, from the command line.`,
    '',
    'Usage: lathe <command> [arguments] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Every command takes --data-dir D, --json and --help. "lathe <command> --help" shows its options.',
    'Exit status: 0 on success, 2 for bad input (a missing file, a ragged row...), 1 for internal errors, 130 when cancelled.',
  ].join('\n');
}

/** parseArgs' messages are written for programmers; these name the flag and the fix. */
function usageError(e: unknown, cmd: Command): LatheError {
  const err = e as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(err.message ?? '')?.[1] ?? '';
  const flag = quoted.split(' ')[0] ?? quoted;
  const help = `Run "lathe ${cmd.name} --help" for its options.`;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new LatheError('BAD_REQUEST', `Unknown option ${flag} for "lathe ${cmd.name}". ${help}`, { param: flag });
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = flag.replace(/^-+/, '');
    const spec = cmd.options[name] ?? GLOBAL_OPTIONS[name];
    const what = spec?.type === 'boolean' ? 'takes no value' : `needs a value (${flag} ${spec?.value ?? 'VALUE'})`;
    return new LatheError('BAD_REQUEST', `The option ${flag} ${what}. ${help}`, { param: flag });
  }
  return new LatheError('BAD_REQUEST', `${err.message ?? String(e)} ${help}`);
}

function parseCommandArgs(cmd: Command, argv: string[]): CommandArgs {
  const options: ParseArgsConfig['options'] = {};
  for (const [name, o] of Object.entries({ ...cmd.options, ...GLOBAL_OPTIONS })) options[name] = o.multiple ? { type: 'string', multiple: true } : { type: o.type };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw usageError(e, cmd);
  }
  const flags = parsed.values as CommandArgs['flags'];
  if (flags.help) return { positionals: parsed.positionals, flags };
  const max = cmd.positionals.length;
  const required = cmd.positionals.filter((p) => p.required);
  if (parsed.positionals.length < required.length) {
    const missing = required[parsed.positionals.length]!;
    throw new LatheError('BAD_REQUEST', `"lathe ${cmd.name}" needs <${missing.name}> (${missing.description}). Usage: ${usageOf(cmd)}`, { param: missing.name });
  }
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals[max]!;
    throw new LatheError('BAD_REQUEST', `"lathe ${cmd.name}" takes ${max === 0 ? 'no arguments' : `${max} argument${max > 1 ? 's' : ''}`}; "${extra}" is one too many. Usage: ${usageOf(cmd)}`, {
      param: extra,
    });
  }
  return { positionals: parsed.positionals, flags };
}

/** The error object `--json` prints. */
export function errorJson(w: WireError): { error: Record<string, unknown> } {
  const out: Record<string, unknown> = { code: w.code, message: w.message };
  const d = w.details ?? {};
  for (const k of ['line', 'column', 'file', 'param'] as const) if (d[k] !== undefined) out[k] = d[k];
  return { error: out };
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

/** One progress line on stderr, redrawn in place, only when stderr is a terminal. */
function progressReporter(label: string): { report(p: Progress): void; clear(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    report(p) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && p.fraction !== 1) return;
      last = now;
      const pct = p.fraction === null ? '' : ` ${Math.floor(p.fraction * 100)}%`;
      const rows = p.rows !== undefined ? `, ${p.rows.toLocaleString('en')} rows` : '';
      process.stderr.write(`\r\x1b[K${label}${pct} (${p.phase}${rows})${p.message ? ` ${p.message}` : ''}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const wantsJson = argv.includes('--json');
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? COMMANDS.find((c) => c.name === argv[1]) : undefined;
    await write(process.stdout, `${topic ? commandHelp(topic) : mainHelp()}\n`);
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    await write(process.stdout, wantsJson ? `${JSON.stringify({ version: version() })}\n` : `${version()}\n`);
    return 0;
  }

  const ac = new AbortController();
  const onSignal = (): void => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let session: EngineSession | undefined;
  const progress = progressReporter(first);
  try {
    const cmd = COMMANDS.find((c) => c.name === first);
    if (!cmd) {
      const hint = first.startsWith('-') ? 'Put the command first, e.g. "lathe import file.csv --json".' : `Commands: ${COMMANDS.map((c) => c.name).join(', ')}.`;
      throw new LatheError('BAD_REQUEST', `Unknown command "${first}". ${hint} Run "lathe --help" for help.`, { param: first });
    }
    const args = parseCommandArgs(cmd, argv.slice(1));
    if (args.flags.help) {
      await write(process.stdout, `${commandHelp(cmd)}\n`);
      return 0;
    }
    const dataDir = resolveDataDir({ flag: args.flags['data-dir'] as string | undefined });
    const ctx: CommandContext = {
      args,
      json: args.flags.json === true,
      dataDir,
      signal: ac.signal,
      async engine(): Promise<RpcClient> {
        session ??= await openEngineSession(dataDir);
        return session.client;
      },
      progress: (p) => progress.report(p),
      say: (line) => process.stdout.write(`${line}\n`),
    };
    const result = await cmd.run(ctx);
    progress.clear();
    if (result) await write(process.stdout, ctx.json ? `${JSON.stringify(result.json)}\n` : `${result.text}\n`);
    return 0;
  } catch (e) {
    progress.clear();
    const w = toWireError(e);
    if (wantsJson) await write(process.stdout, `${JSON.stringify(errorJson(w))}\n`);
    else {
      const where = [w.details?.file, w.details?.line !== undefined ? `line ${w.details.line}` : undefined].filter(Boolean).join(', ');
      const text = w.code === 'CANCELLED' ? 'Cancelled.' : `error: ${w.message}${where && !w.message.includes(String(w.details?.line ?? '\0')) ? ` (${where})` : ''} [${w.code}]`;
      await write(process.stderr, `${text}\n`);
    }
    return exitCodeFor(w.code);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await session?.close().catch(() => undefined);
  }
}

// Run when executed directly (bin/lathe.mjs imports this file and calls main).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main(process.argv.slice(2)));
}
