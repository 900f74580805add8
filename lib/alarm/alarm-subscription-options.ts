/** Who an alarm's topic notifies: the subscriptions alarm options can add. */
export interface AlarmSubscriptionOptions {
  /**
   * Email addresses to subscribe to the topic the alarms notify.
   *
   * Each address receives a confirmation email from SNS and gets notifications only after confirming. Addresses are
   * de-duplicated (case-insensitively) per topic, so several alarms sharing a topic may list the same address.
   * Every subscription gets the topic's shared dead-letter queue, which keeps notifications SNS could not deliver.
   * Subscriptions are not possible on FIFO topics.
   *
   * @default - no email subscription
   */
  readonly emailSubscriptions?: string[];

  /**
   * HTTPS endpoints to subscribe to the topic the alarms notify (for instance a chat or paging webhook).
   *
   * Each URL must start with `https://`, and the endpoint must confirm the subscription that SNS posts to it.
   * De-duplicated per topic and given the topic's shared dead-letter queue, like `emailSubscriptions`.
   *
   * @default - no HTTPS subscription
   */
  readonly httpsSubscriptions?: string[];
}
