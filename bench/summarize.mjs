#!/usr/bin/env node
// Medians over several bench runs: the figures of one loopback run on a shared 2-core machine
// move by ±30%, so docs/performance.md quotes the median of a few full runs. Each row shows
// min / median / max over the runs and how many runs had it (the median of an even count is the
// mean of the two middle values, not the larger one).
//   node bench/summarize.mjs bench/results/latest.json bench/results/run-*.json
import { readFileSync } from 'node:fs';
import { median } from './lib/stats.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/summarize.mjs <result.json>...');
  process.exit(2);
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const fmt = (v) =>
  v === undefined || Number.isNaN(v)
    ? '—'
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 10
        ? v.toFixed(1)
        : v.toFixed(3);
const numbers = (values) => values.filter((v) => typeof v === 'number' && !Number.isNaN(v));
/** "median (min–max, n of N)" cells for one row of values, one per file. */
function cells(values) {
  const kept = numbers(values);
  const spread = kept.length ? `${fmt(Math.min(...kept))}–${fmt(Math.max(...kept))}` : '—';
  return {
    m: median(kept),
    text: `${fmt(median(kept))} | ${spread} | ${kept.length} of ${values.length} | ${values.map(fmt).join(' / ')}`,
  };
}

console.log(`${runs.length} runs: ${runs.map((r) => r.date).join(', ')}`);
console.log(
  'Within a run, each figure is already the median of its own runs (see `statistic` / `settings.repeat` in each file).\n',
);
console.log('| case | path | median of runs | min–max | runs | each run |');
console.log('| --- | --- | ---: | --- | --- | --- |');
const caseNames = [...new Set(runs.flatMap((r) => Object.keys(r.cases)))];
for (const name of caseNames) {
  const first = runs.find((r) => r.cases[name]).cases[name];
  const pathNames = [...new Set(runs.flatMap((r) => Object.keys(r.cases[name]?.paths ?? {})))];
  for (const path of pathNames) {
    console.log(
      `| ${name} (${first.unit}) | ${path} | ${cells(runs.map((r) => r.cases[name]?.paths[path]?.value)).text} |`,
    );
  }
}
console.log('\n| target | bound | median of runs | min–max | runs | each run | holds (median) |');
console.log('| --- | --- | ---: | --- | --- | --- | --- |');
const targetNames = [...new Set(runs.flatMap((r) => (r.targets ?? []).map((t) => t.name)))];
for (const name of targetNames) {
  const t = runs.flatMap((r) => r.targets ?? []).find((x) => x.name === name);
  const c = cells(runs.map((r) => r.targets?.find((x) => x.name === name)?.measured));
  const [op, bound] = t.bound.split(' ');
  const holds = op === '≥' ? c.m >= Number(bound) : c.m <= Number(bound);
  console.log(`| ${name} | ${t.bound} | ${c.text} | ${holds ? 'yes' : 'no'} |`);
}

const contextNames = [...new Set(runs.flatMap((r) => (r.context ?? []).map((c) => c.name)))];
if (contextNames.length) {
  console.log('\n| context | median of runs | min–max | runs | each run |');
  console.log('| --- | ---: | --- | --- | --- |');
  for (const name of contextNames) {
    console.log(`| ${name} | ${cells(runs.map((r) => r.context?.find((c) => c.name === name)?.measured)).text} |`);
  }
}
