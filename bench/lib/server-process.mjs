// Child-process entry for the benchmark. argv[2] is the role:
//   echo               a bulk echo server
//   middle <echoPort>  a plain TCP proxy to the echo server, and the ws2web relay (loopback only)
// It reports its ports to the parent over IPC and exits when the parent says 'stop' or goes away.
import { startBulkEcho, startTcpProxy } from './servers.mjs';

const [role, echoPortText] = process.argv.slice(2);
const closers = [];

if (role === 'echo') {
  const echo = await startBulkEcho();
  closers.push(echo.close);
  process.send({ echoPort: echo.port });
} else if (role === 'middle') {
  const { startRelay } = await import('../../packages/relay/dist/index.js');
  const proxy = await startTcpProxy(Number(echoPortText));
  const relay = await startRelay({ host: '127.0.0.1', port: 0, allow: ['127.0.0.0/8'] });
  closers.push(proxy.close, () => relay.close());
  process.send({ proxyPort: proxy.port, relayUrl: relay.url });
} else {
  console.error(`unknown role '${role}'`);
  process.exit(2);
}

async function stop() {
  for (const close of closers) await close();
  process.exit(0);
}
process.on('message', (message) => {
  if (message === 'stop') void stop();
});
process.on('disconnect', () => void stop());
