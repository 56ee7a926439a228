/**
 * Quality of service at connect time (WSAConnect lpSQOS). The relay forwards plain TCP, so it
 * can only honour requests that ask for no guarantee:
 *
 * - a FLOWSPEC whose ServiceType is SERVICETYPE_BESTEFFORT, SERVICETYPE_NOTRAFFIC,
 *   SERVICETYPE_NOCHANGE or SERVICETYPE_GENERAL_INFORMATION (optionally OR'd with
 *   SERVICE_NO_QOS_SIGNALING / SERVICE_NO_TRAFFIC_CONTROL) is satisfiable, whatever its rates;
 * - a missing FLOWSPEC counts as best effort;
 * - SERVICETYPE_GUARANTEED, _CONTROLLEDLOAD, _QUALITATIVE, _NETWORK_CONTROL, or provider-specific
 *   parameters (ProviderSpecific.len > 0) cannot be met → WSAEOPNOTSUPP, as the WSAConnect
 *   reference says for an unsatisfiable lpSQOS.
 */
import {
  SERVICE_NO_QOS_SIGNALING,
  SERVICE_NO_TRAFFIC_CONTROL,
  SERVICETYPE_BESTEFFORT,
  SERVICETYPE_GENERAL_INFORMATION,
  SERVICETYPE_NOCHANGE,
  SERVICETYPE_NOTRAFFIC,
  WSAEFAULT,
  WSAEOPNOTSUPP,
} from './constants.js';

export interface FLOWSPEC {
  TokenRate?: number;
  TokenBucketSize?: number;
  PeakBandwidth?: number;
  Latency?: number;
  DelayVariation?: number;
  ServiceType?: number;
  MaxSduSize?: number;
  MinimumPolicedSize?: number;
}
export interface QOS {
  SendingFlowspec?: FLOWSPEC | null;
  ReceivingFlowspec?: FLOWSPEC | null;
  ProviderSpecific?: { len: number; buf: Uint8Array | null } | null;
}

const satisfiable = new Set([
  SERVICETYPE_BESTEFFORT,
  SERVICETYPE_NOTRAFFIC,
  SERVICETYPE_NOCHANGE,
  SERVICETYPE_GENERAL_INFORMATION,
]);

function flowspecOk(f: FLOWSPEC | null | undefined): boolean {
  if (f === null || f === undefined || f.ServiceType === undefined) return true;
  const base = (f.ServiceType & ~(SERVICE_NO_QOS_SIGNALING | SERVICE_NO_TRAFFIC_CONTROL)) >>> 0;
  return satisfiable.has(base);
}

/** 0 if the relay can honour `qos`, else the Winsock error. */
export function checkQos(qos: unknown): number {
  if (qos === null || qos === undefined) return 0;
  if (typeof qos !== 'object') return WSAEFAULT;
  const q = qos as QOS;
  if (!flowspecOk(q.SendingFlowspec) || !flowspecOk(q.ReceivingFlowspec)) return WSAEOPNOTSUPP;
  if (q.ProviderSpecific && q.ProviderSpecific.len > 0) return WSAEOPNOTSUPP;
  return 0;
}
