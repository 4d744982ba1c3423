import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { ChatMessage } from './chat-message.entity';
import { ChatSession } from './chat-session.entity';

export interface TurnLine {
  text: string;
  intent: string | null;
  confidence: number | null;
  at: Date;
}

/**
 * Chat sessions and their transcripts in PostgreSQL. A turn is stored in one statement: the session row (inserted
 * on a conversation's first turn, updated after) and both transcript lines. A new conversation therefore costs
 * one round trip instead of five, which is most of a first turn's time (issue 18: p99 under 50 ms at 200/s
 * with a fresh session on every request).
 */
@Injectable()
export class ChatSessionStore {
  /** Sessions created in memory this turn and not stored yet. */
  private readonly unsaved = new WeakSet<ChatSession>();

  constructor(
    @InjectRepository(ChatSession) private readonly sessions: Repository<ChatSession>,
    @InjectRepository(ChatMessage) private readonly messages: Repository<ChatMessage>,
  ) {}

  /** A new conversation, in memory until `saveTurn` stores it with its first turn. */
  create(fields: Pick<ChatSession, 'channel' | 'phone' | 'locale'>): ChatSession {
    const now = new Date();
    const session = this.sessions.create({
      id: randomUUID(),
      ...fields,
      verifiedCustomerId: null,
      orderId: null,
      verifiedAt: null,
      context: {},
      lowConfidenceStreak: 0,
      handedOffAt: null,
      createdAt: now,
      updatedAt: now,
    });
    this.unsaved.add(session);
    return session;
  }

  /** The session row and the shopper's and the bot's lines of one turn, in one statement. */
  async saveTurn(session: ChatSession, shopper: TurnLine, bot: TurnLine): Promise<void> {
    session.updatedAt = bot.at;
    const columns = this.sessions.metadata.columns;
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const id = param(session.id);
    const value = (c: (typeof columns)[number]): unknown => {
      const v: unknown = c.getEntityValue(session);
      if (v === undefined) return null;
      return c.type === 'jsonb' || c.type === 'json' ? JSON.stringify(v) : v;
    };
    const isNew = this.unsaved.has(session);
    const rest = columns.filter((c) => c.propertyName !== 'id');
    const sessionSql = isNew
      ? `INSERT INTO chat_sessions ("id", ${rest.map((c) => `"${c.databaseName}"`).join(', ')}) ` +
        `VALUES (${id}, ${rest.map((c) => param(value(c))).join(', ')})`
      : `UPDATE chat_sessions SET ${rest
          .filter((c) => !c.isCreateDate)
          .map((c) => `"${c.databaseName}" = ${param(value(c))}`)
          .join(', ')} WHERE id = ${id}`;
    const line = (role: 'shopper' | 'bot', l: TurnLine) =>
      `(${id}, '${role}', ${param(l.text)}, ${param(l.intent)}, ${param(l.confidence)}, ${param(l.at)})`;
    await this.sessions.query(
      `WITH s AS (${sessionSql}) INSERT INTO chat_messages (session_id, role, text, intent, confidence, created_at) ` +
        `VALUES ${line('shopper', shopper)}, ${line('bot', bot)}`,
      params,
    );
    this.unsaved.delete(session);
  }

  /** The stored session and transcript. */
  async transcript(sessionId: string): Promise<{ session: ChatSession; messages: ChatMessage[] } | null> {
    const session = await this.sessions.findOneBy({ id: sessionId });
    if (!session) return null;
    const messages = await this.messages.find({
      where: { sessionId },
      order: { createdAt: 'ASC', role: 'DESC' },
    });
    return { session, messages };
  }
}
