# What the push subscriptions share. Each stage function's module creates its own subscriptions
# (modules/function/push.tf), one per row of shared/stages/chain-subscriptions.ts: it pushes to
# the function's URL with an OIDC token of the push service account, at the path
# /projects/<project>/topics/<topic>. functions-framework turns the raw push body into a
# CloudEvent whose source names the topic, which is how analyze tells batch.validated from
# rerun. Five delivery attempts, then the dead-letter topic.

# The identity Pub/Sub signs push requests as; it may invoke the functions with push
# subscriptions only (the four stages and webhooks).
resource "google_service_account" "pubsub_push" {
  account_id   = "${var.name_prefix}-pubsub-push"
  display_name = "abtest Pub/Sub push (invokes validate, analyze, train, report, webhooks)"

  depends_on = [google_project_service.enabled]
}

# Pub/Sub mints the OIDC tokens of the push service account.
resource "google_service_account_iam_member" "pubsub_push_token_creator" {
  service_account_id = google_service_account.pubsub_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

locals {
  push_delivery = {
    service_account_email = google_service_account.pubsub_push.email
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    # shared/adapters/event-bus/event-bus.ts `deliveryPolicy.maxAttempts`.
    max_delivery_attempts = 5
    pubsub_service_agent  = local.pubsub_service_agent
  }
}
