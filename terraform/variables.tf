# Inputs of the abtest deployment. Every variable has a type and a description (CONVENTIONS
# "Terraform"); terraform.tfvars.example shows a filled-in set.

variable "project_id" {
  type        = string
  description = "The Google Cloud project to deploy into (its ID, not its number)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6-30 lower-case letters, digits and hyphens."
  }
}

variable "region" {
  type        = string
  description = "The region of the functions, buckets, Cloud SQL instance, Eventarc trigger and Scheduler job. The Cloud Storage trigger requires the raw bucket and the trigger in the same region."
  default     = "us-central1"
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every bucket, function, service account, subscription and secret name, so two deployments can share a project. Topics are not prefixed: their names are fixed by the code (shared/messages/topics.ts)."
  default     = "abtest"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,10}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-12 lower-case letters, digits and hyphens (service account ids are limited to 30 characters)."
  }
}

variable "alert_email" {
  type        = string
  description = "Who is told, by e-mail, when a message lands on the dead-letter topic (a stage failed five times in a row)."

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be an e-mail address."
  }
}

variable "rerun_schedule" {
  type        = string
  description = "Cron schedule of the Cloud Scheduler job that publishes {\"version\":1} to abtest.rerun, re-analysing every running experiment."
  default     = "0 */6 * * *"
}

variable "tick_schedule" {
  type        = string
  description = "Cron schedule of the Cloud Scheduler job that publishes {\"version\":1} to abtest.monitor.tick: a posterior snapshot per running experiment (Cloud Scheduler runs at most once a minute; ABTEST_TICK_SECONDS is abtest serve's own tick)."
  default     = "* * * * *"
}

variable "no_data_hours" {
  type        = number
  description = "ABTEST_NO_DATA_HOURS: a running experiment without an event for this many hours raises a no_data alert."
  default     = 24
}

variable "rerun_time_zone" {
  type        = string
  description = "Time zone of rerun_schedule (an IANA name)."
  default     = "Etc/UTC"
}

variable "function_source_dir" {
  type        = string
  description = "The folder zipped and deployed as every function's source: the output of `npm run package:functions`. Null means ../dist/function-source beside this configuration."
  default     = null
}

variable "runtime" {
  type        = string
  description = "The Cloud Functions runtime: Node 22 (Node 20 reached its end of life in April 2026), the Node cloudbuild.yaml tests on. The code needs Node >= 20.19 (package.json)."
  default     = "nodejs22"
}

