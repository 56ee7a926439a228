/**
 * Well-known services (a subset of Windows' %SystemRoot%\System32\drivers\etc\services), for
 * getaddrinfo service names, getservbyname/getservbyport and getnameinfo. The page has no
 * services file; this table is it.
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
