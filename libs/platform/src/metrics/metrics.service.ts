import { Inject, Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';
import type { PlatformOptions } from '../platform.options';
import { PLATFORM_OPTIONS } from '../platform.tokens';

/** Request durations in seconds, as Prometheus expects; fine-grained below 100 ms where APIs live. */
export const httpDurationBucketsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The app's Prometheus registry: default process metrics, HTTP request durations, and the
 * counters and histograms app code registers through `counter()` / `histogram()` / `gauge()`.
 * One registry per app (not prom-client's global one), so tests can start two apps in one process.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'route' | 'method' | 'status_code'>;

  constructor(@Inject(PLATFORM_OPTIONS) options: PlatformOptions) {
    const labels: Record<string, string> = { app: options.app };
    if (options.operatorId !== undefined) labels.operator = options.operatorId;
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry });
    this.httpRequestDuration = this.histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route, method and status code',
      labelNames: ['route', 'method', 'status_code'],
      buckets: httpDurationBucketsSeconds,
    });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return new Counter<L>({ ...config, registers: [this.registry] });
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return new Gauge<L>({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return new Histogram<L>({ ...config, registers: [this.registry] });
  }

  /** The exposition text served at GET /metrics. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
