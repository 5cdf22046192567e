export {
  GmailStandin,
  SCOPE_DIRECTORY_USER,
  SCOPE_DIRECTORY_USER_READONLY,
  SCOPE_LABELS,
  SCOPE_MAIL,
  SCOPE_MODIFY,
  SCOPE_READONLY,
  type DeliverOptions,
  type DeliveredMessage,
  type GmailStandinOptions,
  type MailboxState,
  type MessageState,
  type StandinStats,
  type TokenInfo,
  type TokenInfoResolver,
} from './standin';
export { DEFAULT_UNIT_COSTS, type FaultPatch, type Faults, type StandinSettings, type StandinSettingsInput } from './config';
export {
  InMemoryNotificationPublisher,
  PubSubNotificationPublisher,
  encodeNotification,
  type NotificationPublisher,
  type PublishedNotification,
} from './notifications';
export { GoogleApiHttpError, StandinUsageError } from './errors';
export { SYSTEM_LABELS, type LabelState, type MailboxFlags } from './mailbox';
