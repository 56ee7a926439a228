/**
 * vitest's default order runs the projects of a group one after another, by name: in the
 * end-to-end group that put `packaging` (about a minute of npm install, tsc, Vite and Chromium)
 * last, alone, after everything else had finished. This order starts the few long files first
 * (longest-processing-time first), so they overlap the many short ones; within the rest it keeps
 * vitest's own order (failed first, then longest by the last run's cache, then largest).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Projects whose single file runs far longer than any other, longest first. */
const LONG_PROJECTS = ['packaging', 'bench-smoke', 'demo'];

const rank = (spec: TestSpecification): number => {
  const i = LONG_PROJECTS.indexOf(spec.project.name);
  return i === -1 ? LONG_PROJECTS.length : i;
};

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, index) => ({ spec, index }))
      .sort(
        (a, b) =>
          a.spec.project.config.sequence.groupOrder - b.spec.project.config.sequence.groupOrder ||
          rank(a.spec) - rank(b.spec) ||
          a.index - b.index,
      )
      .map(({ spec }) => spec);
  }
}
