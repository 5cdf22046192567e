# Topics. The subscriptions that deliver them to the functions are NOT here: each
# onMessagePublished function gets an Eventarc push subscription (eventarc-<region>-...) that
# `firebase deploy` creates and deletes with the function. Declaring them here too would give
# two owners to one resource.

locals {
  topics = {
    gmail_notifications = var.topic_gmail_notifications
    scan_requests       = var.topic_scan_requests
    engine_completions  = var.topic_engine_completions
    watch_renewals      = var.topic_watch_renewals
  }

  # The Pub/Sub service agent forwards undeliverable messages to the dead-letter topic.
  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_topic" "pipeline" {
  for_each = local.topics

  project = var.project_id
  name    = each.value
  labels  = var.labels

  depends_on = [google_project_service.enabled]
}

# Gmail publishes every users.watch notification as this Google-owned account. Without this
# grant users.watch fails with "User not authorized to perform this action". Publisher on this
# one topic only: Gmail can then post notifications (mailbox address + history id, no content)
# and nothing else. An org policy restricting IAM members to your own domains (Domain
# Restricted Sharing) rejects this grant; docs/admin-guide.md explains the exception.
resource "google_pubsub_topic_iam_member" "gmail_push_publisher" {
  count = var.manage_gmail_push_grant ? 1 : 0

  project = var.project_id
  topic   = google_pubsub_topic.pipeline["gmail_notifications"].name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:gmail-api-push@system.gserviceaccount.com"
}

# ---------------------------------------------------------------------------------------------
# Dead letters. Pub/Sub moves a message here after max delivery attempts on a subscription
# whose dead-letter policy names this topic. The Eventarc subscriptions are created by firebase
# deploy, so their dead-letter policy is attached afterwards by scripts/attach-dead-letter.sh
# (it only matters for functions deployed with retry enabled). The inspection subscription
# keeps the messages so an operator can see what failed and replay it.
# ---------------------------------------------------------------------------------------------

resource "google_pubsub_topic" "dead_letter" {
  project = var.project_id
  name    = var.dead_letter_topic
  labels  = var.labels

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_subscription" "dead_letter_inspect" {
  project = var.project_id
  name    = var.dead_letter_subscription
  topic   = google_pubsub_topic.dead_letter.id
  labels  = var.labels

  ack_deadline_seconds       = 60
  message_retention_duration = var.dead_letter_retention
  retain_acked_messages      = false

  # Never expire for inactivity: it is read rarely, by hand.
  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub's own service agent publishes the dead letters; it needs publisher on this topic
# (and subscriber on each source subscription, which the script grants).
resource "google_pubsub_topic_iam_member" "dead_letter_pubsub_agent" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}
