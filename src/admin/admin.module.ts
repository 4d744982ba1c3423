import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { OrderSearchService } from './order-search.service';

/** Support tools: order search and the support pages under /admin. */
@Module({
  controllers: [AdminController],
  providers: [OrderSearchService],
})
export class AdminModule {}
