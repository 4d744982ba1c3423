import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TemplateRevision } from './template-revision.entity';
import { TemplateStore } from './template-store.service';
import { TemplateVersion } from './template-version.entity';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/** Owns message templates: the defaults in templates/, edited versions, rendering, and the editor. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([TemplateVersion, TemplateRevision])],
  controllers: [TemplatesController],
  providers: [TemplateStore, TemplatesService],
  exports: [TemplateStore],
})
export class TemplatesModule {}
