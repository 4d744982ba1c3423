import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

export class ChatMessageDto {
  @ApiPropertyOptional({ description: 'Omit to start a conversation; an unknown id starts a new one.' })
  @IsOptional()
  @IsUUID('all', { message: 'sessionId must be a UUID' })
  sessionId?: string;

  @ApiProperty({ minLength: 1, maxLength: 1000 })
  @IsString()
  @Length(1, 1000, { message: 'message must be 1 to 1000 characters' })
  message: string;

  @ApiPropertyOptional({ example: 'en-GB', description: 'BCP 47 tag; replies in en, es, fr or de.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, {
    message: 'locale must be a BCP 47 tag such as en or es-MX',
  })
  locale?: string;
}
