import { Injectable } from '@nestjs/common';
import type { SupportedLocale } from '../shared/notification.types';
import type { TemplateVariables } from './template-variables';

/** The variables a real send of this shipment's messages would use, for previews in the editor. */
export interface ShipmentPreviewSource {
  variables(
    trackingNumber: string,
    locale: SupportedLocale,
    channel: 'sms' | 'email',
  ): Promise<TemplateVariables>;
}

/**
 * Where the editor finds the variables of a real shipment. Notifications builds them for its sends and registers
 * its source here at start-up, so templates never imports the feature that depends on it.
 */
@Injectable()
export class ShipmentPreviews {
  private source: ShipmentPreviewSource | undefined;

  use(source: ShipmentPreviewSource): void {
    this.source = source;
  }

  get current(): ShipmentPreviewSource | undefined {
    return this.source;
  }
}
