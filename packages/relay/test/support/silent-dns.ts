/**
 * A DNS server on 127.0.0.1 that answers some names and never answers others: names whose first
 * label starts with `hang` are read and dropped (a server that never answers), every other A
 * query is answered 127.0.0.1 and every other query type "no data". Enough of RFC 1035 for
 * c-ares; nothing is ever forwarded.
 *
 *   const dns = await startSilentDns();
 *   await startRelay({ dns: { servers: [dns.server] } });
 *   dns.dropped(); // queries dropped so far
 *   await dns.close();
 */
import dgram from 'node:dgram';
import { once } from 'node:events';

export interface SilentDns {
  /** `127.0.0.1:PORT`. */
  readonly server: string;
  /** Queries for `hang*` names received (and dropped) so far. */
  dropped(): number;
  close(): Promise<void>;
}

export async function startSilentDns(): Promise<SilentDns> {
  const socket = dgram.createSocket('udp4');
  let dropped = 0;
  socket.on('message', function answerOrDrop(query, from) {
    const question = readQuestion(query);
    if (question === null) return;
    if (question.name.toLowerCase().startsWith('hang')) {
      dropped++;
      return;
    }
    socket.send(answer(query, question), from.port, from.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    server: `127.0.0.1:${socket.address().port}`,
    dropped: () => dropped,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

interface Question {
  name: string;
  type: number;
  /** Offset just past the question (name, type, class). */
  end: number;
}

function readQuestion(query: Buffer): Question | null {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < query.length) {
    const len = query[at]!;
    at++;
    if (len === 0) break;
    if (len > 63 || at + len > query.length) return null;
    labels.push(query.toString('latin1', at, at + len));
    at += len;
  }
  if (at + 4 > query.length) return null;
  return { name: labels.join('.'), type: query.readUInt16BE(at), end: at + 4 };
}

const TYPE_A = 1;

function answer(query: Buffer, q: Question): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  header.writeUInt16BE(0x8180, 2); // response, recursion desired + available, NOERROR
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(q.type === TYPE_A ? 1 : 0, 6); // answers
  const question = query.subarray(12, q.end);
  if (q.type !== TYPE_A) return Buffer.concat([header, question]);
  // Name as a pointer to the question's (offset 12), A, IN, TTL 60, 4 bytes: 127.0.0.1.
  const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
  return Buffer.concat([header, question, record]);
}
