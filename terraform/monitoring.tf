# One alert: a message reached the dead-letter topic, i.e. a stage failed five deliveries in a
# row (a bug or an outage, not bad input: bad input is recorded and acknowledged).

resource "google_monitoring_notification_channel" "email" {
  display_name = "abtest alerts (${var.name_prefix})"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }

  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "dead_letters" {
  display_name = "abtest: messages on the dead-letter topic (${var.name_prefix})"
  combiner     = "OR"

  conditions {
    display_name = "undelivered messages in ${google_pubsub_subscription.dead_letter.name}"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.dead_letter.name}\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "60s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content   = "A message failed five deliveries. Read it with `gcloud pubsub subscriptions pull ${google_pubsub_subscription.dead_letter.name} --limit=10` and the failing function's logs (docs/deploy.md \"When something fails\")."
    mime_type = "text/markdown"
  }

  notification_channels = [google_monitoring_notification_channel.email.id]
}
