/** The inbound policy, `listen: { … }` (docs/inbound.md): its options, and the schema of the relay's `listen` option. */
import { z } from 'zod';
import { int, list, port, strings, type OptionSpec } from './blocks.js';

export const LISTEN_OPTIONS = {
  addresses: {
    type: list(z.string(), 1),
    flags: [
      {
        name: 'listen-address',
        arg: '<addr>',
        group: 'inbound',
        help: 'a relay address pages may listen on (repeatable; 0.0.0.0 / ::\n= every interface); turns inbound on',
      },
    ],
  },
  ports: {
    type: z.union([port, z.array(port).readonly()]),
    default: 'ephemeral',
    flags: [
      {
        name: 'listen-ports',
        arg: '<spec>',
        group: 'inbound',
        help: 'local ports: 20000-20999, 7000, ephemeral (port 0 → OS-chosen),\ncomma-separated (default ephemeral); also governs UDP fixed ports',
      },
    ],
  },
  remotes: {
    type: strings,
    flags: [
      {
        name: 'listen-remote',
        arg: '<cidr>',
        group: 'inbound',
        help: 'only these peers may connect to a listener (repeatable; default any)',
      },
    ],
  },
  maxListeners: {
    type: int(1, 0xffff),
    default: 8,
    flags: [
      { name: 'max-listeners', arg: '<n>', group: 'inbound', help: 'listening sockets per page (default {default})' },
    ],
  },
  maxPending: {
    type: int(1, 0xffff),
    default: 64,
    flags: [
      {
        name: 'max-pending',
        arg: '<n>',
        group: 'inbound',
        help: 'unaccepted inbound connections per page (default {default})',
      },
    ],
  },
} as const satisfies Record<string, OptionSpec>;

export const listenSchema = z.object({
  addresses: LISTEN_OPTIONS.addresses.type,
  ports: LISTEN_OPTIONS.ports.type.optional(),
  remotes: LISTEN_OPTIONS.remotes.type.optional(),
  maxListeners: LISTEN_OPTIONS.maxListeners.type.optional(),
  maxPending: LISTEN_OPTIONS.maxPending.type.optional(),
});

/** `startRelay({ listen })`: the inbound policy. Omitted = no inbound at all. */
export type ListenOptions = z.input<typeof listenSchema>;
