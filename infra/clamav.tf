# ClamAV for the clamav engine: clamd as its own Cloud Run service.
#
# Cloud Run carries only HTTP, so the image (infra/clamav/) runs clamd next to a small HTTP
# gateway (gateway.js) and freshclam, which keeps the official databases current and makes
# clamd reload them. The service:
#   * has internal ingress: only requests that reach it through a VPC network of this project
#     are accepted, never the internet;
#   * requires IAM: only the runtime identity may invoke it (the engine sends the identity's ID
#     token, engine config `auth: "google-id-token"`);
#   * keeps its CPU between requests (freshclam runs in the background) and at least one
#     instance warm (loading the databases takes a minute).
#
# The scanClamav function reaches it through Direct VPC egress on the subnet below with all
# traffic routed into the VPC (Private Google Access keeps Firestore, Pub/Sub and Storage
# reachable). That is a function option, set in functions/src/index.ts; see docs/engines/clamav.md.
#
# Only the Artifact Registry repository (empty, free) exists before `clamd_image` names a built
# image (infra/clamav/Dockerfile); everything else is created once it does.

variable "clamd_image" {
  description = "Container image of the clamd service, built from infra/clamav/ and pushed to the `strata` repository (e.g. us-central1-docker.pkg.dev/PROJECT/strata/clamd:20260105). null: no clamd service, network or grants are created."
  type        = string
  default     = null
}

variable "clamd_service_name" {
  description = "Name of the clamd Cloud Run service."
  type        = string
  default     = "strata-clamd"
}

variable "clamd_min_instances" {
  description = "Instances kept warm. At least 1: a cold instance needs about a minute to load the official databases, and freshclam only updates a running one."
  type        = number
  default     = 1
}

variable "clamd_max_instances" {
  description = "Upper bound on clamd instances."
  type        = number
  default     = 3
}

variable "clamd_cpu" {
  description = "vCPUs per clamd instance."
  type        = string
  default     = "2"
}

variable "clamd_memory" {
  description = "Memory per clamd instance. The official databases take about 1.2 GiB loaded and twice that while a reload swaps them (ConcurrentDatabaseReload), plus scan buffers and /tmp (in memory on Cloud Run)."
  type        = string
  default     = "4Gi"
}

variable "clamd_concurrency" {
  description = "Requests (streams) one instance handles at once; keep equal to MaxThreads in infra/clamav/clamd.conf."
  type        = number
  default     = 8
}

variable "clamd_private_mirror" {
  description = "Optional mirror of the ClamAV databases you run yourself (cvdupdate); empty: the official CDN (database.clamav.net)."
  type        = string
  default     = ""
}

variable "vpc_network_name" {
  description = "VPC network the functions egress into to reach internal-ingress services."
  type        = string
  default     = "strata-vpc"
}

variable "vpc_subnet_name" {
  description = "Subnet for the functions' Direct VPC egress (name used in functions/src/index.ts)."
  type        = string
  default     = "strata-functions"
}

variable "vpc_subnet_cidr" {
  description = "Range of the egress subnet. Direct VPC egress uses about two addresses per function instance: /24 serves about 100 instances of the functions that use it."
  type        = string
  default     = "10.8.0.0/24"
}

locals {
  clamd_enabled = var.clamd_image != null
}

resource "google_project_service" "compute" {
  count = local.clamd_enabled ? 1 : 0

  project                    = var.project_id
  service                    = "compute.googleapis.com"
  disable_on_destroy         = false
  disable_dependent_services = false
}

resource "google_artifact_registry_repository" "strata" {
  project       = var.project_id
  location      = var.region
  repository_id = "strata"
  format        = "DOCKER"
  description   = "Strata container images (clamd service)."
  labels        = var.labels

  depends_on = [google_project_service.enabled]
}

resource "google_compute_network" "strata" {
  count = local.clamd_enabled ? 1 : 0

  project                 = var.project_id
  name                    = var.vpc_network_name
  auto_create_subnetworks = false
  description             = "Egress network of Strata's functions, so they can reach internal-ingress Cloud Run services (clamd)."

  depends_on = [google_project_service.compute]
}

