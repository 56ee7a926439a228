#!/usr/bin/env node
// `npm start` / `pnpm demo`: starts the relay, the line-echo server and the page, prints the URL
// to open, and stops everything on Ctrl-C (SIGINT) or SIGTERM.
//   RELAY_PORT (8787), ECHO_PORT (7777), DEMO_PORT (5173; the next free one if taken)
import { startDemoServers } from './demo-servers.mjs';

function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name}=${raw} is not a port number`);
    process.exit(2);
  }
  return port;
}

const servers = await startDemoServers({
  relayPort: portFromEnv('RELAY_PORT', 8787),
  echoPort: portFromEnv('ECHO_PORT', 7777),
  demoPort: portFromEnv('DEMO_PORT', 5173),
});

console.log('');
console.log(`  relay        ${servers.relayUrl}  (may reach 127.0.0.0/8 and ::1 only)`);
console.log(`  line echo    tcp://127.0.0.1:${servers.echoPort}`);
console.log('');
console.log(`  Open ${servers.url}`);
console.log('  Ctrl-C stops everything.');
console.log('');

// The terminal sends SIGINT to every process in the group and the bootstrap forwards it too, so
// a second signal while closing is expected and ignored; a close that hangs is cut short.
let stopping = false;
function stopOnSignal(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the page, the relay and the echo server…`);
  setTimeout(() => {
    console.error('shutdown took longer than 5 s; exiting anyway');
    process.exit(1);
  }, 5000).unref();
  servers.close().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
process.on('SIGINT', stopOnSignal);
process.on('SIGTERM', stopOnSignal);
