import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TemplateRevision } from './template-revision.entity';
import { TemplateStore } from './template-store.service';
import { TemplateVersion } from './template-version.entity';

/** Owns message templates: the defaults in templates/, edited versions, rendering. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([TemplateVersion, TemplateRevision])],
  providers: [TemplateStore],
  exports: [TemplateStore],
})
export class TemplatesModule {}
