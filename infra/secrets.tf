# Key mode only: the Secret Manager secret that will hold strata-dwd's JSON key.
#
# Terraform creates the container and its access grant, never a version: a key created or
# stored by Terraform would sit in plain text in the state file. The key is created with gcloud
# and stored with `firebase functions:secrets:set STRATA_DWD_KEY_JSON` (docs/deploy.md).
#
# The secret id equals the functions' secret parameter name, because Firebase binds
# defineSecret("STRATA_DWD_KEY_JSON") to the secret of that name. The firebase-managed label
# tells firebase-tools the secret is one of its own, so `secrets:set` adds a version without
# asking to relabel it (which would show up here as drift).

resource "google_secret_manager_secret" "dwd_key" {
  count = var.dwd_mode == "key" ? 1 : 0

  project   = var.project_id
  secret_id = var.dwd_key_secret_id
  labels    = merge(var.labels, { "firebase-managed" = "functions" })

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

# Read access to this one secret, for the runtime identity only. (firebase deploy also checks
# and, if missing, adds this binding for every function that declares the secret.)
resource "google_secret_manager_secret_iam_member" "runtime_reads_dwd_key" {
  count = var.dwd_mode == "key" ? 1 : 0

  project   = var.project_id
  secret_id = google_secret_manager_secret.dwd_key[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = local.runtime_member
}
