import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VIEW_SOURCES, type ViewSource } from '../links/tracking-link';

/** How often a process writes the views it counted since the last time. */
export const VIEW_FLUSH_INTERVAL_MS = 1000;

const UPSERT = `
INSERT INTO tracking_page_views (shipment_id, source, day, views)
SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::date[], $4::int[])
ON CONFLICT (shipment_id, source, day) DO UPDATE SET views = tracking_page_views.views + EXCLUDED.views`;

/**
 * Tracking-page views, counted in memory and written once a second in one multi-row upsert, so no page view
 * waits on a write: at 200 views/s of one parcel, an upsert per view queued every page behind the last one's
 * row lock and commit. Each process writes its own counts and adds them to the row, so several API processes
 * count correctly together. Counts not yet written are written at shutdown; a failed write keeps them for the
 * next one. Readers (the analytics refresh) see a view within about a second.
 */
@Injectable()
export class TrackingPageViews implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(TrackingPageViews.name);
  /** Views not written yet, by `shipmentId|source|day`. */
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;

  constructor(private readonly db: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), VIEW_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** One more view of this shipment from this source (unknown sources count as a bare link), today in UTC. */
  count(shipmentId: string, source: string | undefined, now = new Date()): void {
    const from: ViewSource = (VIEW_SOURCES as readonly string[]).includes(source ?? '')
      ? (source as ViewSource)
      : 'link';
    const key = `${shipmentId}|${from}|${now.toISOString().slice(0, 10)}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  /** Writes what was counted so far; resolves once written (or kept for the next try after a failure). */
  async flush(): Promise<void> {
    // One write at a time: a slow one is followed by the next, never overlapped by it.
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    // In key order, so two processes writing the same rows lock them in the same order (no deadlock).
    const rows = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const columns: [string[], string[], string[], number[]] = [[], [], [], []];
    for (const [key, views] of rows) {
      const [shipmentId, source, day] = key.split('|');
      columns[0].push(shipmentId);
      columns[1].push(source);
      columns[2].push(day);
      columns[3].push(views);
    }
    try {
      await this.db.query(UPSERT, columns);
    } catch (err) {
      // Kept for the next flush: a database that is away for a while costs memory for one number per key.
      for (const [key, views] of batch) this.pending.set(key, (this.pending.get(key) ?? 0) + views);
      this.logger.warn(
        `Could not write ${rows.length} tracking-page view count(s), will retry: ${(err as Error).message}`,
      );
    }
  }

  /** HTTP is still open here (Nest closes it next): write what was counted while the database is there. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Views counted while HTTP drained; the database may already be closed (global modules stop first). */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.pending.size === 0) return;
    if (this.db.isInitialized) await this.flush();
    else this.logger.warn(`${this.pending.size} tracking-page view count(s) not written at shutdown`);
  }
}
