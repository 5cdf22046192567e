# Strata's Google Cloud foundation. Terraform owns the long-lived, security-relevant resources
# (APIs, topics, service accounts, IAM, bucket, Firestore database and TTL, the key secret's
# container). Everything that changes with the code is deployed by `firebase deploy`: the
# functions, their Eventarc subscriptions, their Cloud Scheduler jobs, Firestore rules and
# composite indexes. See README.md for the split and why.

terraform {
  # 1.5: `import` blocks, which the README uses for an existing Firestore database.
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  # State holds no secret material (no key, no secret version), but it does name every
  # resource and grant. For a team, keep it in a bucket you control, e.g.:
  # backend "gcs" {
  #   bucket = "my-terraform-state"
  #   prefix = "strata"
  # }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
