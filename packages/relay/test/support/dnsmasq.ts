/**
 * A real DNS server on loopback for name tests: Debian's `dnsmasq`, started with nothing but the
 * records a test gives it.
 *
 *   const dns = await startDnsmasq({ records: { hosts: { 'one.test': ['192.0.2.1'] } } });
 *   await startRelay({ dns: { servers: [dns.server] } });
 *   …
 *   await dns.stop();
 *
 * It never forwards a query anywhere: no upstream servers (`--no-resolv`, no `--server`), no
 * /etc/hosts, no config file, and the test domains are `--local` (NXDOMAIN for unknown names).
 * Names outside them are answered REFUSED. It listens on 127.0.0.1 only, on a free port.
 * Node built-ins only, so test/fixtures may import it too. Needs `apt-get install -y dnsmasq`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { existsSync } from 'node:fs';

export interface DnsRecords {
  /** name → its addresses (IPv4 and/or IPv6), answered as A / AAAA in the order given. */
  hosts?: Record<string, readonly string[]>;
  /** alias → target: a CNAME record (the target may itself be an alias or a host). */
  cnames?: Record<string, string>;
  /** Domains answered authoritatively (unknown names → NXDOMAIN). Default `['test']`. */
  localDomains?: readonly string[];
}

export interface Dnsmasq {
  readonly port: number;
  /** `127.0.0.1:PORT`, for `startRelay({ dns: { servers: [server] } })` or `--dns`. */
  readonly server: string;
  /** Queries received so far, as `A one.test` / `AAAA multi.test` / `CNAME alias.test`. */
  queries(): string[];
  stop(): Promise<void>;
}

export const DNSMASQ = '/usr/sbin/dnsmasq';

export function hasDnsmasq(): boolean {
  return existsSync(DNSMASQ);
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts dnsmasq on a free loopback port; retries with another port if one was taken meanwhile. */
export async function startDnsmasq({ records = {} }: { records?: DnsRecords } = {}): Promise<Dnsmasq> {
  if (!hasDnsmasq()) throw new Error(`${DNSMASQ} is missing: apt-get install -y dnsmasq`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await launch(await freeUdpPort(), records);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function recordArgs(records: DnsRecords): string[] {
  const args: string[] = [];
  for (const domain of records.localDomains ?? ['test']) args.push(`--local=/${domain}/`);
  for (const [name, addresses] of Object.entries(records.hosts ?? {})) {
    // One --host-record per address: a single record holds at most one IPv4 and one IPv6.
    for (const address of addresses) args.push(`--host-record=${name},${address}`);
  }
  for (const [alias, target] of Object.entries(records.cnames ?? {})) args.push(`--cname=${alias},${target}`);
  return args;
}

async function launch(port: number, records: DnsRecords): Promise<Dnsmasq> {
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    '--pid-file=',
    `--port=${port}`,
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    '--cache-size=0', // every query reaches the log, so tests can see which names were asked
    '--log-queries',
    '--log-facility=-',
    ...recordArgs(records),
  ];
  const child = spawn(DNSMASQ, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  const log: string[] = [];
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    log.push(...lines);
  });
  const exited = once(child, 'exit');
  void exited.then(() => running.delete(child));

  const deadline = Date.now() + 5000;
  while (!log.some((l) => / started, version /.test(l))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dnsmasq did not start on port ${port}: ${log.join(' | ') || partial}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }

  return {
    port,
    server: `127.0.0.1:${port}`,
    queries() {
      const out: string[] = [];
      for (const line of log) {
        const m = /query\[(\w+)\] (\S+) from /.exec(line);
        if (m) out.push(`${m[1]} ${m[2]}`);
      }
      return out;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A UDP port free on 127.0.0.1 right now (dnsmasq binds it for UDP and TCP). */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}
