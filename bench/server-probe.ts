/**
 * Loaded into a benchmarked server process (`node --import tsx --import ./bench/server-probe.ts
 * server/main.ts`, spawned with an IPC channel): on 'probe:start' it starts measuring the
 * process's own event-loop delay, peak RSS (sampled every 50 ms) and CPU time; on 'probe:stop'
 * it sends them back. The server's code is not touched. Without an IPC channel it does nothing.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProbeResult {
  loopDelayMs: { max: number; p99: number; mean: number };
  rssPeakBytes: number;
  rssBytes: number;
  /** CPU time (user + system) of this process while measuring, per wall second: 1 = one core. */
  cores: number;
}

const send = process.send?.bind(process);
if (send) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let rssPeak = 0;
  let cpu = process.cpuUsage();
  let from = performance.now();
  const sample = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 50);
  sample.unref();
  process.on('message', (message: unknown) => {
    if (message === 'probe:start') {
      histogram.reset();
      histogram.enable();
      rssPeak = process.memoryUsage.rss();
      cpu = process.cpuUsage();
      from = performance.now();
    } else if (message === 'probe:stop') {
      histogram.disable();
      const used = process.cpuUsage(cpu);
      const result: ProbeResult = {
        loopDelayMs: { max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, mean: histogram.mean / 1e6 },
        rssPeakBytes: Math.max(rssPeak, process.memoryUsage.rss()),
        rssBytes: process.memoryUsage.rss(),
        cores: (used.user + used.system) / 1000 / (performance.now() - from),
      };
      send({ probe: result });
    }
  });
  // The channel alone does not keep the server alive (its listening socket does).
  process.channel?.unref();
}