variable "function_sizing" {
  type = map(object({
    memory              = string
    timeout_seconds     = number
    max_instances       = number
    request_concurrency = optional(number, 1)
    cpu                 = optional(string)
  }))
  description = <<-EOT
    Memory, timeout and maximum instances of each function, keyed by entry point. Placeholders
    until the benchmark (`npm run bench`) measures peak memory and time per batch: the four
    stages get 2 GiB and 540 s (the most an event-driven function may run; the push
    subscriptions' ack deadline is 600 s), the HTTP functions less. Minimum instances are always
    0. Sum of max_instances x database_pool_max must stay within database_max_connections.
    request_concurrency (default 1) and cpu (default: derived from memory) are optional.
  EOT
  default = {
    ingest       = { memory = "1Gi", timeout_seconds = 300, max_instances = 5 }
    ingestUpload = { memory = "2Gi", timeout_seconds = 540, max_instances = 3 }
    validate     = { memory = "2Gi", timeout_seconds = 540, max_instances = 3 }
    analyze      = { memory = "2Gi", timeout_seconds = 540, max_instances = 3 }
    train        = { memory = "2Gi", timeout_seconds = 540, max_instances = 3 }
    report       = { memory = "2Gi", timeout_seconds = 540, max_instances = 3 }
    results      = { memory = "1Gi", timeout_seconds = 60, max_instances = 5 }
    # One attempt per request, each mostly waiting on a receiver: several per instance, one
    # instance (its pool of database_pool_max connections is shared by its requests). The
    # timeout is ABTEST_WEBHOOK_TIMEOUT_SECONDS (at most 300) and a margin.
    webhooks = { memory = "512Mi", timeout_seconds = 330, max_instances = 1, request_concurrency = 8, cpu = "1" }
    # Reads one curated batch per message and updates its experiment's live state.
    monitor = { memory = "1Gi", timeout_seconds = 300, max_instances = 2 }
  }

  validation {
    condition = alltrue([
      for name in ["ingest", "ingestUpload", "validate", "analyze", "train", "report", "results", "webhooks", "monitor"] :
      contains(keys(var.function_sizing), name)
    ])
    error_message = "function_sizing needs an entry for ingest, ingestUpload, validate, analyze, train, report, results, webhooks and monitor."
  }

  validation {
    condition     = alltrue([for sizing in values(var.function_sizing) : sizing.timeout_seconds <= 540])
    error_message = "timeout_seconds is at most 540: the push subscriptions' ack deadline is 600 s."
  }
}

variable "database_tier" {
  type        = string
  description = "Cloud SQL machine type. db-g1-small (shared core, 1.7 GB) is the cheapest tier with room for the connections below; use a db-custom-* tier for production load."
  default     = "db-g1-small"
}

variable "database_version" {
  type        = string
  description = "Cloud SQL for PostgreSQL major version."
  default     = "POSTGRES_16"
}

variable "database_disk_gb" {
  type        = number
  description = "Initial SSD size of the Cloud SQL instance in GB; it grows automatically."
  default     = 10
}

variable "database_max_connections" {
  type        = number
  description = "The max_connections flag of the Cloud SQL instance."
  default     = 100
}

variable "database_pool_max" {
  type        = number
  description = "Connections one function instance may open (CLOUD_SQL_POOL_MAX). Each instance serves one request at a time."
  default     = 3
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to destroy the Cloud SQL instance and the non-empty buckets. Set to false, apply, then destroy (docs/deploy.md \"Tearing it down\")."
  default     = true
}

variable "http_auth" {
  type        = string
  description = "How the ingest and results endpoints authenticate callers: `token` (public URL, bearer token from Secret Manager, ABTEST_AUTH=token) or `iam` (Cloud Run IAM; only api_invokers may call, ABTEST_AUTH=iam)."
  default     = "token"

  validation {
    condition     = contains(["token", "iam"], var.http_auth)
    error_message = "http_auth is token or iam."
  }
}

variable "api_invokers" {
  type        = list(string)
  description = "IAM members (user:..., group:..., serviceAccount:...) allowed to call the ingest and results endpoints when http_auth is iam."
  default     = []
}

variable "api_token_names" {
  type        = list(string)
  default     = []
  description = "Names of extra API tokens (ABTEST_API_TOKENS): one random token per name is generated into Secret Manager, each may read and write, and the audit log names it (e.g. [\"ci\", \"checkout-team\"]). 1-64 letters, digits, '.', '_' or '-'; not api or read."

  validation {
    condition     = alltrue([for name in var.api_token_names : can(regex("^[A-Za-z0-9._-]{1,64}$", name)) && !contains(["api", "read"], name)])
    error_message = "Each name is 1-64 letters, digits, '.', '_' or '-', and not api or read (the names of ABTEST_API_TOKEN and ABTEST_API_READ_TOKEN)."
  }
}

variable "rate_limit_requests" {
  type        = number
  default     = 600
  description = "ABTEST_RATE_LIMIT_REQUESTS: requests per token per period on each instance of the HTTP functions (a token bucket); 0 switches limiting off. A token may reach max_instances times this."

  validation {
    condition     = var.rate_limit_requests >= 0 && floor(var.rate_limit_requests) == var.rate_limit_requests
    error_message = "rate_limit_requests is a whole number, 0 or more."
  }
}

variable "rate_limit_period_seconds" {
  type        = number
  default     = 60
  description = "ABTEST_RATE_LIMIT_PERIOD_SECONDS: the period over which rate_limit_requests refill."

  validation {
    condition     = var.rate_limit_period_seconds > 0 && var.rate_limit_period_seconds <= 86400
    error_message = "rate_limit_period_seconds is above 0 and at most 86400."
  }
}

variable "webhook_urls" {
  type        = list(string)
  description = "Webhooks called for every experiment on analysis.completed and report.ready (ABTEST_WEBHOOK_URLS), signed with the generated webhook secret."
  default     = []
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of every function: debug, info, warning or error."
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warning", "error"], var.log_level)
    error_message = "log_level is debug, info, warning or error."
  }
}

variable "raw_upload_retention_days" {
  type        = number
  description = "Days an object stays under uploads/ in the raw bucket. Ingest copies every upload to batches/<batch_id>/ first, so the upload itself is a spare copy."
  default     = 30
}

variable "rejection_retention_days" {
  type        = number
  description = "Days a rejections/<batch_id>.csv file stays in the raw bucket."
  default     = 90
}

variable "artifact_noncurrent_days" {
  type        = number
  description = "Days an overwritten report or model artifact (a noncurrent version) is kept."
  default     = 30
}

variable "enable_apis" {
  type        = bool
  description = "Enable the Google APIs the deployment uses (apis.tf). Turn off when a platform team enables them."
  default     = true
}

variable "tracing" {
  type        = string
  description = "Where the functions send their OpenTelemetry traces (ABTEST_TRACING): `cloud-trace` (each function's account gets roles/cloudtrace.agent) or `off`."
  default     = "cloud-trace"
  validation {
    condition     = contains(["cloud-trace", "off"], var.tracing)
    error_message = "tracing must be cloud-trace or off."
  }
}

variable "analysis_engine" {
  type        = string
  description = "Where the analyze function analyses (ABTEST_ENGINE): inprocess (default), duckdb (in the function, over the curated Parquet), bigquery (the BigLake table of terraform/warehouse.tf), or auto (bigquery for experiments whose curated bytes pass bigquery_threshold_bytes)."
  default     = "inprocess"
  validation {
    condition     = contains(["inprocess", "duckdb", "bigquery", "auto"], var.analysis_engine)
    error_message = "analysis_engine is one of inprocess, duckdb, bigquery, auto."
  }
}

variable "bigquery_location" {
  type        = string
  description = "Location of the BigQuery dataset and BigLake connection; it must contain the curated bucket's region (US for us-central1, EU for europe-west1, or that region itself)."
  default     = "US"
}

variable "bigquery_threshold_bytes" {
  type        = number
  description = "With analysis_engine = auto: experiments whose curated Parquet passes this many bytes are analysed on BigQuery (ABTEST_BIGQUERY_THRESHOLD_BYTES)."
  default     = 10737418240
}

variable "bigquery_max_bytes_billed" {
  type        = number
  description = "The most bytes one analysis query may bill; a query that would scan more fails unbilled (ABTEST_BIGQUERY_MAX_BYTES_BILLED)."
  default     = 107374182400
}