resource "google_compute_subnetwork" "functions" {
  count = local.clamd_enabled ? 1 : 0

  project       = var.project_id
  name          = var.vpc_subnet_name
  region        = var.region
  network       = google_compute_network.strata[0].id
  ip_cidr_range = var.vpc_subnet_cidr
  # Functions that send all traffic into the VPC still reach Google APIs (Firestore, Pub/Sub,
  # Storage, IAM Credentials) without external addresses or Cloud NAT.
  private_ip_google_access = true
}

# clamd's own identity: it needs no Google Cloud permission (logs go to stdout).
resource "google_service_account" "clamd" {
  count = local.clamd_enabled ? 1 : 0

  project      = var.project_id
  account_id   = "strata-clamd"
  display_name = "Strata clamd service"
  description  = "Identity of the clamd Cloud Run service. Holds no roles."

  depends_on = [google_project_service.enabled]
}

resource "google_cloud_run_v2_service" "clamd" {
  count = local.clamd_enabled ? 1 : 0

  project  = var.project_id
  name     = var.clamd_service_name
  location = var.region
  labels   = var.labels
  ingress  = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  # Stateless: nothing is lost by deleting it.
  deletion_protection = false

  template {
    service_account                  = google_service_account.clamd[0].email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    max_instance_request_concurrency = var.clamd_concurrency
    timeout                          = "120s"

    scaling {
      min_instance_count = var.clamd_min_instances
      max_instance_count = var.clamd_max_instances
    }

    containers {
      image = var.clamd_image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = var.clamd_cpu
          memory = var.clamd_memory
        }
        # CPU stays allocated between requests: freshclam and clamd's reloads run in the background.
        cpu_idle          = false
        startup_cpu_boost = true
      }

      env {
        name  = "MAX_STREAM_BYTES"
        value = "26214400"
      }

      env {
        name  = "FRESHCLAM_PRIVATE_MIRROR"
        value = var.clamd_private_mirror
      }

      # Ready once clamd has loaded the databases and answers PING through the gateway.
      startup_probe {
        initial_delay_seconds = 10
        period_seconds        = 10
        timeout_seconds       = 5
        failure_threshold     = 30
        http_get {
          path = "/ping"
          port = 8080
        }
      }

      liveness_probe {
        period_seconds    = 30
        timeout_seconds   = 10
        failure_threshold = 3
        http_get {
          path = "/ping"
          port = 8080
        }
      }
    }
  }

  depends_on = [google_project_service.enabled]
}

# Only the functions' runtime identity may call clamd. (iam.tf also grants run.invoker on the
# project for the functions' own services; this grant keeps clamd reachable if that one is
# narrowed to per-service grants.)
resource "google_cloud_run_v2_service_iam_member" "clamd_runtime_invoker" {
  count = local.clamd_enabled ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.clamd[0].name
  role     = "roles/run.invoker"
  member   = local.runtime_member
}

output "container_repository" {
  description = "Artifact Registry repository for Strata's images (push the clamd image here)."
  value       = "${google_artifact_registry_repository.strata.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.strata.repository_id}"
}

output "clamd_url" {
  description = "URL of the clamd service (the clamav engine's `url`). Null without clamd_image."
  value       = local.clamd_enabled ? google_cloud_run_v2_service.clamd[0].uri : null
}

output "clamd_egress" {
  description = "Network and subnet for the scanClamav function's Direct VPC egress (networkInterface in functions/src/index.ts, with vpcEgress ALL_TRAFFIC)."
  value       = local.clamd_enabled ? { network = google_compute_network.strata[0].name, subnetwork = google_compute_subnetwork.functions[0].name } : null
}

output "clamav_engine_config" {
  description = "The clamav engine section for STRATA_PIPELINE_CONFIG's engineConfigs (JSON)."
  value       = local.clamd_enabled ? jsonencode({ clamav = { url = google_cloud_run_v2_service.clamd[0].uri, auth = "google-id-token" } }) : null
}
