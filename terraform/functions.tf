# The functions, one module call per entry point registered in functions/*/index.ts. They share
# one source archive (source.tf) and the settings below; each runs as its own service account
# with the grants its code needs:
#
# | entry point  | trigger                          | buckets                                    |
# |--------------|----------------------------------|--------------------------------------------|
# | ingest       | HTTP POST /v1/ingest/events      | raw: create (batches/, never overwritten)  |
# | ingestUpload | GCS finalize, raw bucket         | raw: read uploads/ definitions/, create    |
# | validate     | push: abtest.batch.received      | raw: read, create rejections/; curated: rw |
# | analyze      | push: batch.validated, rerun     | curated: rw (events in, users table out)   |
# | train        | push: abtest.analysis.completed  | curated: read; artifacts: rw (models/)     |
# | report       | push: abtest.model.trained       | artifacts: rw (reports/)                   |
# | results      | HTTP GET /v1/experiments...      | artifacts: read, signed report URLs        |
#
# Publishing: every stage writes its messages to the outbox table and then flushes it, and a
# flush relays *every* unsent row, whichever stage wrote it (shared/adapters/event-bus/
# pubsub-bus.ts `flush`). So each function may publish to every topic the code enqueues on;
# what each one enqueues itself is listed in `enqueues` for the record (and the tests).

locals {
  # The settings loadConfig (shared/config/load-config.ts) needs on GCP, shared by every function.
  environment = {
    ABTEST_STORAGE          = "gcs"
    ABTEST_BUCKET_RAW       = google_storage_bucket.raw.name
    ABTEST_BUCKET_CURATED   = google_storage_bucket.curated.name
    ABTEST_BUCKET_ARTIFACTS = google_storage_bucket.artifacts.name
    ABTEST_BUS              = "pubsub"
    GOOGLE_CLOUD_PROJECT    = var.project_id
    ABTEST_DATA_DIR         = "/tmp/abtest"
    CLOUD_SQL_INSTANCE      = google_sql_database_instance.main.connection_name
    CLOUD_SQL_IP_TYPE       = "PUBLIC"
    CLOUD_SQL_POOL_MAX      = var.database_pool_max
    DB_USER                 = google_sql_user.app.name
    DB_NAME                 = google_sql_database.app.name
    LOG_LEVEL               = var.log_level
  }

  http_environment = {
    ABTEST_AUTH = var.http_auth
  }

  # Cloud Run refuses request bodies over 32 MiB: larger files go to the raw bucket's uploads/.
  ingest_environment = {
    ABTEST_AUTH             = var.http_auth
    ABTEST_MAX_UPLOAD_BYTES = "33554432"
  }

  webhook_environment = {
    ABTEST_WEBHOOK_URLS = join(",", var.webhook_urls)
  }

  # Topics the code enqueues on, by function (the enqueueMessage calls of shared/).
  enqueues = {
    ingest       = ["abtest.batch.received"]
    ingestUpload = ["abtest.batch.received", "abtest.rerun"]
    validate     = ["abtest.batch.validated"]
    analyze      = ["abtest.analysis.completed"]
    train        = ["abtest.model.trained"]
    report       = ["abtest.report.ready"]
    results      = ["abtest.rerun", "abtest.analysis.completed"]
  }

  # What any outbox flush may publish (see the header).
  outbox_topics = [
    "abtest.batch.received",
    "abtest.batch.validated",
    "abtest.analysis.completed",
    "abtest.model.trained",
    "abtest.report.ready",
    "abtest.rerun",
  ]

  source_archive = {
    bucket = google_storage_bucket.sources.name
    object = google_storage_bucket_object.function_source.name
  }

  http_invokers = var.http_auth == "token" ? tomap({ public = "allUsers" }) : tomap({ for member in var.api_invokers : member => member })
}

module "ingest" {
  source = "./modules/function"

