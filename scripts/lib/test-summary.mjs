// Turns vitest's JSON report into one plain closing line ("N passed, N failed, N skipped") so a
// CI log reader that does not know vitest's own summary still sees what ran.
import { readFileSync } from 'node:fs';

/**
 * @returns {{ line: string, failed: number } | null} the summary line and the failed-test count,
 *   or null when the report is missing or unreadable
 */
export function summarizeVitestJson(path) {
  let report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return {
    line: `vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
    failed: report.numFailedTests,
  };
}
