import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Roles } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { NotificationsService } from './notifications.service';
import { CHANNELS, NOTIFICATION_STATUSES, NOTIFICATION_TYPES } from '../shared/notification.types';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () => new AppException('bad_request', 'id must be a UUID'),
});

export class NotificationQueryDto {
  @IsOptional() @IsString() orderId?: string;
  @IsOptional() @IsString() shipmentId?: string;
  @IsOptional() @IsString() customerId?: string;
  @IsOptional() @IsIn(NOTIFICATION_STATUSES) status?: string;
  @IsOptional() @IsIn(NOTIFICATION_TYPES) type?: string;
  @IsOptional() @IsIn(CHANNELS) channel?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

export class PreferenceDto {
  @IsIn([...NOTIFICATION_TYPES, '*']) type: string;
  @IsIn([...CHANNELS, '*']) channel: string;
  @IsBoolean() enabled: boolean;
}

export class PreferencesDto {
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PreferenceDto)
  preferences: PreferenceDto[];
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('notifications')
  @Roles('support')
  @ApiOperation({ summary: 'Notifications, newest first; orderId is the store order id (externalId)' })
  list(@Query() query: NotificationQueryDto) {
    return this.notifications.list(query);
  }

  @Get('notifications/:id')
  @Roles('support')
  @ApiOperation({ summary: 'One notification with its rendered content and every attempt' })
  get(@Param('id', uuid) id: string) {
    return this.notifications.detail(id);
  }

  @Post('notifications/:id/resend')
  @HttpCode(202)
  @Roles('support')
  @ApiOperation({ summary: 'Send the same message again now (a new notification pointing at the original)' })
  resend(@Param('id', uuid) id: string) {
    return this.notifications.resend(id);
  }

  @Put('customers/:id/preferences')
  @Roles('support', 'integration')
  @ApiOperation({ summary: 'Opt a customer out of (or back into) a type and channel; `*` matches all' })
  preferences(@Param('id', uuid) id: string, @Body() body: PreferencesDto) {
    return this.notifications.setPreferences(id, body.preferences);
  }

  @Get('customers/:id/preferences')
  @Roles('support', 'integration')
  getPreferences(@Param('id', uuid) id: string) {
    return this.notifications.preferences(id);
  }
}
