// Step logging for the bootstrap: one prefix, elapsed seconds, so a CI log shows where time went.
const started = Date.now();

function elapsed() {
  return ((Date.now() - started) / 1000).toFixed(1).padStart(6);
}

/** Announces a step the user is waiting on. */
export function step(message) {
  console.log(`[ws2web ${elapsed()}s] ${message}`);
}

/** A problem the user must act on; printed to stderr so it survives `> /dev/null`. */
export function fail(message) {
  console.error(`[ws2web ${elapsed()}s] ERROR: ${message}`);
}
