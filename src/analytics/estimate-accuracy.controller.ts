import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { Roles } from '../auth/auth.decorators';
import { AnalyticsService } from './analytics.service';
import { EstimateAccuracyService } from './estimate-accuracy.service';

export class EstimatesQuery {
  @IsOptional() @IsString() from?: string;
  @IsOptional() @IsString() to?: string;
}

/** Estimated delivery accuracy and coverage per carrier: ours against the carrier's (docs/estimates.md). */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/analytics')
@Roles('support')
export class EstimateAccuracyController {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly accuracy: EstimateAccuracyService,
  ) {}

  @Get('estimates')
  @ApiOperation({
    summary:
      "Our first estimated window and the carrier's first ETA against the delivery day, per carrier, for shipments delivered in [from, to)",
  })
  estimates(@Query() q: EstimatesQuery) {
    return this.accuracy.report(this.analytics.range(q.from, q.to));
  }
}
