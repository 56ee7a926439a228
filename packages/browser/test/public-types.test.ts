/**
 * The public types of @ws2web/browser: constants are literal types, createWinsock returns the
 * declared Winsock interface (whose members carry the documentation editors show), the api/
 * groups implement exactly what it declares, and the WebSocket option takes a real WebSocket
 * class only. The type-level assertions are checked by `pnpm typecheck`; the runtime ones here.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import type { acceptCalls } from '../src/api/accept.js';
import type { addressStringCalls } from '../src/api/address-strings.js';
import type { connectCalls } from '../src/api/connect.js';
import type { connectByCalls } from '../src/api/connect-by.js';
import type { Ref } from '../src/api/context.js';
import type { dataCalls } from '../src/api/data.js';
import type { ioctlCalls } from '../src/api/ioctl.js';
import type { messageCalls } from '../src/api/messages.js';
import type { nameCalls } from '../src/api/names.js';
import type { addrInfoExCalls } from '../src/api/names-ex.js';
import type { optionCalls } from '../src/api/options.js';
import type { overlappedCalls } from '../src/api/overlapped.js';
import type { pollCalls } from '../src/api/poll.js';
import type { selectCalls } from '../src/api/select.js';
import type { socketCalls } from '../src/api/sockets.js';
import * as constants from '../src/win/constants.js';
import {
  type AF_INET,
  createWinsock,
  FD_ALL_EVENTS,
  type FD_CLOSE,
  FD_READ,
  FD_READ_BIT,
  SO_DONTLINGER,
  type Winsock,
  type WinsockCoreCall,
  type WinsockOptions,
  type WinsockWith,
  type allFeatures,
  createWinsockWith,
  withConnect,
  type withData,
  withTcp,
} from '../src/index.js';

/** Names of the numeric constants whose type is plain `number` rather than their literal value. */
type WidenedConstants = {
  [K in keyof typeof constants]: (typeof constants)[K] extends number
    ? number extends (typeof constants)[K]
      ? K
      : never
    : never;
}[keyof typeof constants];

/** The members of Winsock one api/ group provides, as Winsock declares them. */
type Declared<Group> = Pick<Winsock, keyof Group & keyof Winsock>;

describe('constants', () => {
  it('are literal types with the Windows values', () => {
    expectTypeOf<typeof FD_READ>().toEqualTypeOf<1>();
    expectTypeOf<typeof FD_CLOSE>().toEqualTypeOf<32>();
    expectTypeOf<typeof FD_ALL_EVENTS>().toEqualTypeOf<1023>();
    expectTypeOf<typeof SO_DONTLINGER>().toEqualTypeOf<-129>();
    expectTypeOf<typeof AF_INET>().toEqualTypeOf<2>();
    expectTypeOf<WidenedConstants>().toEqualTypeOf<never>();
    expect(FD_READ).toBe(1);
  });

  it('keep each FD_* mask equal to 1 << its FD_*_BIT, and the derived option values', () => {
    const table: Record<string, unknown> = constants;
    const masks = Object.entries(table).filter(([name]) => /^FD_[A-Z_]+$/.test(name) && `${name}_BIT` in table);
    expect(masks.map(([name]) => name)).toEqual(
      expect.arrayContaining(['FD_READ', 'FD_WRITE', 'FD_ADDRESS_LIST_CHANGE']),
    );
    expect(masks).toHaveLength(constants.FD_MAX_EVENTS);
    for (const [name, mask] of masks) {
      expect(mask, name).toBe(1 << Number(table[`${name}_BIT`]));
    }
    expect(FD_READ).toBe(1 << FD_READ_BIT);
    expect(FD_ALL_EVENTS).toBe((1 << constants.FD_MAX_EVENTS) - 1);
    expect(SO_DONTLINGER).toBe(~constants.SO_LINGER);
    expect(constants.SO_EXCLUSIVEADDRUSE).toBe(~constants.SO_REUSEADDR);
  });
});

