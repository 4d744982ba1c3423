import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { PagesModule } from '../pages/pages.module';
import { MaintenanceRegistry } from '../queue/maintenance.registry';
import { JobName } from '../queue/queue.constants';
import { QueueModule } from '../queue/queue.module';
import { AnalyticsRefresher } from './analytics-refresh.service';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsPagesController } from './analytics-pages.controller';
import { AnalyticsService } from './analytics.service';
import { EstimateAccuracyController } from './estimate-accuracy.controller';
import { EstimateAccuracyService } from './estimate-accuracy.service';

/**
 * Owns the analytics tables (shipment facts and daily rollups): keeps them current from events, messages and
 * chats, and answers the analytics API. Reads other features' tables; writes only its own.
 */
@Module({
  imports: [QueueModule, MetricsModule, PagesModule],
  controllers: [AnalyticsController, AnalyticsPagesController, EstimateAccuracyController],
  providers: [AnalyticsService, AnalyticsRefresher, EstimateAccuracyService],
  exports: [AnalyticsService, AnalyticsRefresher],
})
export class AnalyticsModule implements OnModuleInit {
  constructor(
    private readonly registry: MaintenanceRegistry,
    private readonly refresher: AnalyticsRefresher,
    private readonly analytics: AnalyticsService,
    private readonly estimates: EstimateAccuracyService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      job: JobName.RefreshAnalytics,
      everyMs: this.config.analytics.refreshMs,
      run: () => this.refresher.refresh(),
    });
    // Hourly: it rolls closed days (a day closes a week after it ended) and rechecks the last 30 of them, which
    // change only with late scores. Run every minute, its 100–170 ms statement at 1,000,000 shipments ran beside
    // the webhooks for nothing.
    this.registry.register({
      job: JobName.RefreshEstimateAccuracy,
      everyMs: Math.max(this.config.analytics.refreshMs, 60 * 60_000),
      run: async () => void (await this.estimates.roll()),
    });
    // The headline rates over the last 28 days, read from the rollups when Prometheus scrapes.
    this.metrics.gauge(
      'wismo_delivery_rate',
      'Headline delivery rates of shipments first scanned in the last 28 days',
      ['rate'],
      async (gauge) => {
        const report = await this.analytics.delivery(this.analytics.range()).catch(() => null);
        if (!report) return;
        const rates = {
          on_time: report.onTimeRate,
          first_attempt: report.firstAttemptRate,
          exception: report.exceptionRate,
        };
        for (const [rate, value] of Object.entries(rates)) if (value !== null) gauge.set({ rate }, value);
      },
    );
  }
}
