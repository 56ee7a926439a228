/** fd_set and its macros, with C's argument order. */
import { FD_SETSIZE } from './constants.js';

export interface FdSet {
  fd_count: number;
  fd_array: number[];
}

/** FD_SET(fd, set): adds fd unless present or the set holds FD_SETSIZE sockets (as winsock2.h). */
export function FD_SET(fd: number, set: FdSet): void {
  for (let i = 0; i < set.fd_count; i++) if (set.fd_array[i] === fd) return;
  if (set.fd_count < FD_SETSIZE) {
    set.fd_array[set.fd_count] = fd;
    set.fd_count++;
  }
}

/** FD_CLR(fd, set): removes fd, keeping the order of the rest. */
export function FD_CLR(fd: number, set: FdSet): void {
  for (let i = 0; i < set.fd_count; i++) {
    if (set.fd_array[i] === fd) {
      set.fd_array.splice(i, 1);
      set.fd_count--;
      return;
    }
  }
}

/** FD_ISSET(fd, set): non-zero when fd is in the set (winsock2.h's __WSAFDIsSet). */
export function FD_ISSET(fd: number, set: FdSet): number {
  for (let i = 0; i < set.fd_count; i++) if (set.fd_array[i] === fd) return 1;
  return 0;
}

/** FD_ZERO(set). */
export function FD_ZERO(set: FdSet): void {
  set.fd_count = 0;
  set.fd_array.length = 0;
}

/** A new empty fd_set. */
export function fdSet(...fds: number[]): FdSet {
  const set: FdSet = { fd_count: 0, fd_array: [] };
  for (const fd of fds) FD_SET(fd, set);
  return set;
}