describe('createWinsock', () => {
  it('returns the declared Winsock interface', () => {
    expectTypeOf(createWinsock).returns.toEqualTypeOf<Winsock>();
    expectTypeOf<Parameters<Winsock['connect']>>().toEqualTypeOf<[s: number, name: Uint8Array, namelen: number]>();
    expectTypeOf<ReturnType<Winsock['connect']>>().toEqualTypeOf<Promise<number>>();
    expectTypeOf<Parameters<Winsock['ioctlsocket']>>().toEqualTypeOf<[s: number, cmd: number, argp: Ref]>();
  });

  it('is implemented by the api/ groups with exactly the declared signatures', () => {
    // Assignability alone compares method parameters bivariantly; these pin them exactly.
    expectTypeOf<ReturnType<typeof socketCalls>>().toEqualTypeOf<Declared<ReturnType<typeof socketCalls>>>();
    expectTypeOf<ReturnType<typeof connectCalls>>().toEqualTypeOf<Declared<ReturnType<typeof connectCalls>>>();
    expectTypeOf<ReturnType<typeof connectByCalls>>().toEqualTypeOf<Declared<ReturnType<typeof connectByCalls>>>();
    expectTypeOf<ReturnType<typeof optionCalls>>().toEqualTypeOf<Declared<ReturnType<typeof optionCalls>>>();
    expectTypeOf<ReturnType<typeof acceptCalls>>().toEqualTypeOf<Declared<ReturnType<typeof acceptCalls>>>();
    expectTypeOf<ReturnType<typeof dataCalls>>().toEqualTypeOf<Declared<ReturnType<typeof dataCalls>>>();
    expectTypeOf<ReturnType<typeof selectCalls>>().toEqualTypeOf<Declared<ReturnType<typeof selectCalls>>>();
    expectTypeOf<ReturnType<typeof pollCalls>>().toEqualTypeOf<Declared<ReturnType<typeof pollCalls>>>();
    expectTypeOf<ReturnType<typeof ioctlCalls>>().toEqualTypeOf<Declared<ReturnType<typeof ioctlCalls>>>();
    expectTypeOf<ReturnType<typeof messageCalls>>().toEqualTypeOf<Declared<ReturnType<typeof messageCalls>>>();
    expectTypeOf<ReturnType<typeof overlappedCalls>>().toEqualTypeOf<Declared<ReturnType<typeof overlappedCalls>>>();
    expectTypeOf<ReturnType<typeof nameCalls>>().toEqualTypeOf<Declared<ReturnType<typeof nameCalls>>>();
    expectTypeOf<ReturnType<typeof addrInfoExCalls>>().toEqualTypeOf<Declared<ReturnType<typeof addrInfoExCalls>>>();
    expectTypeOf<ReturnType<typeof addressStringCalls>>().toEqualTypeOf<
      Declared<ReturnType<typeof addressStringCalls>>
    >();
  });

  it('has at run time exactly the calls the interface declares, each with its documentation', () => {
    const path = new URL('../src/winsock-api.ts', import.meta.url);
    const source = ts.createSourceFile('winsock-api.ts', readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
    const winsock = source.statements.find(
      (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Winsock',
    );
    expect(winsock, 'interface Winsock in winsock-api.ts').toBeDefined();
    const declared = new Map<string, string>();
    for (const member of winsock?.members ?? []) {
      const doc = ts
        .getJSDocCommentsAndTags(member)
        .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
        .join(' ');
      declared.set(member.name?.getText(source) ?? '?', doc);
    }

    const w = createWinsock({ relay: 'ws://127.0.0.1:9/', WebSocket: WsWebSocket });
    expect([...declared.keys()].sort()).toEqual(Object.keys(w).sort());
    for (const [name, doc] of declared) {
      // Each comment starts with the call's Windows name, then says what it does.
      expect(doc, `JSDoc of Winsock.${name}`).toMatch(new RegExp(`^${name}[: (].{20,}`, 's'));
    }
  });
});

describe('createWinsockWith', () => {
  it('types its object with the core calls and exactly the calls of its features, as Winsock declares them', () => {
    type TcpClient = WinsockWith<[typeof withTcp, typeof withConnect, typeof withData]>;
    expectTypeOf<Exclude<keyof TcpClient, WinsockCoreCall>>().toEqualTypeOf<
      | 'connect'
      | 'WSAConnect'
      | 'ConnectEx'
      | 'DisconnectEx'
      | 'send'
      | 'recv'
      | 'sendto'
      | 'recvfrom'
      | 'WSASend'
      | 'WSARecv'
      | 'WSASendTo'
      | 'WSARecvFrom'
    >();
    expectTypeOf<TcpClient['recv']>().toEqualTypeOf<Winsock['recv']>();
    expectTypeOf<WinsockWith<typeof allFeatures>>().toEqualTypeOf<Pick<Winsock, keyof Winsock>>();
    const w = createWinsockWith({ relay: 'ws://127.0.0.1:9/', WebSocket: WsWebSocket }, [withTcp, withConnect]);
    expectTypeOf(w).toEqualTypeOf<WinsockWith<[typeof withTcp, typeof withConnect]>>();
    // @ts-expect-error made without withData
    expect(w.send).toBeUndefined();
    expect(typeof w.connect).toBe('function');
  });
});

describe('WinsockOptions.WebSocket', () => {
  it("takes the DOM WebSocket and the ws package's class as they are", () => {
    const fromWs: WinsockOptions = { relay: 'ws://127.0.0.1:9/', WebSocket: WsWebSocket };
    const fromDom: WinsockOptions = { relay: 'ws://127.0.0.1:9/', WebSocket: globalThis.WebSocket };
    expect(fromWs.WebSocket).toBe(WsWebSocket);
    expect(fromDom.relay).toBe('ws://127.0.0.1:9/');
  });

  it('rejects what is no WebSocket class, in the types and at run time', () => {
    // @ts-expect-error a number is no constructor
    const notAClass: WinsockOptions = { relay: 'ws://127.0.0.1:9/', WebSocket: 42 };
    // @ts-expect-error a class whose instances have no send/close/addEventListener
    const wrongClass: WinsockOptions = { relay: 'ws://127.0.0.1:9/', WebSocket: class Empty {} };
    expect(() => createWinsock(notAClass)).toThrow(/no WebSocket class/);
    expect(wrongClass.WebSocket).toBeTypeOf('function');
  });
});
