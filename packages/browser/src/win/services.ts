/**
 * Well-known services (a subset of Windows' %SystemRoot%\System32\drivers\etc\services), for
 * getaddrinfo service names, getservbyname/getservbyport and getnameinfo, and Windows' whole
 * protocol table (its etc\protocol file) for getprotobyname/getprotobynumber. The page has no
 * such files; these tables are them.
 */
export type Protocol = 'tcp' | 'udp';
export interface Service {
  name: string;
  port: number;
  protocols: readonly [Protocol, ...Protocol[]];
  aliases: readonly string[];
}

const both = ['tcp', 'udp'] as const;
const tcp = ['tcp'] as const;
const udp = ['udp'] as const;

export const SERVICES: readonly Service[] = [
  { name: 'echo', port: 7, protocols: both, aliases: [] },
  { name: 'discard', port: 9, protocols: both, aliases: ['sink', 'null'] },
  { name: 'daytime', port: 13, protocols: both, aliases: [] },
  { name: 'ftp-data', port: 20, protocols: tcp, aliases: [] },
  { name: 'ftp', port: 21, protocols: tcp, aliases: [] },
  { name: 'ssh', port: 22, protocols: tcp, aliases: [] },
  { name: 'telnet', port: 23, protocols: tcp, aliases: [] },
  { name: 'smtp', port: 25, protocols: tcp, aliases: ['mail'] },
  { name: 'time', port: 37, protocols: both, aliases: ['timserver'] },
  { name: 'domain', port: 53, protocols: both, aliases: [] },
  { name: 'bootps', port: 67, protocols: udp, aliases: ['dhcps'] },
  { name: 'bootpc', port: 68, protocols: udp, aliases: ['dhcpc'] },
  { name: 'tftp', port: 69, protocols: udp, aliases: [] },
  { name: 'gopher', port: 70, protocols: tcp, aliases: [] },
  { name: 'finger', port: 79, protocols: tcp, aliases: [] },
  { name: 'http', port: 80, protocols: tcp, aliases: ['www', 'www-http'] },
  { name: 'kerberos', port: 88, protocols: both, aliases: ['krb5'] },
  { name: 'pop3', port: 110, protocols: tcp, aliases: [] },
  { name: 'sunrpc', port: 111, protocols: both, aliases: ['rpcbind', 'portmap'] },
  { name: 'nntp', port: 119, protocols: tcp, aliases: ['usenet'] },
  { name: 'ntp', port: 123, protocols: udp, aliases: [] },
  { name: 'imap', port: 143, protocols: tcp, aliases: ['imap4'] },
  { name: 'snmp', port: 161, protocols: udp, aliases: [] },
  { name: 'irc', port: 194, protocols: tcp, aliases: [] },
  { name: 'ldap', port: 389, protocols: tcp, aliases: [] },
  { name: 'https', port: 443, protocols: both, aliases: ['MCom'] },
  { name: 'microsoft-ds', port: 445, protocols: tcp, aliases: [] },
  { name: 'syslog', port: 514, protocols: udp, aliases: [] },
  { name: 'submission', port: 587, protocols: tcp, aliases: [] },
  { name: 'ldaps', port: 636, protocols: tcp, aliases: ['sldap'] },
  { name: 'imaps', port: 993, protocols: tcp, aliases: [] },
  { name: 'pop3s', port: 995, protocols: tcp, aliases: [] },
  { name: 'socks', port: 1080, protocols: tcp, aliases: [] },
  { name: 'ms-sql-s', port: 1433, protocols: tcp, aliases: [] },
  { name: 'mysql', port: 3306, protocols: tcp, aliases: [] },
  { name: 'ms-wbt-server', port: 3389, protocols: tcp, aliases: [] },
  { name: 'postgresql', port: 5432, protocols: tcp, aliases: ['postgres'] },
  { name: 'ircd', port: 6667, protocols: tcp, aliases: [] },
  { name: 'http-alt', port: 8080, protocols: tcp, aliases: [] },
];

/** The service called `name` (or an alias), optionally for one protocol. Case-insensitive. */
export function serviceByName(name: string, proto?: 'tcp' | 'udp'): Service | undefined {
  const n = name.toLowerCase();
  return SERVICES.find(
    (s) => (s.name === n || s.aliases.some((a) => a.toLowerCase() === n)) && (!proto || s.protocols.includes(proto)),
  );
}

export function serviceByPort(port: number, proto?: 'tcp' | 'udp'): Service | undefined {
  return SERVICES.find((s) => s.port === port && (!proto || s.protocols.includes(proto)));
}

export interface ProtocolEntry {
  name: string;
  number: number;
  aliases: readonly string[];
}

/** Windows' etc\protocol, in its order: each name with its one alias, the capitalised name. */
export const PROTOCOLS: readonly ProtocolEntry[] = [
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

/** The protocol called `name` or one of its aliases, case-insensitively (Windows finds "TCP" and "Tcp"). */
export function protocolByName(name: string): ProtocolEntry | undefined {
  const n = name.toLowerCase();
  return PROTOCOLS.find((p) => p.name === n || p.aliases.some((a) => a.toLowerCase() === n));
}

export function protocolByNumber(number: number): ProtocolEntry | undefined {
  return PROTOCOLS.find((p) => p.number === number);
}
