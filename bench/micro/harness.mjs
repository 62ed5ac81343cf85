/**
 * A tiny timing loop for micro-benchmarks: warm up, then run batches until a time budget is
 * spent and report the median ns/op. Good enough to judge a change in seconds; use the load
 * benchmark (bench/run.mjs) for end-to-end numbers.
 */
export async function measure(name, fn, { batch = 2000, budgetMs = 1500 } = {}) {
  for (let i = 0; i < batch; i++) await fn();
  const samples = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(`${name.padEnd(48)} ${median.toFixed(0).padStart(8)} ns/op  ${(1e9 / median).toFixed(0).padStart(10)} op/s`);
  return median;
}
