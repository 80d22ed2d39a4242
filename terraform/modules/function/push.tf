# The push subscriptions of a stage function (trigger type pubsub-push): one per topic it
# handles, pushing to this function's URL at /projects/<project>/topics/<topic> so the
# CloudEvent functions-framework makes of the push body names the topic. Retries back off from
# 10 s to 600 s; after max_delivery_attempts the message goes to the dead-letter topic.

locals {
  url = google_cloudfunctions2_function.function.service_config[0].uri
}

resource "google_pubsub_subscription" "push" {
  for_each = var.push_subscriptions

  project              = var.project_id
  name                 = "${var.name_prefix}-${each.key}"
  topic                = "projects/${var.project_id}/topics/${each.value}"
  ack_deadline_seconds = 600

  push_config {
    push_endpoint = "${local.url}/projects/${var.project_id}/topics/${each.value}"

    oidc_token {
      service_account_email = var.push_delivery.service_account_email
      audience              = local.url
    }
  }

  dead_letter_policy {
    dead_letter_topic     = var.push_delivery.dead_letter_topic
    max_delivery_attempts = var.push_delivery.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_cloud_run_v2_service_iam_member.invoker]
}

# Dead-lettering needs Pub/Sub's service agent to acknowledge on the source subscription.
resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = google_pubsub_subscription.push

  project      = var.project_id
  subscription = each.value.name
  role         = "roles/pubsub.subscriber"
  member       = var.push_delivery.pubsub_service_agent
}
