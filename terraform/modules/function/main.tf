# One Cloud Function (gen2) and its trigger, running as its own service account with only the
# grants given here: buckets, topics, secrets, the Cloud SQL instance, and who may invoke it.

locals {
  member = "serviceAccount:${google_service_account.function.email}"
  # Only the HTTP API is reachable from the internet; Pub/Sub push and Eventarc count as
  # internal traffic.
  ingress = var.trigger.type == "http" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"
  # The push account may invoke a pubsub-push function, whoever else var.invokers names.
  push_invoker = {
    for email in(var.push_delivery == null ? [] : [var.push_delivery.service_account_email]) :
    "pubsub_push" => "serviceAccount:${email}"
  }
  invokers = merge(var.invokers, local.push_invoker)
}

resource "google_service_account" "function" {
  project      = var.project_id
  account_id   = var.name
  display_name = "abtest ${var.entry_point} function"
}

resource "google_cloudfunctions2_function" "function" {
  project     = var.project_id
  name        = var.name
  location    = var.region
  description = var.description

  build_config {
    runtime         = var.runtime
    entry_point     = var.entry_point
    service_account = var.build_service_account

    source {
      storage_source {
        bucket = var.source_archive.bucket
        object = var.source_archive.object
      }
    }
  }

  service_config {
    available_memory                 = var.memory
    available_cpu                    = var.cpu
    timeout_seconds                  = var.timeout_seconds
    min_instance_count               = 0
    max_instance_count               = var.max_instances
    max_instance_request_concurrency = var.request_concurrency
    ingress_settings                 = local.ingress
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.function.email
    environment_variables            = merge(var.environment, var.extra_environment)

    dynamic "secret_environment_variables" {
      for_each = var.secret_environment
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value.secret
        version    = secret_environment_variables.value.version
      }
    }
  }

  dynamic "event_trigger" {
    for_each = var.trigger.type == "storage" ? [var.trigger] : []
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.storage.object.v1.finalized"
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = event_trigger.value.service_account_email

      event_filters {
        attribute = "bucket"
        value     = event_trigger.value.bucket
      }
    }
  }

  lifecycle {
    precondition {
      condition     = (var.trigger.type == "pubsub-push") == (length(var.push_subscriptions) > 0 && var.push_delivery != null)
      error_message = "A pubsub-push function needs push_subscriptions and push_delivery; other triggers take neither."
    }
  }

  # A revision whose account cannot read its secrets or reach the database fails to start.
  depends_on = [
    google_secret_manager_secret_iam_member.accessor,
    google_project_iam_member.cloudsql_client,
  ]
}

resource "google_project_iam_member" "cloudsql_client" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = local.member

  condition {
    title      = "${var.name} reaches ${var.database_instance} only"
    expression = "resource.name == \"projects/${var.project_id}/instances/${var.database_instance}\" && resource.service == \"sqladmin.googleapis.com\""
  }
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = var.secret_environment

  project   = var.project_id
  secret_id = each.value.secret
  role      = "roles/secretmanager.secretAccessor"
  member    = local.member
}

resource "google_storage_bucket_iam_member" "bucket" {
  for_each = { for index, grant in var.bucket_roles : tostring(index) => grant }

  bucket = each.value.bucket
  role   = each.value.role
  member = local.member
}

resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = toset(var.publishes_to)

  project = var.project_id
  topic   = each.value
  role    = "roles/pubsub.publisher"
  member  = local.member
}

resource "google_service_account_iam_member" "signs_urls" {
  count = var.sign_urls ? 1 : 0

  service_account_id = google_service_account.function.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.member
}

# Spans exported to Cloud Trace (shared/adapters/tracing/tracing-setup.ts) are written as the
# function's own account.
resource "google_project_iam_member" "trace_agent" {
  count = var.tracing == "cloud-trace" ? 1 : 0

  project = var.project_id
  role    = "roles/cloudtrace.agent"
  member  = local.member
}

resource "google_cloud_run_v2_service_iam_member" "invoker" {
  for_each = local.invokers

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.function.name
  role     = "roles/run.invoker"
  member   = each.value
}
