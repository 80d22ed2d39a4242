# The Google APIs the deployment uses. Enabled here so one `terraform apply` works on a fresh
# project; destroying the configuration leaves them enabled (disable_on_destroy = false).
locals {
  apis = toset([
    "artifactregistry.googleapis.com",   # function images
    "bigquery.googleapis.com",           # the warehouse engine (terraform/warehouse.tf)
    "bigqueryconnection.googleapis.com", # its BigLake connection
    "cloudbuild.googleapis.com",         # function builds
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "cloudtrace.googleapis.com", # traces of the chain (ABTEST_TRACING=cloud-trace)
    "eventarc.googleapis.com",   # the Cloud Storage trigger
    "iam.googleapis.com",
    "iamcredentials.googleapis.com", # signed download and upload URLs (signBlob), OIDC tokens for push
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com", # gen2 functions are Cloud Run services
    "secretmanager.googleapis.com",
    "sqladmin.googleapis.com", # the Cloud SQL connector asks it for certificates
    "storage.googleapis.com",
  ])
}

resource "google_project_service" "enabled" {
  for_each = var.enable_apis ? local.apis : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
