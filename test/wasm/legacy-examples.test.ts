/**
 * The legacy Winsock programs (examples/legacy-*, in C and one in C++), compiled unmodified by ws2web-cc, run
 * in headless Chromium through the real relay against loopback servers. Each program's whole
 * output is compared with what the same source prints natively on Windows (same printf calls,
 * same Winsock results: error codes are Windows' own values). Every program runs twice: with
 * JSPI (Chromium's default here) and with the Asyncify build forced, the fallback for engines
 * without JSPI.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import { chooseMode, jspiSupported, type RunMode } from '../../packages/wasm/src/index.js';
import { EXAMPLES, NATIVE_PROGRAMS, SCENARIOS, type NativeRun } from './fixtures/examples.js';
import { runExample, scenarioPorts } from './run-example.js';

const control = new Control();
afterAll(() => control.releaseAll());

const PAGE_BODY = 'Hello from a real TCP server, through the relay.\n';
const MODES: RunMode[] = ['jspi', 'asyncify'];

function httpRequest(host: string, path: string): string {
  return `GET ${path} HTTP/1.0\r\nHost: ${host}\r\nUser-Agent: legacy-http-client\r\n\r\n`;
}

/** What legacy-http-client prints for a page served by fixtures/servers.ts (HttpPageServer). */
function httpClientOutput(port: number, host: string, path: string): string {
  const response = [
    'HTTP/1.1 200 OK',
    'content-type: text/plain',
    `content-length: ${PAGE_BODY.length}`,
    'connection: close',
    '',
    PAGE_BODY,
  ].join('\r\n');
  return [
    'Winsock 2.2 ready',
    `Connected to 127.0.0.1 port ${port}`,
    `Bytes Sent: ${httpRequest(host, path).length}`,
    '----- response -----',
    `${response}`,
    '----- end -----',
    `Connection closed after ${response.length} bytes`,
    '',
  ].join('\n');
}

describe('the toolchain', () => {
  it('compiled every example with clang -Wall without a warning, in both builds', () => {
    const builds = inject('wasmBuilds');
    for (const name of EXAMPLES) {
      const b = builds[name];
      expect(b.warnings, `${name}: clang warnings`).toBe('');
      expect(b.bytes, `${name}.wasm size`).toBeGreaterThan(10_000);
      // The Asyncify build is bigger (instrumented call paths) but stays within 2x here.
      expect(b.asyncifyBytes, `${name}.asyncify.wasm size`).toBeGreaterThan(b.bytes);
      expect(b.asyncifyBytes).toBeLessThan(2 * b.bytes);
    }
    console.log(
      `wasm builds (${inject('wasmBuildMs')} ms total): ${EXAMPLES.map((n) => {
        const b = builds[n];
        return `${n} ${b.bytes} B / asyncify ${b.asyncifyBytes} B (clang ${b.clangMs} ms, wasm-opt ${b.asyncifyMs} ms)`;
      }).join('; ')}`,
    );
  });

  it('builds the same sources natively with MinGW-w64 (x86_64-w64-mingw32-gcc main.c / g++ main.cpp, -lws2_32)', () => {
    const native = inject('nativeBuilds');
    // Every program compared with Wine, probes too: one failed build turns every comparison off.
    for (const name of NATIVE_PROGRAMS) {
      const n = native[name];
      expect(n.ok, `${n.command}\n${n.output}`).toBe(true);
      expect(n.peMagic, `${name}.exe is a PE executable`).toBe('MZ');
      expect(n.bytes).toBeGreaterThan(10_000);
    }
  });

  it('picks JSPI in this Chromium (WebAssembly.Suspending exists), Asyncify only when told', () => {
    expect(jspiSupported()).toBe(true);
    expect(chooseMode({ mode: 'auto', asyncifyWasm: new Uint8Array(0) })).toBe('jspi');
    expect(chooseMode({ mode: 'asyncify', asyncifyWasm: new Uint8Array(0) })).toBe('asyncify');
  });
});

