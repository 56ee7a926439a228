// The command line for Debian's headless Chromium everywhere the project starts it (vitest's
// browser projects, the demo check, the bench): one list, so no launch forgets a flag.
//
// This machine has no network but loopback, and no test may send anything elsewhere — not even a
// DNS query. --disable-background-networking and friends are not enough: Chromium still asked the
// system resolver for accounts.google.com, update.googleapis.com and content-autofill.googleapis.com
// (seen with tcpdump during `npm test`). --host-resolver-rules answers every name but localhost (and the loopback literals, which the rules would otherwise match) with
// "not found" inside Chromium, so no query leaves it; pages reach 127.0.0.1 / ::1 by address.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--no-pings',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE [::1]',
];
