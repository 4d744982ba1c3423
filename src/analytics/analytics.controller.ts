import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators';
import { reportToCsv } from './analytics-csv';
import {
  AnalyticsService,
  CHAT_GROUPS,
  MESSAGE_GROUPS,
  SHIPMENT_FILTERS,
  type ShipmentFilter,
} from './analytics.service';
import { DELIVERY_GROUPS, type DeliveryGroup } from './delivery-rollup';

const FORMATS = ['json', 'csv'] as const;

class RangeQuery {
  @IsOptional() @IsString() from?: string;
  @IsOptional() @IsString() to?: string;
  @IsOptional()
  @IsIn(FORMATS, { message: 'format must be json or csv' })
  format?: (typeof FORMATS)[number];
}

export class DeliveryQuery extends RangeQuery {
  @IsOptional()
  @IsIn(DELIVERY_GROUPS, { message: `groupBy must be one of ${DELIVERY_GROUPS.join(', ')}` })
  groupBy?: DeliveryGroup;

  @IsOptional() @IsString() @Length(1, 50) carrier?: string;
}

export class MessagesQuery extends RangeQuery {
  @IsOptional()
  @IsIn(MESSAGE_GROUPS, { message: `groupBy must be one of ${MESSAGE_GROUPS.join(', ')}` })
  groupBy?: (typeof MESSAGE_GROUPS)[number];
}

export class ChatQuery extends RangeQuery {
  @IsOptional()
  @IsIn(CHAT_GROUPS, { message: `groupBy must be one of ${CHAT_GROUPS.join(', ')}` })
  groupBy?: (typeof CHAT_GROUPS)[number];
}

export class ShipmentsQuery {
  @IsOptional() @IsString() from?: string;
  @IsOptional() @IsString() to?: string;
  @IsOptional()
  @IsIn(SHIPMENT_FILTERS, { message: `filter must be one of ${SHIPMENT_FILTERS.join(', ')}` })
  filter?: ShipmentFilter;
  @IsOptional() @IsString() @Length(1, 50) carrier?: string;
  @IsOptional() @IsString() @Length(0, 60) service?: string;
  @IsOptional() @IsString() @Length(0, 2) destinationCountry?: string;
  @IsOptional() @IsString() week?: string;
  @IsOptional() @IsString() @Length(1, 30) reason?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

/** Delivery, message and chat figures for support leads and analysts (definitions: docs/analytics.md). */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/analytics')
@Roles('support')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('delivery')
  @ApiOperation({
    summary:
      'On-time, first-attempt, transit and exception figures for shipments first scanned in [from, to)',
  })
  async delivery(@Query() q: DeliveryQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.analytics.delivery(this.analytics.range(q.from, q.to), q.groupBy, q.carrier);
    return this.answer(report, q.format, 'delivery', reply);
  }

  @Get('messages')
  @ApiOperation({ summary: 'Messages planned, sent, delivered, failed and opted out, by channel and type' })
  async messages(@Query() q: MessagesQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.analytics.messages(this.analytics.range(q.from, q.to), q.groupBy);
    return this.answer(report, q.format, 'messages', reply);
  }

  @Get('chat')
  @ApiOperation({ summary: 'Chat conversations, verification, containment and hand-offs' })
  async chat(@Query() q: ChatQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.analytics.chat(this.analytics.range(q.from, q.to), q.groupBy);
    return this.answer(report, q.format, 'chat', reply);
  }

  @Get('shipments')
  @ApiOperation({ summary: 'The shipments behind a delivery figure (drill-down)' })
  shipments(@Query() q: ShipmentsQuery) {
    const { from, to, filter, limit, offset, ...slice } = q;
    return this.analytics.shipments(
      this.analytics.range(from, to),
      filter ?? 'all',
      slice,
      limit ?? 100,
      offset ?? 0,
    );
  }

  private answer<T extends { groups: object[]; from: string; to: string }>(
    report: T,
    format: string | undefined,
    name: string,
    reply: FastifyReply,
  ): T | string {
    if (format !== 'csv') return report;
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="wismo-${name}-${report.from}-${report.to}.csv"`);
    return reportToCsv(report as unknown as Parameters<typeof reportToCsv>[0]);
  }
}