  project_id            = var.project_id
  region                = var.region
  name_prefix           = var.name_prefix
  name                  = "${var.name_prefix}-ingest"
  description           = "POST /v1/ingest/events: an events file becomes a batch in the raw bucket."
  entry_point           = "ingest"
  runtime               = var.runtime
  source_archive        = local.source_archive
  build_service_account = google_service_account.build.id
  memory                = var.function_sizing["ingest"].memory
  timeout_seconds       = var.function_sizing["ingest"].timeout_seconds
  max_instances         = var.function_sizing["ingest"].max_instances
  trigger               = { type = "http" }
  environment           = local.environment
  extra_environment     = local.ingest_environment
  secret_environment = {
    DB_PASSWORD      = local.secrets.db_password
    ABTEST_API_TOKEN = local.secrets.api_token
  }
  invokers = local.http_invokers
  bucket_roles = [
    { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectCreator" },
  ]
  publishes_to      = local.outbox_topics
  database_instance = google_sql_database_instance.main.name

  depends_on = [google_pubsub_topic.chain]
}

module "ingest_upload" {
  source = "./modules/function"

  project_id            = var.project_id
  region                = var.region
  name_prefix           = var.name_prefix
  name                  = "${var.name_prefix}-ingest-upload"
  description           = "Finalized objects of the raw bucket: uploads/ become batches, definitions/ are stored; anything else is ignored."
  entry_point           = "ingestUpload"
  runtime               = var.runtime
  source_archive        = local.source_archive
  build_service_account = google_service_account.build.id
  memory                = var.function_sizing["ingestUpload"].memory
  timeout_seconds       = var.function_sizing["ingestUpload"].timeout_seconds
  max_instances         = var.function_sizing["ingestUpload"].max_instances
  # Eventarc cannot filter Cloud Storage events by prefix: the function is called for every
  # object of the raw bucket (its own batches/ and validate's rejections/ included) and ignores
  # what is not under uploads/ or definitions/ (shared/stages/ingest-object.ts).
  trigger = {
    type                  = "storage"
    bucket                = google_storage_bucket.raw.name
    service_account_email = google_service_account.eventarc.email
  }
  environment = local.environment
  secret_environment = {
    DB_PASSWORD = local.secrets.db_password
  }
  invokers = { eventarc = "serviceAccount:${google_service_account.eventarc.email}" }
  bucket_roles = [
    { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectViewer" },
    { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectCreator" },
  ]
  publishes_to      = local.outbox_topics
  database_instance = google_sql_database_instance.main.name

  depends_on = [
    google_pubsub_topic.chain,
    google_project_iam_member.gcs_pubsub_publisher,
    google_project_iam_member.eventarc_receiver,
  ]
}

module "validate" {
  source = "./modules/function"

  project_id            = var.project_id
  region                = var.region
  name_prefix           = var.name_prefix
  name                  = "${var.name_prefix}-validate"
  description           = "abtest.batch.received: validates a batch, writes curated Parquet and its rejections."
  entry_point           = "validate"
  runtime               = var.runtime
  source_archive        = local.source_archive
  build_service_account = google_service_account.build.id
  memory                = var.function_sizing["validate"].memory
  timeout_seconds       = var.function_sizing["validate"].timeout_seconds
  max_instances         = var.function_sizing["validate"].max_instances
  trigger               = { type = "pubsub-push" }
  environment           = local.environment
  secret_environment = {
    DB_PASSWORD = local.secrets.db_password
  }
  push_subscriptions = {
    validate = "abtest.batch.received"
  }
  push_delivery = local.push_delivery
  bucket_roles = [
    { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectViewer" },
    { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectCreator" },
    { bucket = google_storage_bucket.curated.name, role = "roles/storage.objectUser" },
  ]
  publishes_to      = local.outbox_topics
  database_instance = google_sql_database_instance.main.name

  depends_on = [google_pubsub_topic.chain, google_pubsub_topic_iam_member.dead_letter_publisher]
}

module "analyze" {
  source = "./modules/function"

  project_id            = var.project_id
  region                = var.region
  name_prefix           = var.name_prefix
  name                  = "${var.name_prefix}-analyze"
  description           = "abtest.batch.validated and abtest.rerun: analyses the experiments a batch touched, or every running one."
  entry_point           = "analyze"
  runtime               = var.runtime
  source_archive        = local.source_archive
  build_service_account = google_service_account.build.id
  memory                = var.function_sizing["analyze"].memory
  timeout_seconds       = var.function_sizing["analyze"].timeout_seconds
  max_instances         = var.function_sizing["analyze"].max_instances
  trigger               = { type = "pubsub-push" }
  environment           = local.environment
  extra_environment     = local.webhook_environment
  secret_environment = {
    DB_PASSWORD           = local.secrets.db_password
    ABTEST_WEBHOOK_SECRET = local.secrets.webhook_secret
  }
  push_subscriptions = {
    analyze       = "abtest.batch.validated"
    analyze-rerun = "abtest.rerun"
  }
  push_delivery = local.push_delivery
  bucket_roles = [
    { bucket = google_storage_bucket.curated.name, role = "roles/storage.objectUser" },
  ]
  publishes_to      = local.outbox_topics
  database_instance = google_sql_database_instance.main.name

  depends_on = [google_pubsub_topic.chain, google_pubsub_topic_iam_member.dead_letter_publisher]
}

module "train" {
  source = "./modules/function"

  project_id            = var.project_id
  region                = var.region
  name_prefix           = var.name_prefix
  name                  = "${var.name_prefix}-train"
  description           = "abtest.analysis.completed: fits the regression models, writes their artifacts."
  entry_point           = "train"
  runtime               = var.runtime
  source_archive        = local.source_archive
  build_service_account = google_service_account.build.id
  memory                = var.function_sizing["train"].memory
  timeout_seconds       = var.function_sizing["train"].timeout_seconds
  max_instances         = var.function_sizing["train"].max_instances
  trigger               = { type = "pubsub-push" }
  environment           = local.environment
  secret_environment = {
    DB_PASSWORD = local.secrets.db_password
  }
  push_subscriptions = {
    train = "abtest.analysis.completed"
  }
  push_delivery = local.push_delivery
  bucket_roles = [
    { bucket = google_storage_bucket.curated.name, role = "roles/storage.objectViewer" },
    { bucket = google_storage_bucket.artifacts.name, role = "roles/storage.objectUser" },
  ]
  publishes_to      = local.outbox_topics
  database_instance = google_sql_database_instance.main.name

  depends_on = [google_pubsub_topic.chain, google_pubsub_topic_iam_member.dead_letter_publisher]
}

module "report" {
  source = "./modules/function"

  project_id            = var.project_id
  region                = var.region
  name_prefix           = var.name_prefix
  name                  = "${var.name_prefix}-report"
  description           = "abtest.model.trained: renders the PDF and CSV reports, fires webhooks."
  entry_point           = "report"
  runtime               = var.runtime
  source_archive        = local.source_archive
  build_service_account = google_service_account.build.id
  memory                = var.function_sizing["report"].memory
  timeout_seconds       = var.function_sizing["report"].timeout_seconds
  max_instances         = var.function_sizing["report"].max_instances
  trigger               = { type = "pubsub-push" }
  environment           = local.environment
  extra_environment     = local.webhook_environment
  secret_environment = {
    DB_PASSWORD           = local.secrets.db_password
    ABTEST_WEBHOOK_SECRET = local.secrets.webhook_secret
  }
  push_subscriptions = {
    report = "abtest.model.trained"
  }
  push_delivery = local.push_delivery
  bucket_roles = [
    { bucket = google_storage_bucket.artifacts.name, role = "roles/storage.objectUser" },
  ]
  publishes_to      = local.outbox_topics
  database_instance = google_sql_database_instance.main.name

  depends_on = [google_pubsub_topic.chain, google_pubsub_topic_iam_member.dead_letter_publisher]
}

module "results" {
  source = "./modules/function"

  project_id            = var.project_id
  region                = var.region
  name_prefix           = var.name_prefix
  name                  = "${var.name_prefix}-results"
  description           = "The results API: experiments, summaries, reports, jobs, webhooks (docs/api.md)."
  entry_point           = "results"
  runtime               = var.runtime
  source_archive        = local.source_archive
  build_service_account = google_service_account.build.id
  memory                = var.function_sizing["results"].memory
  timeout_seconds       = var.function_sizing["results"].timeout_seconds
  max_instances         = var.function_sizing["results"].max_instances
  trigger               = { type = "http" }
  environment           = local.environment
  extra_environment     = merge(local.http_environment, local.webhook_environment)
  secret_environment = {
    DB_PASSWORD           = local.secrets.db_password
    ABTEST_API_TOKEN      = local.secrets.api_token
    ABTEST_WEBHOOK_SECRET = local.secrets.webhook_secret
  }
  invokers = local.http_invokers
  bucket_roles = [
    { bucket = google_storage_bucket.artifacts.name, role = "roles/storage.objectViewer" },
  ]
  sign_urls         = true
  publishes_to      = local.outbox_topics
  database_instance = google_sql_database_instance.main.name

  depends_on = [google_pubsub_topic.chain]
}
