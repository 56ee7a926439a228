/**
 * The reasons table: codes are unique and stable, the errno mapping is total, and the table in
 * docs/protocol.md ("Errors") matches the code row by row, so the docs cannot drift.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Reason, REASONS, reasonForErrno, reasonRow } from '../src/reasons.js';

describe('REASONS', () => {
  it('has unique codes, unique names, and codes 0..n-1 in order', () => {
    const codes = REASONS.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(REASONS.map((r) => r.name)).size).toBe(REASONS.length);
    expect(codes).toEqual(REASONS.map((_, i) => i));
    for (const r of REASONS) expect(r.code).toBeLessThanOrEqual(0xffff); // a u16 on the wire
  });

  it('maps every errno to exactly one reason', () => {
    const errnos = REASONS.flatMap((r) => r.errnos);
    expect(new Set(errnos).size).toBe(errnos.length);
  });

  it('names every Winsock error as NO_ERROR or WSA…', () => {
    for (const r of REASONS) expect(r.wsa).toMatch(/^(NO_ERROR|WSA[A-Z_]+)$/);
  });

  it('exposes Reason by name with the wire values peers already rely on', () => {
    // Wire values are frozen: a change here breaks every deployed peer.
    expect(Reason).toEqual({
      OK: 0,
      REFUSED: 1,
      TIMED_OUT: 2,
      NET_UNREACH: 3,
      HOST_UNREACH: 4,
      POLICY_DENIED: 5,
      RESET: 6,
      ADDR_IN_USE: 7,
      ADDR_NOT_AVAIL: 8,
      HOST_NOT_FOUND: 9,
      TRY_AGAIN: 10,
      ABORTED: 11,
      PROTOCOL_ERROR: 12,
      LIMIT: 13,
      INTERNAL: 14,
      AUTH_FAILED: 15,
      VERSION_MISMATCH: 16,
      SHUTTING_DOWN: 17,
      INVALID_ARGUMENT: 18,
      AF_NOT_SUPPORTED: 19,
      NO_DATA: 20,
      NO_RECOVERY: 21,
      MSG_SIZE: 22,
    });
    expect(Object.isFrozen(Reason)).toBe(true);
  });
});

describe('reasonForErrno', () => {
  it.each([
    ['ECONNREFUSED', 'REFUSED'],
    ['ETIMEDOUT', 'TIMED_OUT'],
    ['ENETUNREACH', 'NET_UNREACH'],
    ['ENETDOWN', 'NET_UNREACH'],
    ['EHOSTUNREACH', 'HOST_UNREACH'],
    ['EHOSTDOWN', 'HOST_UNREACH'],
    ['ECONNRESET', 'RESET'],
    ['EPIPE', 'RESET'],
    ['EADDRINUSE', 'ADDR_IN_USE'],
    ['EADDRNOTAVAIL', 'ADDR_NOT_AVAIL'],
    ['ENOTFOUND', 'HOST_NOT_FOUND'],
    ['ENONAME', 'HOST_NOT_FOUND'],
    // The name exists but has no address of the family asked for: WSANO_DATA, not "not found".
    ['ENODATA', 'NO_DATA'],
    ['EAI_AGAIN', 'TRY_AGAIN'],
    ['ESERVFAIL', 'TRY_AGAIN'],
    ['ECONNABORTED', 'ABORTED'],
    ['EMFILE', 'LIMIT'],
    ['ENFILE', 'LIMIT'],
    ['ENOBUFS', 'LIMIT'],
    ['ENOMEM', 'LIMIT'],
    ['EINVAL', 'INVALID_ARGUMENT'],
    ['ERR_INVALID_ARG_VALUE', 'INVALID_ARGUMENT'],
    ['ERR_SOCKET_BAD_PORT', 'INVALID_ARGUMENT'],
    ['EAFNOSUPPORT', 'AF_NOT_SUPPORTED'],
    ['EREFUSED', 'NO_RECOVERY'],
    ['EFORMERR', 'NO_RECOVERY'],
    ['EBADRESP', 'NO_RECOVERY'],
    ['ENOTIMP', 'NO_RECOVERY'],
    ['EMSGSIZE', 'MSG_SIZE'],
  ] as const)('%s → %s', (errno, name) => {
    expect(reasonForErrno(errno)).toBe(Reason[name]);
  });

  it('covers every errno listed in the table', () => {
    for (const r of REASONS) for (const e of r.errnos) expect(reasonForErrno(e)).toBe(r.code);
  });

  it.each([undefined, '', 'EWHATEVER', 'econnrefused', 'ECONNREFUSED ', 'toString', '__proto__', 'constructor'])(
    'unknown %j → INTERNAL',
    (errno) => {
      expect(reasonForErrno(errno)).toBe(Reason.INTERNAL);
    },
  );
});

describe('reasonRow', () => {
  it('returns the row for each known code', () => {
    for (const r of REASONS) expect(reasonRow(r.code)).toBe(r);
    expect(reasonRow(Reason.REFUSED).wsa).toBe('WSAECONNREFUSED');
    expect(reasonRow(Reason.POLICY_DENIED).wsa).toBe('WSAEACCES');
    expect(reasonRow(Reason.NO_DATA).wsa).toBe('WSANO_DATA');
    expect(reasonRow(Reason.NO_RECOVERY).wsa).toBe('WSANO_RECOVERY');
    expect(reasonRow(Reason.MSG_SIZE).wsa).toBe('WSAEMSGSIZE');
  });

  // 23 is the first code after the table: what a newer peer might send.
  it.each([23, 0xffff, -1, 1.5, NaN])('unknown code %s (e.g. from a newer peer) reads as INTERNAL', (code) => {
    expect(reasonRow(code)).toBe(reasonRow(Reason.INTERNAL));
    expect(reasonRow(code).wsa).toBe('WSAENETDOWN');
  });
});

// ---------------------------------------------------------------------------------------------
// docs/protocol.md must show the same table.

interface DocRow {
  code: number;
  name: string;
  errnos: string[];
  wsa: string;
}

/** The table under the "Errors" heading of docs/protocol.md, one object per data row. */
function docReasonsTable(): DocRow[] {
  const md = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
  const section = md.split(/^#+ Errors\s*$/m)[1];
  if (section === undefined) throw new Error('docs/protocol.md has no "Errors" section');
  const body = section.split(/^#+ /m)[0]!; // up to the next heading
  const lines = body.split('\n').filter((l) => l.trim().startsWith('|'));
  expect(lines[0]!.split('|').map((c) => c.trim())).toEqual(['', 'code', 'reason', 'Node errno', 'Winsock', '']);
  return lines.slice(2).map((line) => {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    expect(cells, line).toHaveLength(4);
    const [code, name, errnoCell, wsa] = cells as [string, string, string, string];
    return {
      code: Number(code),
      name,
      // "ETIMEDOUT (and the relay's connect timeout)" and "anything else" are prose, not errnos.
      errnos: errnoCell
        .replace(/\(.*?\)/g, '')
        .replace(/anything else/, '')
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== ''),
      wsa,
    };
  });
}

describe('docs/protocol.md Errors table', () => {
  const doc = docReasonsTable();

  it('has one row per reason, in code order', () => {
    expect(doc.map((r) => r.code)).toEqual(REASONS.map((r) => r.code));
  });

  it.each(REASONS.map((r) => [r.code, r.name, r] as const))('row %i %s matches the code', (code, _name, row) => {
    const d = doc.find((r) => r.code === code);
    expect(d, `docs/protocol.md lacks a row for code ${code}`).toBeDefined();
    expect({ code: d!.code, name: d!.name, errnos: d!.errnos, wsa: d!.wsa }).toEqual({
      code: row.code,
      name: row.name,
      errnos: [...row.errnos],
      wsa: row.wsa,
    });
  });

  it('says "anything else" only on the INTERNAL row, the fallback of reasonForErrno', () => {
    const md = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const fallbackRows = md.split('\n').filter((l) => l.startsWith('|') && l.includes('anything else'));
    expect(fallbackRows).toHaveLength(1);
    expect(fallbackRows[0]).toMatch(/^\| 14 \| INTERNAL \|/);
  });
});
