import type { FastifyInstance } from 'fastify';

const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

interface Series {
  count: number;
  sumMs: number;
  buckets: number[];
}

/** Request counters and latency histograms per route, kept in memory and written as Prometheus text. */
export function createHttpMetrics() {
  const series = new Map<string, Series>();
  return {
    observe(method: string, route: string, status: number, ms: number): void {
      const key = `${method}\u0000${route}\u0000${status}`;
      let s = series.get(key);
      if (!s) {
        s = { count: 0, sumMs: 0, buckets: BUCKETS_MS.map(() => 0) };
        series.set(key, s);
      }
      s.count++;
      s.sumMs += ms;
      BUCKETS_MS.forEach((b, i) => {
        if (ms <= b) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
      });
    },
    render(): string {
      const lines = [
        '# HELP baton_http_requests_total HTTP requests by method, route and status.',
        '# TYPE baton_http_requests_total counter',
      ];
      const hist = [
        '# HELP baton_http_request_duration_seconds HTTP request latency.',
        '# TYPE baton_http_request_duration_seconds histogram',
      ];
      for (const [key, s] of series) {
        const [method, route, status] = key.split('\u0000');
        const labels = `method="${method}",route="${escapeLabel(route ?? '')}",status="${status}"`;
        lines.push(`baton_http_requests_total{${labels}} ${s.count}`);
        BUCKETS_MS.forEach((b, i) => {
          hist.push(`baton_http_request_duration_seconds_bucket{${labels},le="${b / 1000}"} ${s.buckets[i]}`);
        });
        hist.push(`baton_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${s.count}`);
        hist.push(`baton_http_request_duration_seconds_sum{${labels}} ${s.sumMs / 1000}`);
        hist.push(`baton_http_request_duration_seconds_count{${labels}} ${s.count}`);
      }
      return [...lines, ...hist].join('\n');
    },
  };
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Process figures in the names Prometheus' own client libraries use. */
export function processMetrics(): string {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  return [
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${mem.rss}`,
    '# TYPE nodejs_heap_size_used_bytes gauge',
    `nodejs_heap_size_used_bytes ${mem.heapUsed}`,
    '# TYPE process_uptime_seconds gauge',
    `process_uptime_seconds ${process.uptime()}`,
  ].join('\n');
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;

/** Observes every answered request by its route pattern (never the raw URL, to bound cardinality). */
export function registerMetricsHook(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime);
  });
}
