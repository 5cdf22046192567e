# Firestore (native mode): scans, mailboxes, engine results, audit.
#
# Split of ownership:
# * here: the database and the TTL policies (retention is a security property, reviewed with
#   the rest of the infrastructure);
# * firebase deploy --only firestore: security rules (firestore.rules, deny-all for clients)
#   and composite indexes (firestore.indexes.json).
# firestore.indexes.json must repeat each TTL override below as
#   { "collectionGroup": "scans", "fieldPath": "expireAt", "ttl": true, "indexes": [] }
# so that firebase deploy sees nothing to change (it compares TTL and the index list).

resource "google_firestore_database" "main" {
  count = var.create_firestore_database ? 1 : 0

  project     = var.project_id
  name        = var.firestore_database
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  # The audit trail lives here: refuse deletion from the console or the API, and keep the
  # database when the Terraform configuration is destroyed.
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"

  depends_on = [google_project_service.enabled]
}

# TTL: Firestore deletes a document once its TTL field is in the past (typically within 24 h
# of that time). The functions set scans.expireAt when they create a scan.
# index_config {} removes the automatic single-field indexes on the field: nothing queries it,
# and an indexed, ever-increasing timestamp limits a collection to about 500 writes/s.
resource "google_firestore_field" "ttl" {
  for_each = var.ttl_fields

  project    = var.project_id
  database   = var.firestore_database
  collection = each.key
  field      = each.value

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_database.main, google_project_service.enabled]
}
