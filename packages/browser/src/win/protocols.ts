/**
 * Internet protocols, as Windows' %SystemRoot%\System32\drivers\etc\protocol lists them: for
 * WSAAsyncGetProtoByName / WSAAsyncGetProtoByNumber. The page has no protocol file; this table
 * is it. Each entry's alias is the name in capitals, as in Windows' file.
 */
export interface Protocol {
  name: string;
  number: number;
  aliases: readonly string[];
}

export const PROTOCOLS: readonly Protocol[] = [
  { name: 'ip', number: 0, aliases: ['IP'] },
  { name: 'icmp', number: 1, aliases: ['ICMP'] },
  { name: 'ggp', number: 3, aliases: ['GGP'] },
  { name: 'tcp', number: 6, aliases: ['TCP'] },
  { name: 'egp', number: 8, aliases: ['EGP'] },
  { name: 'pup', number: 12, aliases: ['PUP'] },
  { name: 'udp', number: 17, aliases: ['UDP'] },
  { name: 'hmp', number: 20, aliases: ['HMP'] },
  { name: 'xns-idp', number: 22, aliases: ['XNS-IDP'] },
  { name: 'rdp', number: 27, aliases: ['RDP'] },
  { name: 'ipv6', number: 41, aliases: ['IPv6'] },
  { name: 'ipv6-route', number: 43, aliases: ['IPv6-Route'] },
  { name: 'ipv6-frag', number: 44, aliases: ['IPv6-Frag'] },
  { name: 'esp', number: 50, aliases: ['ESP'] },
  { name: 'ah', number: 51, aliases: ['AH'] },
  { name: 'ipv6-icmp', number: 58, aliases: ['IPv6-ICMP'] },
  { name: 'ipv6-nonxt', number: 59, aliases: ['IPv6-NoNxt'] },
  { name: 'ipv6-opts', number: 60, aliases: ['IPv6-Opts'] },
  { name: 'rvd', number: 66, aliases: ['RVD'] },
];

/** The protocol called `name` or one of its aliases, ignoring case. */
export function protocolByName(name: string): Protocol | undefined {
  const n = name.toLowerCase();
  return PROTOCOLS.find((p) => p.name === n || p.aliases.some((a) => a.toLowerCase() === n));
}

export function protocolByNumber(number: number): Protocol | undefined {
  return PROTOCOLS.find((p) => p.number === number);
}
