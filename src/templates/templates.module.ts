import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PagesModule } from '../pages/pages.module';
import { ShipmentPreviews } from './shipment-previews';
import { TemplateRevision } from './template-revision.entity';
import { TemplateSandbox } from './template-sandbox';
import { TemplateStore } from './template-store.service';
import { TemplateVersion } from './template-version.entity';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/**
 * Owns message templates: the defaults in templates/, edited versions, rendering, and the editor. Depends on no
 * feature: notifications imports it to render, and registers the real-shipment preview source (ShipmentPreviews).
 */
@Module({
  imports: [TypeOrmModule.forFeature([TemplateVersion, TemplateRevision]), PagesModule],
  controllers: [TemplatesController],
  providers: [TemplateStore, TemplatesService, ShipmentPreviews, TemplateSandbox],
  exports: [TemplateStore, ShipmentPreviews],
})
export class TemplatesModule {}
