output "ingest_url" {
  description = "POST events files here (plus /v1/ingest/events, or the bare URL), and events as they happen (/v1/events, /v1/events/batch), with the bearer token."
  value       = module.function["ingest"].url
}

output "results_url" {
  description = "The results API: experiments and their lifecycle, assignment, summaries, reports, /metrics, /docs."
  value       = module.function["results"].url
}

output "raw_bucket" {
  description = "Drop events files under uploads/ (and definitions under definitions/) of this bucket."
  value       = google_storage_bucket.raw.name
}

output "curated_bucket" {
  description = "Curated Parquet, by experiment and batch."
  value       = google_storage_bucket.curated.name
}

output "artifacts_bucket" {
  description = "Reports and model artifacts."
  value       = google_storage_bucket.artifacts.name
}

output "api_token_secret" {
  description = "Secret Manager secret holding the API bearer token: gcloud secrets versions access latest --secret=<this>."
  value       = google_secret_manager_secret.api_token.secret_id
}

output "api_tokens_secret" {
  description = "Secret Manager secret holding the named tokens of var.api_token_names, as name:token pairs (ABTEST_API_TOKENS): gcloud secrets versions access latest --secret=<this>."
  value       = google_secret_manager_secret.api_tokens.secret_id
}

output "database_instance" {
  description = "Cloud SQL instance connection name (project:region:instance)."
  value       = google_sql_database_instance.main.connection_name
}

output "dead_letter_subscription" {
  description = "Pull subscription holding the messages that failed five deliveries."
  value       = google_pubsub_subscription.dead_letter.name
}
