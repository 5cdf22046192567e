# APIs Strata's deployment uses. Enabling is idempotent; disabling on destroy is off because
# other workloads in the project may use the same APIs, and disabling Firestore or Storage
# would not give their data back anyway.

locals {
  apis = {
    # Gmail: history, raw message get, modify/trash, labels, users.watch/stop.
    "gmail.googleapis.com" = "Gmail API"
    # Admin SDK Directory: users.list, read-only, to enrol the domain's mailboxes.
    "admin.googleapis.com" = "Admin SDK (Directory)"
    # IAM Credentials: signJwt for keyless domain-wide delegation.
    "iamcredentials.googleapis.com" = "IAM Service Account Credentials"
    # IAM: the service accounts below.
    "iam.googleapis.com" = "Identity and Access Management"
    # Resource Manager: project IAM bindings and the project number lookup.
    "cloudresourcemanager.googleapis.com" = "Cloud Resource Manager"
    "pubsub.googleapis.com"               = "Pub/Sub"
    "firestore.googleapis.com"            = "Firestore"
    "storage.googleapis.com"              = "Cloud Storage"
    "secretmanager.googleapis.com"        = "Secret Manager (Firebase secret parameters need it even in keyless mode)"
    # Functions v2 = Cloud Functions + Cloud Run services + Eventarc triggers, built by
    # Cloud Build into Artifact Registry.
    "cloudfunctions.googleapis.com"   = "Cloud Functions"
    "run.googleapis.com"              = "Cloud Run"
    "eventarc.googleapis.com"         = "Eventarc"
    "cloudbuild.googleapis.com"       = "Cloud Build"
    "artifactregistry.googleapis.com" = "Artifact Registry"
    "cloudscheduler.googleapis.com"   = "Cloud Scheduler (jobs are created by firebase deploy from onSchedule; see scheduler.tf)"
    "logging.googleapis.com"          = "Cloud Logging"
    "firebaserules.googleapis.com"    = "Firebase Rules (firebase deploy --only firestore publishes firestore.rules)"
    "firebase.googleapis.com"         = "Firebase Management (the project must be a Firebase project for firebase deploy)"
  }
}

resource "google_project_service" "enabled" {
  for_each = local.apis

  project = var.project_id
  service = each.key

  disable_on_destroy         = false
  disable_dependent_services = false
}

# The project number names the Google-managed service agents (Pub/Sub's, below).
data "google_project" "this" {
  project_id = var.project_id

  depends_on = [google_project_service.enabled]
}
