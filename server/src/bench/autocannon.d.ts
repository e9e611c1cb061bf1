// autocannon ships no types; this is the part of its API the benchmark uses.
declare module 'autocannon' {
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (req: Request) => Request;
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    /** Milliseconds between samples; a run of `amount` requests ends at a sample (default 1000). */
    sampleInt?: number;
    headers?: Record<string, string>;
    requests?: Request[];
    /** Requests per second across all connections (paced load; latency corrected for coordinated omission). */
    overallRate?: number;
  }
  export interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number };
    duration: number;
    errors: number;
    non2xx: number;
    '2xx': number;
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
