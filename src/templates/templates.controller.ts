import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { Public, Roles } from '../auth/auth.decorators';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PageRenderer } from '../pages/page-renderer.service';
import { PreviewDto, PublishDto, RollbackDto, SaveDraftDto } from './templates.dto';
import { TemplatesService } from './templates.service';

const KEY = ':type/:channel/:locale';

/** Template editing API for support staff, and the browser editor that uses it. */
@ApiTags('templates')
@ApiBearerAuth()
@Controller()
@Roles('support')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly pages: PageRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('admin/templates')
  @Public()
  @ApiExcludeEndpoint()
  async editor(@Res() reply: FastifyReply): Promise<void> {
    // Public: the page holds no data; it asks for a key and every API call it makes is authenticated.
    await this.pages.send(
      reply,
      'support/templates',
      {
        title: 'Message templates · Wismo',
        section: 'templates',
        signIn: true,
        scripts: ['template-editor.js'],
        styles: ['editor.css'],
        bodyClass: 'editor-page',
        mainClass: 'editor-main',
        brand: this.config.brand.name,
      },
      { layout: 'support' },
    );
  }

  @Get('v1/templates')
  @ApiOperation({
    summary: 'Every template (type × channel × locale) and whether an edited version is in force',
  })
  list() {
    return this.templates.list();
  }

  @Post('v1/templates/preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Render unsaved text, a saved version or the effective template with sample or real data',
  })
  preview(@Body() dto: PreviewDto) {
    return this.templates.preview(dto);
  }

  @Get(`v1/templates/${KEY}`)
  @ApiOperation({ summary: 'One template: default and effective text, the draft, and its full history' })
  get(@Param('type') type: string, @Param('channel') channel: string, @Param('locale') locale: string) {
    return this.templates.get(this.templates.resolveKey(type, channel, locale));
  }

  @Put(`v1/templates/${KEY}/draft`)
  @ApiOperation({
    summary: 'Save (or replace) the draft; 400 validation_failed lists each problem with part, line, column',
  })
  saveDraft(
    @Param('type') type: string,
    @Param('channel') channel: string,
    @Param('locale') locale: string,
    @Body() dto: SaveDraftDto,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.templates.saveDraft(this.templates.resolveKey(type, channel, locale), dto, author(request));
  }

  @Post(`v1/templates/${KEY}/publish`)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Publish the draft (or a given version); the previous published version is archived',
  })
  publish(
    @Param('type') type: string,
    @Param('channel') channel: string,
    @Param('locale') locale: string,
    @Body() dto: PublishDto,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.templates.publish(this.templates.resolveKey(type, channel, locale), dto, author(request));
  }

  @Post(`v1/templates/${KEY}/rollback`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a new version with the text of an older one' })
  rollback(
    @Param('type') type: string,
    @Param('channel') channel: string,
    @Param('locale') locale: string,
    @Body() dto: RollbackDto,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.templates.rollback(this.templates.resolveKey(type, channel, locale), dto, author(request));
  }

  @Delete(`v1/templates/${KEY}/override`)
  @ApiOperation({ summary: 'Go back to the built-in default (the published version is archived)' })
  reset(@Param('type') type: string, @Param('channel') channel: string, @Param('locale') locale: string) {
    return this.templates.resetToDefault(this.templates.resolveKey(type, channel, locale));
  }
}

function author(request: AuthenticatedRequest): string {
  return request.apiKey?.label ?? 'unknown';
}
