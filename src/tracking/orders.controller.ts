import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Roles } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { normaliseCarrier } from './carrier';
import { UpsertOrderDto } from './order.dto';
import { OrdersService, OrderView, ShipmentView } from './orders.service';
import { Shipment } from './shipment.entity';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly dataSource: DataSource,
  ) {}

  @Put('orders/:externalId')
  @Roles('integration')
  @ApiOperation({ summary: 'Create or update an order with its customer and shipments (idempotent)' })
  async upsert(
    @Param('externalId') externalId: string,
    @Body() body: UpsertOrderDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderView> {
    const { order, created } = await this.orders.upsert(externalId, body);
    void reply.status(created ? 201 : 200);
    return order;
  }

  @Get('orders/:externalId')
  @Roles('integration', 'support')
  @ApiOperation({
    summary: 'An order with its customer, shipments (events newest first) and notification timeline',
  })
  async get(@Param('externalId') externalId: string): Promise<OrderView> {
    const order = await this.orders.view(externalId);
    if (!order) throw AppException.notFound(`Order ${externalId}`);
    return order;
  }

  @Get('shipments/:id')
  @Roles('integration', 'support')
  @ApiOperation({ summary: 'One shipment with its events, newest first' })
  async shipment(
    @Param(
      'id',
      new ParseUUIDPipe({ exceptionFactory: () => new AppException('bad_request', 'id must be a UUID') }),
    )
    id: string,
  ): Promise<ShipmentView> {
    const shipment = await this.dataSource.getRepository(Shipment).findOneBy({ id });
    if (!shipment) throw AppException.notFound('Shipment');
    return (await this.orders.shipmentViews([shipment]))[0];
  }

  @Get('shipments')
  @Roles('integration', 'support')
  @ApiQuery({ name: 'trackingNumber', required: true })
  @ApiQuery({ name: 'carrier', required: false })
  @ApiOperation({ summary: 'Shipments with this tracking number (and carrier), each with its events' })
  async find(
    @Query('trackingNumber') trackingNumber?: string,
    @Query('carrier') carrier?: string,
  ): Promise<ShipmentView[]> {
    if (typeof trackingNumber !== 'string' || !trackingNumber.trim() || trackingNumber.length > 100) {
      throw AppException.validation([{ field: 'trackingNumber', message: 'is required (1-100 characters)' }]);
    }
    if (carrier !== undefined && (typeof carrier !== 'string' || carrier.length > 50)) {
      throw AppException.validation([{ field: 'carrier', message: 'must be at most 50 characters' }]);
    }
    const where = carrier
      ? { trackingNumber: trackingNumber.trim(), carrier: normaliseCarrier(carrier) }
      : { trackingNumber: trackingNumber.trim() };
    const shipments = await this.dataSource
      .getRepository(Shipment)
      .find({ where, order: { createdAt: 'ASC' } });
    return this.orders.shipmentViews(shipments);
  }
}
