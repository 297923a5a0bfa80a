// The part of autocannon's API the REST benchmark uses (the package ships no types).
declare module 'autocannon' {
  export interface Histogram { average: number; mean: number; stddev: number; min: number; max: number; p50: number; p90: number; p99: number; p99_9: number; p97_5: number; total?: number }
  export interface Result {
    duration: number; errors: number; timeouts: number; non2xx: number; resets: number;
    '2xx': number; '4xx': number; '5xx': number;
    latency: Histogram; requests: Histogram & { sent: number }; throughput: Histogram;
    statusCodeStats: Record<string, { count: number }>;
  }
  export interface RequestSpec {
    method?: string; path?: string; body?: string;
    setupRequest?(req: any, context: any): any;
    onResponse?(status: number, body: string, context: any, headers: Record<string, string>): void;
  }
  export interface Options {
    url: string; connections?: number; duration?: number; overallRate?: number; connectionRate?: number;
    pipelining?: number; timeout?: number; requests?: RequestSpec[]; ignoreCoordinatedOmission?: boolean;
    skipAggregateResult?: boolean; excludeErrorStats?: boolean;
  }
  export interface Instance { stop(): void }
  function autocannon(opts: Options, cb: (err: Error | null, result: Result) => void): Instance;
  namespace autocannon {
    function aggregateResult(results: unknown[], opts?: Partial<Options>): Result;
  }
  export default autocannon;
}