describe.each(MODES)('legacy programs with %s', (mode) => {
  it('legacy-http-client fetches a page: getaddrinfo("localhost") through the relay, connect, send, recv loop', async () => {
    const port = inject('httpPagePort');
    const run = await runExample('legacy-http-client', { args: ['localhost', String(port), '/page'], mode });
    expect(run.stdout).toBe(httpClientOutput(port, 'localhost', '/page'));
    expect(run.exitCode).toBe(0);
    expect(run.mode).toBe(mode);
    // The server saw exactly the request the C code formatted.
    const seen = await (await fetch(`http://127.0.0.1:${port}/last-request`)).json();
    expect(seen).toMatchObject({
      method: 'GET',
      url: '/page',
      httpVersion: '1.0',
      headers: { host: 'localhost', 'user-agent': 'legacy-http-client' },
    });
  });

  it('legacy-http-client reports a refused connection the Windows way', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-http-client', { args: ['127.0.0.1', String(port), '/'], mode });
    expect(run.stdout).toBe('Winsock 2.2 ready\nUnable to connect to server!\n');
    expect(run.exitCode).toBe(1);
  });

  it('legacy-select-chat: non-blocking connect, select() on writefds/exceptfds, then a select+recv dialogue', async () => {
    const port = inject('chatPort');
    const run = await runExample('legacy-select-chat', {
      args: ['127.0.0.1', String(port)],
      stdin: 'hello\nsecond line\n',
      mode,
    });
    expect(run.stdout).toBe(
      [
        `Connecting to 127.0.0.1:${port}...`,
        'connect: WSAEWOULDBLOCK, waiting in select()',
        'Connected (SO_ERROR = 0)',
        '> hello',
        '< you said: hello',
        '> second line',
        '< you said: second line',
        '< bye',
        'Server closed the connection',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-select-chat: a refused connect shows up in exceptfds with SO_ERROR = WSAECONNREFUSED (10061)', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-select-chat', {
      args: ['127.0.0.1', String(port)],
      stdin: 'never sent\n',
      mode,
    });
    expect(run.stdout).toBe(
      [
        `Connecting to 127.0.0.1:${port}...`,
        'connect: WSAEWOULDBLOCK, waiting in select()',
        'connect failed: SO_ERROR = 10061',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(2);
  });

  it('legacy-poll-client: getaddrinfo, non-blocking connect waited for with WSAPoll(POLLWRNORM), then a WSAPoll(POLLRDNORM)+recv dialogue', async () => {
    const port = inject('chatPort');
    const run = await runExample('legacy-poll-client', {
      args: ['127.0.0.1', String(port)],
      stdin: 'hello\nsecond line\n',
      mode,
    });
    expect(run.stdout).toBe(
      [
        `Connecting to 127.0.0.1 port ${port}...`,
        'connect: WSAEWOULDBLOCK, waiting in WSAPoll(POLLWRNORM)',
        'Connected (SO_ERROR = 0)',
        '> hello',
        '< you said: hello',
        '> second line',
        '< you said: second line',
        'End of input: shutdown(SD_SEND)',
        '< bye',
        'Server closed the connection',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-poll-client: getaddrinfo("localhost") gives ::1 first, as Windows; refused there, the loop goes on to 127.0.0.1', async () => {
    // The line server listens on 127.0.0.1 only. (Not compared with Wine: it answers from the
    // Linux host's /etc/hosts, which has 127.0.0.1 alone for localhost here.)
    const port = inject('chatPort');
    const run = await runExample('legacy-poll-client', { args: ['localhost', String(port)], stdin: 'hi\n', mode });
    expect(run.stdout).toBe(
      [
        `Connecting to ::1 port ${port}...`,
        'connect: WSAEWOULDBLOCK, waiting in WSAPoll(POLLWRNORM)',
        'connect failed: POLLERR, SO_ERROR = 10061',
        `Connecting to 127.0.0.1 port ${port}...`,
        'connect: WSAEWOULDBLOCK, waiting in WSAPoll(POLLWRNORM)',
        'Connected (SO_ERROR = 0)',
        '> hi',
        '< you said: hi',
        'End of input: shutdown(SD_SEND)',
        '< bye',
        'Server closed the connection',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-poll-client: a refused connect is POLLERR (checked before POLLWRNORM, which Windows 10 2004+ also sets) and SO_ERROR = 10061', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-poll-client', {
      args: ['127.0.0.1', String(port)],
      stdin: 'never sent\n',
      mode,
    });
    expect(run.stdout).toBe(
      [
        `Connecting to 127.0.0.1 port ${port}...`,
        'connect: WSAEWOULDBLOCK, waiting in WSAPoll(POLLWRNORM)',
        'connect failed: POLLERR, SO_ERROR = 10061',
        `Unable to connect to 127.0.0.1 port ${port}`,
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(2);
  });

  it('legacy-event-client: FD_CONNECT, FD_WRITE, FD_READ and FD_CLOSE through WSAWaitForMultipleEvents', async () => {
    const port = inject('chatPort');
    const message = 'hello from an event loop';
    const run = await runExample('legacy-event-client', { args: ['127.0.0.1', String(port), message], mode });
    const reply = `you said: ${message}\nbye\n`;
    expect(run.stdout).toBe(
      [
        'connect: WSAEWOULDBLOCK, waiting for FD_CONNECT',
        'FD_CONNECT, error 0',
        `sent ${message.length + 1} bytes, shutting down the sending side`,
        'FD_CLOSE, error 0',
        `received ${reply.length} bytes:`,
        reply,
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-event-client: a refused connect arrives as FD_CONNECT with error 10061', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-event-client', { args: ['127.0.0.1', String(port), 'x'], mode });
    expect(run.stdout).toBe(
      ['connect: WSAEWOULDBLOCK, waiting for FD_CONNECT', 'FD_CONNECT, error 10061', 'received 0 bytes:', ''].join(
        '\n',
      ),
    );
    expect(run.exitCode).toBe(2);
  });

  it('legacy-cpp-client (C++: std::string, std::vector, std::map, a global std::vector) talks to the line server', async () => {
    const port = inject('chatPort');
    const run = await runExample('legacy-cpp-client', {
      args: ['127.0.0.1', String(port), 'pear', 'apple', 'pear', 'fig'],
      mode,
    });
    expect(run.stdout).toBe(
      [
        'reply 1: you said: pear',
        'reply 2: you said: apple',
        'reply 3: you said: pear',
        'reply 4: you said: fig',
        'reply 5: bye',
        'apple    x1',
        'fig      x1',
        'pear     x2',
        // The global log survived getaddrinfo (the glue's mallocs once re-ran static constructors).
        'log: resolving 127.0.0.1',
        'log: connected to 127.0.0.1',
        'log: sent 20 bytes, received 64',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-cpp-client reports a refused connection with its Winsock error', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-cpp-client', { args: ['127.0.0.1', String(port), 'x'], mode });
    expect(run.stdout).toBe('connect failed: error 10061\nlog: resolving 127.0.0.1\n');
    expect(run.exitCode).toBe(2);
  });

  it('the page keeps running while the C code blocks in recv', async () => {
    const port = inject('httpPagePort');
    const server = `http://127.0.0.1:${port}`;
    // The server holds /held until released: the program sits in recv meanwhile.
    let finished = false;
    const running = runExample('legacy-http-client', { args: ['127.0.0.1', String(port), '/held'], mode }).finally(
      () => {
        finished = true;
      },
    );
    expect(await (await fetch(`${server}/held-arrived`)).text()).toBe('1');
    // Ten turns of the page's own timer while the C code is blocked.
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (++ticks < 10) return;
        clearInterval(timer);
        resolve();
      }, 5);
    });
    expect(finished).toBe(false);
    expect(await (await fetch(`${server}/release-held`, { method: 'POST' })).text()).toBe('1');
    const run = await running;
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(PAGE_BODY);
  });
});

const nativeRuns = inject('nativeRuns');
const native = 'unavailable' in nativeRuns ? null : (nativeRuns as Record<string, NativeRun>);
if (!native) console.warn(`wasm: native comparison skipped: ${(nativeRuns as { unavailable: string }).unavailable}`);

describe.skipIf(!native).each(MODES)('same output as the native Windows build (MinGW .exe under Wine), %s', (mode) => {
  const ports = scenarioPorts();

  const scenarios = SCENARIOS.filter((sc) => mode === 'jspi' || !sc.jspiOnly);
  it.each(scenarios.map((sc) => [sc.id, sc] as const))('%s', async (_id, sc) => {
    const expected = native![sc.id]!;
    // The native run must itself have worked: it is the reference.
    expect(expected.stdout.length, `native run printed nothing; stderr: ${expected.stderr}`).toBeGreaterThan(0);
    const run = await runExample(sc.program, { args: sc.args(ports), stdin: sc.stdin, mode, relay: sc.relay });
    expect(run.stdout).toBe(expected.stdout);
    expect(run.exitCode).toBe(expected.exitCode);
  });
});
