locals {
  dwd_scopes = [
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/admin.directory.user.readonly",
  ]
}

output "dwd_client_id" {
  description = "The OAuth client ID the Workspace super admin authorises under Manage Domain Wide Delegation (the numeric unique id of the DWD service account, not its email)."
  value       = google_service_account.dwd.unique_id
}

output "dwd_scopes" {
  description = "The OAuth scopes to enter with the client ID, comma-separated exactly as the Admin console expects."
  value       = join(",", local.dwd_scopes)
}

output "dwd_service_account_email" {
  description = "Value for STRATA_DWD_SERVICE_ACCOUNT."
  value       = google_service_account.dwd.email
}

output "runtime_service_account_email" {
  description = "The functions' runtime identity."
  value       = google_service_account.runtime.email
}

output "dwd_mode" {
  description = "Value for STRATA_DWD_MODE."
  value       = var.dwd_mode
}

output "dwd_key_secret" {
  description = "Key mode: the secret to fill with `firebase functions:secrets:set`. Null in keyless mode."
  value       = var.dwd_mode == "key" ? google_secret_manager_secret.dwd_key[0].id : null
}

output "topic_ids" {
  description = "Full topic names by role. gmail_notifications is the topicName for users.watch."
  value       = { for role, topic in google_pubsub_topic.pipeline : role => topic.id }
}

output "dead_letter_topic_id" {
  description = "Dead-letter topic (attach it with scripts/attach-dead-letter.sh after firebase deploy)."
  value       = google_pubsub_topic.dead_letter.id
}

output "dead_letter_subscription_id" {
  description = "Pull subscription for inspecting dead letters."
  value       = google_pubsub_subscription.dead_letter_inspect.id
}

output "blob_bucket" {
  description = "Value for STRATA_BLOB_BUCKET."
  value       = google_storage_bucket.blobs.name
}

output "firestore_database" {
  description = "Firestore database the functions use."
  value       = var.firestore_database
}

output "functions_env" {
  description = "Lines for functions/.env.<project>, from this configuration. Add STRATA_ADMIN_MAILBOX, STRATA_ORGANISATION_DOMAINS and STRATA_POLICY yourself (docs/deploy.md)."
  value = join("\n", [
    "STRATA_DWD_MODE=${var.dwd_mode}",
    "STRATA_DWD_SERVICE_ACCOUNT=${google_service_account.dwd.email}",
    "STRATA_BLOB_BUCKET=${google_storage_bucket.blobs.name}",
  ])
}
