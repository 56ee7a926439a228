/**
 * GUIDs of the Microsoft extension functions (mswsock.h), as their 16 bytes lie in memory
 * (Data1 u32 LE, Data2 u16 LE, Data3 u16 LE, Data4[8]). Pass one as WSAIoctl's lpvInBuffer with
 * SIO_GET_EXTENSION_FUNCTION_POINTER.
 */
/** The 16 bytes of a GUID written `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`. */
export function guid(text: string): Uint8Array {
  const hex = text.replace(/[{}-]/g, '');
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, parseInt(hex.slice(0, 8), 16), true);
  v.setUint16(4, parseInt(hex.slice(8, 12), 16), true);
  v.setUint16(6, parseInt(hex.slice(12, 16), 16), true);
  for (let i = 0; i < 8; i++) b[8 + i] = parseInt(hex.slice(16 + i * 2, 18 + i * 2), 16);
  return b;
}

export const WSAID_CONNECTEX = guid('{25a207b9-ddf3-4660-8ee9-76e58c74063e}');
export const WSAID_ACCEPTEX = guid('{b5367df1-cbac-11cf-95ca-00805f48a192}');
export const WSAID_GETACCEPTEXSOCKADDRS = guid('{b5367df2-cbac-11cf-95ca-00805f48a192}');
export const WSAID_DISCONNECTEX = guid('{7fda2e11-8630-436f-a031-f536a6eec157}');
export const WSAID_WSARECVMSG = guid('{f689d7c8-6f1f-436b-8a53-e54fe351c322}');
export const WSAID_WSASENDMSG = guid('{a441e712-754f-43ca-84a7-0dee44cf606d}');

export function sameGuid(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length < 16) return false;
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
