import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IANAZone } from 'luxon';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

/** Zones already checked: luxon builds an Intl.DateTimeFormat for every check (about 0.5 ms per order). */
const zoneValidity = new Map<string, boolean>();

@ValidatorConstraint({ name: 'ianaTimeZone' })
class IanaTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length > 64) return false;
    let valid = zoneValidity.get(value);
    if (valid === undefined) {
      valid = IANAZone.isValidZone(value);
      // Bounded: the spellings a client can make up are endless (luxon ignores case), the real zones about 600.
      if (zoneValidity.size < 2000) zoneValidity.set(value, valid);
    }
    return valid;
  }
  defaultMessage(): string {
    return 'must be an IANA time zone such as America/New_York';
  }
}

@ValidatorConstraint({ name: 'bcp47' })
class Bcp47Locale implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value)) return false;
    try {
      return Intl.getCanonicalLocales(value).length === 1;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'must be a BCP 47 language tag such as en, es-MX or fr-CA';
  }
}

export class CustomerDto {
  @ApiProperty({ example: 'Ana García' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'ana@example.com' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '+34 612 345 678', description: 'Any format; stored in E.164' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ example: 'es-ES', default: 'en' })
  @IsOptional()
  @Validate(Bcp47Locale)
  locale?: string;

  @ApiPropertyOptional({ example: 'Europe/Madrid', default: 'UTC' })
  @IsOptional()
  @Validate(IanaTimeZone)
  timeZone?: string;

  @ApiPropertyOptional({
    example: 'ES',
    description: 'ISO 3166-1 alpha-2; also the default region for the phone number',
  })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as US' })
  country?: string;

  @ApiPropertyOptional({
    example: '28013',
    description: 'Delivery postcode; lets the shopper verify in chat',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postcode?: string;
}

export class ShipmentRefDto {
  @ApiProperty({ example: 'UPS' })
  @IsString()
  @Length(1, 50)
  carrier: string;

  @ApiProperty({ example: '1Z999AA10123456784' })
  @IsString()
  @Length(4, 100)
  @Matches(/^[A-Za-z0-9 -]+$/, {
    message: 'trackingNumber may contain letters, digits, spaces and dashes only',
  })
  trackingNumber: string;
}

export class UpsertOrderDto {
  @ApiProperty({ type: CustomerDto })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer: CustomerDto;

  @ApiPropertyOptional({ example: '2026-12-02', description: 'Calendar date promised at checkout' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'promisedDate must be a date such as 2026-12-02' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'promisedDate must be a date such as 2026-12-02' })
  promisedDate?: string;

  @ApiProperty({ type: [ShipmentRefDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ShipmentRefDto)
  shipments: ShipmentRefDto[];
}
