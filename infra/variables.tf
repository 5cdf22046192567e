# ---------------------------------------------------------------------------------------------
# Project and locations
# ---------------------------------------------------------------------------------------------

variable "project_id" {
  description = "Google Cloud project that hosts Strata. The Gmail notification topic must live in this project: Gmail refuses a watch whose topic is in another project than the delegated service account's."
  type        = string
}

variable "region" {
  description = "Region of the functions (must equal the region set in functions/src/index.ts) and default location of the blob bucket."
  type        = string
  default     = "us-central1"
}

variable "firestore_location" {
  description = "Firestore location (multi-region such as nam5 / eur3, or a region). Fixed once the database exists."
  type        = string
  default     = "nam5"
}

variable "firestore_database" {
  description = "Firestore database id. The functions use the (default) database."
  type        = string
  default     = "(default)"
}

variable "create_firestore_database" {
  description = "Create the Firestore database. Set false when it already exists and you do not want to import it (README: Existing Firestore database); the TTL policy is still managed."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels put on the resources that take them (bucket, topics, subscription, secret)."
  type        = map(string)
  default     = { app = "strata" }
}

# ---------------------------------------------------------------------------------------------
# Pub/Sub. The defaults are the names the functions use (functions/src/pipeline/bus.ts,
# DEFAULT_TOPICS). Change them only together with the functions' configuration.
# ---------------------------------------------------------------------------------------------

variable "topic_gmail_notifications" {
  description = "Topic Gmail publishes users.watch notifications to (as gmail-api-push@system.gserviceaccount.com)."
  type        = string
  default     = "strata-gmail-notifications"
}

variable "topic_scan_requests" {
  description = "Topic the fan-out publishes one scan request per new message on; every engine function subscribes."
  type        = string
  default     = "strata-scan-requests"
}

variable "topic_engine_completions" {
  description = "Topic engine functions publish their completions on; the aggregator subscribes."
  type        = string
  default     = "strata-engine-completions"
}

variable "topic_watch_renewals" {
  description = "Topic the sweeper fans watch renewals out on, one message per mailbox."
  type        = string
  default     = "strata-watch-renewals"
}

variable "dead_letter_topic" {
  description = "Dead-letter topic for events the functions could not process after their retries."
  type        = string
  default     = "strata-dead-letter"
}

variable "dead_letter_subscription" {
  description = "Pull subscription on the dead-letter topic, for inspection (nothing consumes it automatically)."
  type        = string
  default     = "strata-dead-letter-inspect"
}

variable "dead_letter_retention" {
  description = "How long undelivered messages stay on the dead-letter subscription (Pub/Sub duration, e.g. 604800s = 7 days)."
  type        = string
  default     = "604800s"
}

variable "manage_gmail_push_grant" {
  description = "Grant roles/pubsub.publisher on the notification topic to gmail-api-push@system.gserviceaccount.com. Set false only if an org policy (Domain Restricted Sharing) forces you to make that grant by hand; see docs/admin-guide.md."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------

variable "runtime_service_account_id" {
  description = "Account id of the functions' runtime identity. The functions must run as it (serviceAccount option 'strata-runtime@' in functions/src/index.ts)."
  type        = string
  default     = "strata-runtime"
}

variable "dwd_service_account_id" {
  description = "Account id of the domain-wide-delegation identity. Its numeric unique id is the OAuth client id the Workspace admin authorises."
  type        = string
  default     = "strata-dwd"
}

variable "dwd_mode" {
  description = "How the functions get Gmail tokens: \"keyless\" (the runtime identity signs JWTs as the DWD identity through IAM Credentials; no key exists) or \"key\" (a JSON key of the DWD identity in Secret Manager)."
  type        = string
  default     = "keyless"

  validation {
    condition     = contains(["keyless", "key"], var.dwd_mode)
    error_message = "dwd_mode must be \"keyless\" or \"key\"."
  }
}

variable "dwd_key_secret_id" {
  description = "Secret Manager secret that holds the DWD key in key mode. It must be named like the functions' secret parameter (defineSecret(\"STRATA_DWD_KEY_JSON\")), because Firebase maps a secret parameter to the secret of the same name."
  type        = string
  default     = "STRATA_DWD_KEY_JSON"
}

variable "deployer_members" {
  description = "Principals that run `firebase deploy` (e.g. [\"user:dev@example.com\", \"serviceAccount:ci@p.iam.gserviceaccount.com\"]). They get roles/iam.serviceAccountUser on the runtime identity only, which deploying functions that run as it requires. Their other deploy roles are not managed here."
  type        = list(string)
  default     = []
}

# ---------------------------------------------------------------------------------------------
# Blob storage (raw messages, serialised subjects, attachments; content-addressed)
# ---------------------------------------------------------------------------------------------

variable "blob_bucket_name" {
  description = "Name of the blob bucket (globally unique). Default: <project_id>-strata-blobs."
  type        = string
  default     = null
}

variable "blob_bucket_location" {
  description = "Location of the blob bucket. Default: the functions' region, so reads stay in-region."
  type        = string
  default     = null
}

variable "retention_days" {
  description = "Days after which blobs (mail bodies and attachments) are deleted by the bucket lifecycle. Counted from the object's creation: content seen again later is not re-dated."
  type        = number
  default     = 30

  validation {
    condition     = var.retention_days >= 1 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of days, at least 1."
  }
}

variable "blob_soft_delete_seconds" {
  description = "Soft-delete window of the bucket. 0 (default) turns soft delete off so deleted mail content is really gone at the end of retention; Google's default would keep it 7 more days."
  type        = number
  default     = 0
}

variable "blob_bucket_force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its objects."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------------------------
# Firestore TTL
# ---------------------------------------------------------------------------------------------

variable "ttl_fields" {
  description = "Firestore TTL policies: collection group => timestamp field. Firestore allows one TTL field per collection group. firestore.indexes.json must declare the same overrides ({collectionGroup, fieldPath, ttl: true, indexes: []}), or `firebase deploy --only firestore` will see them as extra."
  type        = map(string)
  default     = { scans = "expireAt", fetchClaims = "expireAt", engines = "expireAt", engineCache = "expireAt" }
}
