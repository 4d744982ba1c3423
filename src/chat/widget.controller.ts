import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { demoPage } from './demo.page';
import { WIDGET_SCRIPT } from './widget.script';

/** Serves the embeddable widget and the demo store page that carries it. */
@ApiExcludeController()
@Controller()
export class WidgetController {
  private readonly demo: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.demo = demoPage(config.brand.name);
  }

  @Get('widget.js')
  @Public()
  @Header('content-type', 'application/javascript; charset=utf-8')
  // Store pages on other origins load the script; a short cache keeps updates flowing.
  @Header('cache-control', 'public, max-age=300')
  @Header('cross-origin-resource-policy', 'cross-origin')
  widget(): string {
    return WIDGET_SCRIPT;
  }

  @Get('demo')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return this.demo;
  }
}
