# The warehouse engine (issue 16, docs/scale.md): BigQuery reads the curated Parquet where it
# lies, through a BigLake external table over gs://<curated>/events/experiment_id=*/..., with
# Hive partitioning on experiment_id, so nothing is copied and one experiment's query reads one
# partition. The BigLake connection's own service account is the one identity that reads the
# curated bucket for BigQuery; the analyze function only runs query jobs and reads the table.
# Built whatever the engine (an unused dataset and connection cost nothing); the analyze
# function uses it when var.analysis_engine is bigquery, or auto past the threshold.

resource "google_bigquery_dataset" "analytics" {
  project       = var.project_id
  dataset_id    = replace("${var.name_prefix}_analytics", "-", "_")
  friendly_name = "abtest analytics"
  description   = "abtest: the BigLake table over the curated events the warehouse engine queries."
  location      = var.bigquery_location

  depends_on = [google_project_service.enabled]
}

resource "google_bigquery_connection" "curated" {
  project       = var.project_id
  connection_id = "${var.name_prefix}-curated"
  friendly_name = "abtest curated bucket"
  description   = "BigLake connection: BigQuery reads the curated Parquet as this connection's service account."
  location      = var.bigquery_location
  cloud_resource {}

  depends_on = [google_project_service.enabled]
}

# The connection's service account reads the curated objects, nothing else.
resource "google_storage_bucket_iam_member" "biglake_reads_curated" {
  bucket = google_storage_bucket.curated.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_bigquery_connection.curated.cloud_resource[0].service_account_id}"
}

resource "google_bigquery_table" "curated_events" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.analytics.dataset_id
  table_id            = "curated_events"
  description         = "The curated events (Parquet), one Hive partition per experiment_id."
  deletion_protection = false

  external_data_configuration {
    source_format = "PARQUET"
    autodetect    = true
    connection_id = google_bigquery_connection.curated.name
    source_uris   = ["gs://${google_storage_bucket.curated.name}/events/*"]

    hive_partitioning_options {
      mode                     = "CUSTOM"
      source_uri_prefix        = "gs://${google_storage_bucket.curated.name}/events/{experiment_id:STRING}"
      require_partition_filter = true
    }
  }

  depends_on = [google_storage_bucket_iam_member.biglake_reads_curated]
}

# The analyze function runs query jobs in the project and reads the dataset's table (a BigLake
# table needs no access to the bucket from whoever queries it).
resource "google_project_iam_member" "analyze_runs_bigquery_jobs" {
  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = "serviceAccount:${module.function["analyze"].service_account_email}"
}

resource "google_bigquery_dataset_iam_member" "analyze_reads_analytics" {
  project    = var.project_id
  dataset_id = google_bigquery_dataset.analytics.dataset_id
  role       = "roles/bigquery.dataViewer"
  member     = "serviceAccount:${module.function["analyze"].service_account_email}"
}

locals {
  # The analyze function's engine settings (shared/config/load-config.ts EngineSettings).
  warehouse_environment = {
    ABTEST_ENGINE                    = var.analysis_engine
    ABTEST_BIGQUERY_TABLE            = "${var.project_id}.${google_bigquery_dataset.analytics.dataset_id}.${google_bigquery_table.curated_events.table_id}"
    ABTEST_BIGQUERY_LOCATION         = var.bigquery_location
    ABTEST_BIGQUERY_THRESHOLD_BYTES  = var.bigquery_threshold_bytes
    ABTEST_BIGQUERY_MAX_BYTES_BILLED = var.bigquery_max_bytes_billed
  }
}
