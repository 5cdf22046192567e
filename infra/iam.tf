# Two identities, kept apart on purpose:
#
# * strata-runtime: what the functions run as. It holds the cloud permissions (Firestore,
#   Pub/Sub, the bucket) and nothing in Workspace.
# * strata-dwd: the identity the Workspace admin trusts with domain-wide delegation. It holds
#   no Google Cloud role at all. Its only power is the two OAuth scopes the admin grants to its
#   client id, and it can only be exercised by whoever may sign as it (keyless) or reads its
#   key (key mode).
#
# Every grant below says why it exists. Project-wide grants are used only where the resource
# does not exist when Terraform runs (Cloud Run services are created by firebase deploy) or the
# service has no finer grain that fits (Firestore, Logging).

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = var.runtime_service_account_id
  display_name = "Strata functions runtime"
  description  = "Identity of Strata's Cloud Functions. No Workspace access of its own."

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "dwd" {
  project      = var.project_id
  account_id   = var.dwd_service_account_id
  display_name = "Strata domain-wide delegation"
  description  = "OAuth client the Workspace admin authorises for gmail.modify and admin.directory.user.readonly. Holds no Google Cloud roles."

  depends_on = [google_project_service.enabled]
}

locals {
  runtime_member = "serviceAccount:${google_service_account.runtime.email}"
}

# --- Project-level grants for the runtime identity -------------------------------------------

# Firestore read/write (scans, mailboxes, engine results, audit). Server libraries bypass
# security rules, so this role is the access control. datastore.user cannot change indexes,
# TTL policies or the database itself.
resource "google_project_iam_member" "runtime_datastore_user" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = local.runtime_member
}

# Structured logs through the Cloud Logging API (stdout logging needs no role; the client
# library and error reporting do).
resource "google_project_iam_member" "runtime_log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = local.runtime_member
}

# Eventarc triggers run as the function's service account (firebase-tools copies the
# function's serviceAccount into eventTrigger.serviceAccountEmail), and Eventarc requires the
# trigger identity to hold eventReceiver. firebase deploy grants it only to the default
# Compute Engine service account, not to a custom one.
resource "google_project_iam_member" "runtime_event_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = local.runtime_member
}

# The Eventarc push subscriptions and the onSchedule jobs call the functions' Cloud Run
# services with an OIDC token of this identity, so it must be an invoker. The services are
# created later by firebase deploy (one per function, plus the ClamAV service), so the grant is
# project-wide; the project holds only Strata's services. In a shared project, replace this
# with per-service grants after deploying.
resource "google_project_iam_member" "runtime_run_invoker" {
  project = var.project_id
  role    = "roles/run.invoker"
  member  = local.runtime_member
}

# --- Resource-level grants for the runtime identity ------------------------------------------

# Publish on the pipeline topics only. The three internal topics carry the pipeline itself;
# the notification topic is included so the sweeper can replay a mailbox through the fan-out
# path when Gmail drops notifications. A forged notification does no harm: the fan-out reads
# from the cursor it stored, never from the pushed history id.
resource "google_pubsub_topic_iam_member" "runtime_publisher" {
  for_each = local.topics

  project = var.project_id
  topic   = google_pubsub_topic.pipeline[each.key].name
  role    = "roles/pubsub.publisher"
  member  = local.runtime_member
}

# Pull access to the dead-letter inspection subscription only (the sweeper may report its
# backlog; an operator may replay from it). The Eventarc push subscriptions need no
# subscriber role: Pub/Sub pushes to the functions.
resource "google_pubsub_subscription_iam_member" "runtime_dead_letter_subscriber" {
  project      = var.project_id
  subscription = google_pubsub_subscription.dead_letter_inspect.name
  role         = "roles/pubsub.subscriber"
  member       = local.runtime_member
}

# Keyless DWD: the functions call IAM Credentials signJwt on strata-dwd to sign the
# domain-wide-delegation assertion (iss = strata-dwd, sub = the mailbox). tokenCreator on this
# one service account, not on the project: the runtime can impersonate strata-dwd and no other
# account. In key mode the functions sign with the stored key instead, so no grant.
resource "google_service_account_iam_member" "runtime_signs_as_dwd" {
  count = var.dwd_mode == "keyless" ? 1 : 0

  service_account_id = google_service_account.dwd.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.runtime_member
}

# Deploying functions (and their Eventarc triggers and scheduler jobs) that run as
# strata-runtime requires iam.serviceAccounts.actAs on it. Granted on this account only.
resource "google_service_account_iam_member" "deployers_act_as_runtime" {
  for_each = toset(var.deployer_members)

  service_account_id = google_service_account.runtime.name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
}
