/**
 * The option table (src/config/schema.ts) is the one definition of every relay option; these
 * tests hold the things derived from it to it: the docs table, startRelay's validation, and
 * the CLI's flags.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError, USAGE, parseCommandLine } from '../src/config/cli-options.js';
import { resolveOptions } from '../src/config/options.js';
import { LISTEN_OPTIONS, OPTIONS, type OptionSpec } from '../src/config/schema.js';

const docs = readFileSync(new URL('../../../docs/relay.md', import.meta.url), 'utf8');

/** docs/relay.md "Options": option name(s) → the row's text. */
function docRows(): Map<string, string> {
  const section = docs.slice(docs.indexOf('### Options'), docs.indexOf('## CLI'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const names = /^\| ((?:`\w+`(?: \/ )?)+) \|/.exec(line)?.[1];
    if (names === undefined) continue;
    for (const name of names.matchAll(/`(\w+)`/g)) rows.set(name[1]!, line);
  }
  return rows;
}

describe('the option table', () => {
  it('docs/relay.md has a row for every option, naming its flags and numeric default, and no other rows', () => {
    const rows = docRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(OPTIONS).sort());
    for (const [name, spec] of Object.entries(OPTIONS) as [string, OptionSpec][]) {
      const row = rows.get(name)!;
      const flags =
        name === 'listen'
          ? Object.values(LISTEN_OPTIONS).flatMap((o: OptionSpec) => o.flags ?? [])
          : (spec.flags ?? []);
      for (const flag of flags) expect(row, name).toContain(`\`--${flag.name}`);
      if (flags.length === 0) expect(row, name).toMatch(/^\| [^|]+ \| — \|/);
      if (typeof spec.default === 'number' || typeof spec.default === 'boolean')
        expect(row, name).toContain(`\`${String(spec.default)}\``);
    }
  });

  it('--help lists every flag with the default the command line uses', () => {
    for (const spec of Object.values(OPTIONS) as OptionSpec[])
      for (const flag of spec.flags ?? []) expect(USAGE).toContain(`--${flag.name}`);
    expect(USAGE).toMatch(/--port <n> +port to listen on, 0 = any free port \(default 8787\)/);
    expect(USAGE).toMatch(/--log-level <level> +debug \| info \| warn \| error \| silent \(default info\)/);
  });

  it('startRelay and the CLI apply the same range: a RangeError from one, a UsageError naming the flag from the other', () => {
    expect(() => resolveOptions({ maxFrameBody: 1023 })).toThrow(
      new RangeError('startRelay: maxFrameBody: Number must be greater than or equal to 1024'),
    );
    expect(() => resolveOptions({ port: 65536 })).toThrow(RangeError);
    expect(() => parseCommandLine(['--port', '65536'], {})).toThrow(
      new UsageError('--port: Number must be less than or equal to 65535'),
    );
    expect(() => resolveOptions({ logLevel: 'loud' as 'info' })).toThrow(TypeError);
    expect(() => parseCommandLine(['--log-level', 'loud'], {})).toThrow(/--log-level: Invalid enum value/);
    expect(() => parseCommandLine(['--max-streams', 'many'], {})).toThrow(
      /--max-streams must be a non-negative number, got "many"/,
    );
  });

  it('fills in the defaults the table gives, and the command line its own', () => {
    const resolved = resolveOptions({});
    expect(resolved).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      maxFrameBody: 65536,
      streamWindow: 1048576,
      datagramWindow: 262144,
      drainMs: 0,
      udp: true,
    });
    expect(parseCommandLine([], {})).toEqual({ host: '127.0.0.1', port: 8787, logLevel: 'info', drainMs: 10000 });
  });
});
