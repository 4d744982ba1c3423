import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class OutboxQuery {
  @IsOptional()
  @IsIn(['sms', 'email'])
  channel?: 'sms' | 'email';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** The `nextBefore` of the previous page. */
  @IsOptional()
  @IsUUID()
  before?: string;
}
