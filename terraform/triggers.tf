# What the Cloud Storage trigger of ingestUpload needs: Cloud Storage's service agent publishes
# the bucket's events to Eventarc's Pub/Sub transport, and Eventarc delivers them as a
# dedicated account that may invoke ingestUpload only.

data "google_storage_project_service_account" "gcs" {
  project = var.project_id

  depends_on = [google_project_service.enabled]
}

resource "google_project_iam_member" "gcs_pubsub_publisher" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_service_account" "eventarc" {
  account_id   = "${var.name_prefix}-eventarc"
  display_name = "abtest Eventarc delivery (invokes ingestUpload)"

  depends_on = [google_project_service.enabled]
}

resource "google_project_iam_member" "eventarc_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.eventarc.email}"
}
