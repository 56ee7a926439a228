#!/usr/bin/env node
// Medians over several bench runs: the figures of one loopback run on a shared 2-core machine
// move by ±30%, so docs/performance.md quotes the median of a few full runs.
//   node bench/summarize.mjs bench/results/latest.json bench/results/run-*.json
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/summarize.mjs <result.json>...');
  process.exit(2);
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};
const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));

console.log(`${runs.length} runs: ${runs.map((r) => r.date).join(', ')}\n`);
console.log('| case | path | median | runs |');
console.log('| --- | --- | ---: | --- |');
for (const name of Object.keys(runs[0].cases)) {
  for (const path of Object.keys(runs[0].cases[name].paths)) {
    const values = runs.map((r) => r.cases[name]?.paths[path]?.value);
    console.log(`| ${name} (${runs[0].cases[name].unit}) | ${path} | ${fmt(median(values))} | ${values.map((v) => (v === undefined ? '—' : fmt(v))).join(' / ')} |`);
  }
}
console.log('\n| target | bound | median | runs | holds (median) |');
console.log('| --- | --- | ---: | --- | --- |');
for (const t of runs[0].targets) {
  const values = runs.map((r) => r.targets.find((x) => x.name === t.name)?.measured);
  const m = median(values);
  const [op, bound] = t.bound.split(' ');
  const holds = op === '≥' ? m >= Number(bound) : m <= Number(bound);
  console.log(`| ${t.name} | ${t.bound} | ${fmt(m)} | ${values.map((v) => (v === undefined ? '—' : fmt(v))).join(' / ')} | ${holds ? 'yes' : 'no'} |`);
}

const contextNames = [...new Set(runs.flatMap((r) => (r.context ?? []).map((c) => c.name)))];
if (contextNames.length) {
  console.log('\n| context | median | runs |');
  console.log('| --- | ---: | --- |');
  for (const name of contextNames) {
    const values = runs.map((r) => r.context?.find((c) => c.name === name)?.measured);
    console.log(`| ${name} | ${fmt(median(values))} | ${values.map((v) => (v === undefined ? '—' : fmt(v))).join(' / ')} |`);
  }
}
