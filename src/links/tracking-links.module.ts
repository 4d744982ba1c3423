import { Module } from '@nestjs/common';
import { TrackingLinks } from './tracking-links.service';

/** Signed tracking-page links, importable by any feature that gives one out. */
@Module({ providers: [TrackingLinks], exports: [TrackingLinks] })
export class TrackingLinksModule {}
