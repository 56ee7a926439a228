import { describe, expect, it } from 'vitest';
import { Reason } from '@ws2web/protocol';
import {
  WSAEACCES,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEHOSTUNREACH,
  WSAENETDOWN,
  WSAETIMEDOUT,
} from '../src/win/constants.js';
import {
  closeReasonError,
  connectionClosedError,
  fdCloseError,
  handshakeRefusedError,
  lostStreamError,
  permissionError,
  relayLostError,
  unopenedStreamError,
} from '../src/win/errors.js';

/** [the situation, what the policy answers, what Windows callers see]. */
const policy: [string, () => number, number][] = [
  ['relay lost before WELCOME', () => relayLostError(false), WSAENETDOWN],
  ['relay lost after WELCOME', () => relayLostError(true), WSAECONNABORTED],
  ['GOAWAY AUTH_FAILED instead of WELCOME', () => handshakeRefusedError(Reason.AUTH_FAILED), WSAEACCES],
  ['GOAWAY for any other reason instead of WELCOME', () => handshakeRefusedError(Reason.SHUTTING_DOWN), WSAENETDOWN],
  ['connection aborted before a UDP/LISTEN stream opened', () => unopenedStreamError(WSAECONNABORTED), WSAENETDOWN],
  ['ticket refused before a UDP/LISTEN stream opened', () => unopenedStreamError(WSAEACCES), WSAEACCES],
  ['relay lost under a connect in flight', () => lostStreamError(WSAECONNABORTED, false), WSAENETDOWN],
  ['relay lost under an established stream', () => lostStreamError(WSAECONNABORTED, true), WSAECONNABORTED],
  ['handshake never finished under an established stream', () => lostStreamError(WSAENETDOWN, true), WSAENETDOWN],
  ['CLOSE OK on a UDP or LISTEN stream', () => closeReasonError(Reason.OK), WSAECONNABORTED],
  ['CLOSE REFUSED on a connect in flight', () => closeReasonError(Reason.REFUSED), WSAECONNREFUSED],
  ['CLOSE HOST_UNREACH on a UDP stream', () => closeReasonError(Reason.HOST_UNREACH), WSAEHOSTUNREACH],
  ['CLOSE RESET on a connection', () => connectionClosedError(Reason.RESET), WSAECONNRESET],
  ['CLOSE TIMED_OUT on a connection', () => connectionClosedError(Reason.TIMED_OUT), WSAECONNABORTED],
  ['FD_CLOSE after FIN', () => fdCloseError(true), 0],
  ['FD_CLOSE after reset or abort', () => fdCloseError(false), WSAECONNABORTED],
  ['destination allowed', () => permissionError(Reason.OK), 0],
  ['destination refused by policy', () => permissionError(Reason.POLICY_DENIED), WSAEACCES],
  ['destination check timed out', () => permissionError(Reason.TIMED_OUT), WSAETIMEDOUT],
];

describe('error policy', () => {
  it.each(policy)('%s', (_situation, answer, expected) => {
    expect(answer()).toBe(expected);
  });
});
