import { Module } from '@nestjs/common';
import { DeliveryEstimates } from './delivery-estimates.service';
import { ScanGaps } from './scan-gaps.service';

/**
 * Owns the delivery-date model (issue 20): one trained DeliveryEstimates per process, shared by webhook intake
 * (which stores each shipment's window) and the pages that show it. Reads shipments and analytics' facts by name;
 * writes nothing itself. Also the usual gaps between scans per lane (ScanGaps), for the stalled check.
 */
@Module({
  providers: [DeliveryEstimates, ScanGaps],
  exports: [DeliveryEstimates, ScanGaps],
})
export class PredictionsModule {}
