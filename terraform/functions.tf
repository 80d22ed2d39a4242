# The functions: one instance of module.function per entry point registered in
# functions/*/index.ts, driven by local.functions (what differs between them, as data). They share
# one source archive (source.tf) and the settings below; each runs as its own service account
# with the grants its code needs:
#
# | entry point  | trigger                          | buckets                                    |
# |--------------|----------------------------------|--------------------------------------------|
# | ingest       | HTTP POST /v1/ingest/events,     | raw: create (batches/, never overwritten); |
# |              | /v1/events, /v1/events/batch,    | signed PUT URLs into uploads/ (POST        |
# |              | /v1/uploads                      | /v1/uploads)                               |
# | ingestUpload | GCS finalize, raw bucket         | raw: read uploads/ definitions/, create    |
# | validate     | push: abtest.batch.received      | raw: read, create rejections/; curated: rw |
# | analyze      | push: batch.validated, rerun     | curated: rw (events in, users table out)   |
# | train        | push: abtest.analysis.completed  | curated: read; artifacts: rw (models/)     |
# | report       | push: abtest.model.trained       | artifacts: rw (reports/)                   |
# | results      | HTTP /v1/experiments...,         | artifacts: read, signed report/chart URLs; |
# |              | /v1/assignments/bulk, /metrics   | raw: create (enrollment batches)           |
# | webhooks     | push: abtest.webhook.delivery    | none (the database, and the internet)      |
# | monitor      | push: batch.validated, monitor.tick | curated: read; artifacts: rw (snapshots/) |
#
# Webhooks: analyze and report only record their deliveries (with a message each, in the
# transaction of what they announce); the webhooks function makes them, one attempt per
# message, so a receiver that does not answer never holds up a stage. It is the one function
# that calls out to addresses users chose: the address rules of shared/net/webhook-target.ts
# apply to every address a receiver's name resolves to, and ABTEST_WEBHOOK_ALLOW_PRIVATE stays
# unset here, so a delivery never reaches the VPC, the metadata server or Cloud SQL.
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
    ABTEST_TRACING          = var.tracing
  }

  # The HTTP functions: how callers are admitted, and each token's rate limit per instance.
  http_environment = {
    ABTEST_AUTH                      = var.http_auth
    ABTEST_RATE_LIMIT_REQUESTS       = var.rate_limit_requests
    ABTEST_RATE_LIMIT_PERIOD_SECONDS = var.rate_limit_period_seconds
  }

  # Cloud Run refuses request bodies over 32 MiB: larger files go to the raw bucket's uploads/.
  ingest_environment = merge(local.http_environment, local.upload_limit_environment)

  upload_limit_environment = {
    ABTEST_MAX_UPLOAD_BYTES = "33554432"
  }

  webhook_environment = {
    ABTEST_WEBHOOK_URLS = join(",", var.webhook_urls)
  }

  # The live layer: a running experiment silent this long raises a no_data alert.
  live_environment = {
    ABTEST_NO_DATA_HOURS = var.no_data_hours
  }

  # Topics the code enqueues on, by function (the enqueueMessage calls of shared/).
  enqueues = {
    ingest       = ["abtest.batch.received"]
    ingestUpload = ["abtest.batch.received", "abtest.rerun"]
    validate     = ["abtest.batch.validated"]
    analyze      = ["abtest.analysis.completed", "abtest.webhook.delivery"]
    train        = ["abtest.model.trained"]
    report       = ["abtest.report.ready", "abtest.webhook.delivery"]
    results      = ["abtest.rerun", "abtest.analysis.completed", "abtest.batch.received"]
    webhooks     = []
    monitor      = ["abtest.webhook.delivery", "abtest.posterior.snapshot", "abtest.progress"]
  }

  # What any outbox flush may publish (see the header).
  outbox_topics = [
    "abtest.batch.received",
    "abtest.batch.validated",
    "abtest.analysis.completed",
    "abtest.model.trained",
    "abtest.report.ready",
    "abtest.rerun",
    "abtest.webhook.delivery",
    "abtest.monitor.tick",
    "abtest.posterior.snapshot",
    "abtest.progress",
  ]

  source_archive = {
    bucket = google_storage_bucket.sources.name
    object = google_storage_bucket_object.function_source.name
  }

  http_invokers = var.http_auth == "token" ? tomap({ public = "allUsers" }) : tomap({ for member in var.api_invokers : member => member })

  # One entry per entry point (the key, also var.function_sizing's key): the function's name
  # after the prefix, what it does, its trigger, and what it alone gets. Optional fields:
  # extra_environment, invokers, push_subscriptions with push_delivery, sign_urls.
  functions = {
    ingest = {
      name              = "ingest"
      description       = "POST /v1/ingest/events and /v1/events(/batch): an events file, or events as they happen, become a batch in the raw bucket."
      trigger           = { type = "http" }
      extra_environment = local.ingest_environment
      secret_environment = {
        DB_PASSWORD       = local.secrets.db_password
        ABTEST_API_TOKEN  = local.secrets.api_token
        ABTEST_API_TOKENS = local.secrets.api_tokens
      }
      # POST /v1/uploads signs V4 PUT URLs into the raw bucket's uploads/ as this account.
      sign_urls = true
      invokers  = local.http_invokers
      bucket_roles = [
        { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectCreator" },
      ]
    }

    ingestUpload = {
      name        = "ingest-upload"
      description = "Finalized objects of the raw bucket: uploads/ become batches, definitions/ are stored; anything else is ignored."
      # Eventarc cannot filter Cloud Storage events by prefix: the function is called for every
      # object of the raw bucket (its own batches/ and validate's rejections/ included) and
      # ignores what is not under uploads/ or definitions/ (shared/stages/ingest-object.ts).
      trigger = {
        type                  = "storage"
        bucket                = google_storage_bucket.raw.name
        service_account_email = google_service_account.eventarc.email
      }
      secret_environment = {
        DB_PASSWORD = local.secrets.db_password
      }
      invokers = { eventarc = "serviceAccount:${google_service_account.eventarc.email}" }
      bucket_roles = [
        { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectViewer" },
        { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectCreator" },
      ]
    }

    validate = {
      name        = "validate"
      description = "abtest.batch.received: validates a batch, writes curated Parquet and its rejections."
      trigger     = { type = "pubsub-push" }
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
    }

    analyze = {
      name              = "analyze"
      description       = "abtest.batch.validated and abtest.rerun: analyses the experiments a batch touched, or every running one; records its webhook deliveries."
      trigger           = { type = "pubsub-push" }
      extra_environment = merge(local.webhook_environment, local.warehouse_environment)
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
    }

    train = {
      name        = "train"
      description = "abtest.analysis.completed: fits the regression models, writes their artifacts."
      trigger     = { type = "pubsub-push" }
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
    }

    report = {
      name              = "report"
      description       = "abtest.model.trained: renders the PDF and CSV reports, records their webhook deliveries."
      trigger           = { type = "pubsub-push" }
      extra_environment = local.webhook_environment
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
    }

    results = {
      name              = "results"
      description       = "The results API: experiments (definitions, lifecycle, audit), assignment, summaries, reports, jobs, webhooks, metrics (docs/api.md)."
      trigger           = { type = "http" }
      extra_environment = merge(local.http_environment, local.webhook_environment)
      secret_environment = {
        DB_PASSWORD           = local.secrets.db_password
        ABTEST_API_TOKEN      = local.secrets.api_token
        ABTEST_API_TOKENS     = local.secrets.api_tokens
        ABTEST_WEBHOOK_SECRET = local.secrets.webhook_secret
      }
      invokers = local.http_invokers
      # Enrollment (`?enroll=true`) writes its exposure events as a batch into the raw bucket.
      bucket_roles = [
        { bucket = google_storage_bucket.artifacts.name, role = "roles/storage.objectViewer" },
        { bucket = google_storage_bucket.raw.name, role = "roles/storage.objectCreator" },
      ]
      sign_urls = true
    }

    webhooks = {
      name              = "webhooks"
      description       = "abtest.webhook.delivery: one signed POST to a webhook receiver per message, retried with the subscription's backoff."
      trigger           = { type = "pubsub-push" }
      extra_environment = local.webhook_environment
      secret_environment = {
        DB_PASSWORD           = local.secrets.db_password
        ABTEST_WEBHOOK_SECRET = local.secrets.webhook_secret
      }
      push_subscriptions = {
        webhooks = "abtest.webhook.delivery"
      }
      push_delivery = local.push_delivery
      bucket_roles  = []
    }

    monitor = {
      name              = "monitor"
      description       = "abtest.batch.validated and abtest.monitor.tick: the streaming posteriors and time windows, snapshots to their sinks, alerts."
      trigger           = { type = "pubsub-push" }
      extra_environment = merge(local.webhook_environment, local.live_environment)
      secret_environment = {
        DB_PASSWORD           = local.secrets.db_password
        ABTEST_WEBHOOK_SECRET = local.secrets.webhook_secret
      }
      push_subscriptions = {
        monitor      = "abtest.batch.validated"
        monitor-tick = "abtest.monitor.tick"
      }
      push_delivery = local.push_delivery
      bucket_roles = [
        { bucket = google_storage_bucket.curated.name, role = "roles/storage.objectViewer" },
        { bucket = google_storage_bucket.artifacts.name, role = "roles/storage.objectUser" },
      ]
    }
  }
}

module "function" {
  source   = "./modules/function"
  for_each = local.functions

  project_id            = var.project_id
  region                = var.region
  name_prefix           = var.name_prefix
  name                  = "${var.name_prefix}-${each.value.name}"
  description           = each.value.description
  entry_point           = each.key
  runtime               = var.runtime
  source_archive        = local.source_archive
  build_service_account = google_service_account.build.id
  memory                = var.function_sizing[each.key].memory
  timeout_seconds       = var.function_sizing[each.key].timeout_seconds
  max_instances         = var.function_sizing[each.key].max_instances
  request_concurrency   = var.function_sizing[each.key].request_concurrency
  cpu                   = var.function_sizing[each.key].cpu
  trigger               = each.value.trigger
  environment           = local.environment
  extra_environment     = try(each.value.extra_environment, {})
  secret_environment    = each.value.secret_environment
  invokers              = try(each.value.invokers, {})
  push_subscriptions    = try(each.value.push_subscriptions, {})
  push_delivery         = try(each.value.push_delivery, null)
  bucket_roles          = each.value.bucket_roles
  sign_urls             = try(each.value.sign_urls, false)
  tracing               = var.tracing
  publishes_to          = local.outbox_topics
  database_instance     = google_sql_database_instance.main.name

  depends_on = [
    google_pubsub_topic.chain,
    google_pubsub_topic_iam_member.dead_letter_publisher,
    google_project_iam_member.gcs_pubsub_publisher,
    google_project_iam_member.eventarc_receiver,
  ]
}

# Where each function was before it came from local.functions: a deployment made with the
# seven module calls (before the webhooks function) keeps its functions (and their accounts and subscriptions) in place.
moved {
  from = module.ingest
  to   = module.function["ingest"]
}

moved {
  from = module.ingest_upload
  to   = module.function["ingestUpload"]
}

moved {
  from = module.validate
  to   = module.function["validate"]
}

moved {
  from = module.analyze
  to   = module.function["analyze"]
}

moved {
  from = module.train
  to   = module.function["train"]
}

moved {
  from = module.report
  to   = module.function["report"]
}

moved {
  from = module.results
  to   = module.function["results"]
}
