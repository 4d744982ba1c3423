/**
 * Who answers an inbound SMS that is not a keyword (STOP, START, HELP): the chat service provides it.
 * Provide it from a @Global() module that exports the token, e.g.
 * `{ provide: INBOUND_SMS_HANDLER, useExisting: ChatSmsHandler }`; without one, texts get a short acknowledgement.
 */
export const INBOUND_SMS_HANDLER = Symbol('INBOUND_SMS_HANDLER');

export interface InboundSmsHandler {
  /** The reply text for a message from `phone` (E.164). Called with the customer's own words. */
  reply(phone: string, text: string): Promise<string>;
}
