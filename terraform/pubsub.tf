# The topics of the chain, of the webhook deliveries and of the live layer (the monitor's tick,
# and the `pubsub` sink's snapshots and progress, read by consumers outside abtest), with the exact names of
# shared/messages/topics.ts (no prefix), and the dead-letter topic where a message goes after
# five failed deliveries.

locals {
  # shared/messages/topics.ts `topics`, in chain order, then the webhook deliveries.
  chain_topics = [
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
  # shared/messages/topics.ts `deadLetterTopic`.
  dead_letter_topic = "abtest.dead-letter"

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_topic" "chain" {
  for_each = toset(local.chain_topics)

  name = each.value

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "dead_letter" {
  name = local.dead_letter_topic

  depends_on = [google_project_service.enabled]
}

# A topic keeps nothing without a subscription: dead letters wait here (7 days) for a person to
# read them (docs/deploy.md "When something fails").
resource "google_pubsub_subscription" "dead_letter" {
  name                       = "${var.name_prefix}-dead-letter"
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"

  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub itself forwards undeliverable messages: its service agent publishes to the dead-letter
# topic and acknowledges on the source subscriptions (modules/function/push.tf).
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent
}
