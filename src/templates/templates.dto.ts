import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** Generous bounds: an email HTML template with inline styles runs to tens of kilobytes. */
const MAX_BODY = 200_000;
const MAX_NOTE = 500;

/**
 * Template text by part. SMS and chat use `body`; email uses `subject`, `html` and optionally `text`
 * (empty text = derived from the HTML). Which parts a channel needs is checked by the service.
 */
export class TemplatePartsDto {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY)
  body?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  subject?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY)
  html?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY)
  text?: string | null;
}

export class SaveDraftDto extends TemplatePartsDto {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE)
  note?: string;
}

export class PublishDto {
  @IsOptional()
  @IsUUID()
  versionId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE)
  note?: string;
}

export class RollbackDto {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version: number;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE)
  note?: string;
}

export class PreviewDto {
  @IsString()
  @MaxLength(60)
  type: string;

  @IsIn(['sms', 'email', 'chat'])
  channel: string;

  @IsString()
  @MaxLength(10)
  locale: string;

  /** A saved version (draft, published or archived) to render. */
  @IsOptional()
  @IsUUID()
  versionId?: string;

  /** Unsaved text from the editor; wins over versionId. Neither = the effective template. */
  @IsOptional()
  @ValidateNested()
  @Type(() => TemplatePartsDto)
  parts?: TemplatePartsDto;

  @IsOptional()
  @IsBoolean()
  sample?: boolean;

  /** Render with this real shipment's data instead of the sample. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9 _-]{1,100}$/, {
    message: 'trackingNumber must be 1-100 letters, digits, spaces, - or _',
  })
  trackingNumber?: string;
}
