import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { PagesModule } from '../pages/pages.module';
import { AdminController } from './admin.controller';
import { OrderSearchService } from './order-search.service';

/** Support tools: order search and the support pages under /admin. */
@Module({
  imports: [PagesModule, ChannelsModule],
  controllers: [AdminController],
  providers: [OrderSearchService],
})
export class AdminModule {}
