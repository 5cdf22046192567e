# The blob bucket: raw messages, serialised scan subjects and attachment bytes, each stored
# under its SHA-256. It holds the content of your users' mail, so: no public access possible,
# IAM only (no object ACLs), one reader/writer (strata-runtime), and a hard retention limit.

locals {
  blob_bucket_name     = coalesce(var.blob_bucket_name, "${var.project_id}-strata-blobs")
  blob_bucket_location = upper(coalesce(var.blob_bucket_location, var.region))
}

resource "google_storage_bucket" "blobs" {
  project       = var.project_id
  name          = local.blob_bucket_name
  location      = local.blob_bucket_location
  storage_class = "STANDARD"
  labels        = var.labels
  force_destroy = var.blob_bucket_force_destroy

  # IAM decides everything; per-object ACLs cannot widen access.
  uniform_bucket_level_access = true
  # Even a mistaken allUsers/allAuthenticatedUsers grant is refused.
  public_access_prevention = "enforced"

  # Content-addressed objects are immutable: the same key always has the same bytes, so
  # versions would only keep deleted mail around longer.
  versioning {
    enabled = false
  }

  # Retention: mail content is deleted retention_days after the object was written. Gmail
  # still has the message; Strata keeps its copy only as long as scans and investigations need.
  lifecycle_rule {
    condition {
      age = var.retention_days
    }
    action {
      type = "Delete"
    }
  }

  # By default Cloud Storage keeps deleted objects 7 more days (soft delete). Off by default
  # here so "deleted after retention_days" is true.
  soft_delete_policy {
    retention_duration_seconds = var.blob_soft_delete_seconds
  }

  depends_on = [google_project_service.enabled]
}

# objectAdmin on this bucket only: create (put), read (get, verified against the hash), exists
# checks and delete (retention). No bucket-level or project-level storage role.
resource "google_storage_bucket_iam_member" "runtime_object_admin" {
  bucket = google_storage_bucket.blobs.name
  role   = "roles/storage.objectAdmin"
  member = local.runtime_member
}
