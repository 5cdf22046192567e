/** Publishing to a Pub/Sub topic, behind an interface so the core never holds a client. */
export interface MessageBus {
  publish(topic: string, message: object, attributes?: Record<string, string>): Promise<string>;
}

/** Topic names, configurable so several deployments can share a project. */
export interface Topics {
  gmailNotifications: string;
  scanRequests: string;
  engineCompletions: string;
  watchRenewals: string;
}

export const DEFAULT_TOPICS: Topics = {
  gmailNotifications: 'strata-gmail-notifications',
  scanRequests: 'strata-scan-requests',
  engineCompletions: 'strata-engine-completions',
  watchRenewals: 'strata-watch-renewals',
};
