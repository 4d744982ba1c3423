/**
 * Who answers an inbound SMS that is not a keyword (STOP, START, HELP): the chat registers one with
 * `ChannelHooks.answerInboundSms` at start-up; without one, texts get a short acknowledgement.
 */
export interface InboundSmsHandler {
  /** The reply text for a message from `phone` (E.164). Called with the customer's own words. */
  reply(phone: string, text: string): Promise<string>;
}
