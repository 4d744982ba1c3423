import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Roles } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { SupportCasesService, SupportCaseView } from './support-cases.service';

/**
 * The support side of the cases shoppers raise on the tracking page, beside the order they concern
 * (GET /v1/orders/{externalId} is the tracking feature's; this feature adds its cases next to it rather than
 * making tracking read this feature's table).
 */
@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1')
export class SupportCasesController {
  constructor(
    private readonly cases: SupportCasesService,
    private readonly db: DataSource,
  ) {}

  @Get('orders/:externalId/cases')
  @Roles('integration', 'support')
  @ApiOperation({
    summary:
      'Support cases of an order from the tracking page (delivery instructions, problems), newest first',
  })
  async list(@Param('externalId') externalId: string): Promise<{ cases: SupportCaseView[] }> {
    const [order]: { id: string }[] = await this.db.query(`SELECT id FROM orders WHERE external_id = $1`, [
      externalId,
    ]);
    if (!order) throw AppException.notFound(`Order ${externalId}`);
    return { cases: await this.cases.forOrder(order.id) };
  }
}
