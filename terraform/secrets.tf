# The secrets the functions read as environment variables: the API bearer token
# (ABTEST_API_TOKEN, ingest and results), the named tokens (ABTEST_API_TOKENS, `name:token`
# pairs, one generated per var.api_token_names, ingest and results) and the webhook signing
# secret (ABTEST_WEBHOOK_SECRET, analyze, report, results). The database password is in database.tf. Generated here, so they
# are also in the Terraform state: keep the state bucket private.

resource "random_password" "api_token" {
  length  = 48
  special = false
}

resource "google_secret_manager_secret" "api_token" {
  secret_id = "${var.name_prefix}-api-token"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "api_token" {
  secret      = google_secret_manager_secret.api_token.id
  secret_data = random_password.api_token.result
}

resource "random_password" "named_api_token" {
  for_each = toset(var.api_token_names)
  length   = 48
  special  = false
}

resource "google_secret_manager_secret" "api_tokens" {
  secret_id = "${var.name_prefix}-api-tokens"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

# A secret version cannot be empty: with no names it holds a lone comma, which
# ABTEST_API_TOKENS reads as no named token.
resource "google_secret_manager_secret_version" "api_tokens" {
  secret = google_secret_manager_secret.api_tokens.id
  secret_data = (length(var.api_token_names) == 0 ? "," :
  join(",", [for name in var.api_token_names : "${name}:${random_password.named_api_token[name].result}"]))
}

resource "random_password" "webhook_secret" {
  length  = 48
  special = false
}

resource "google_secret_manager_secret" "webhook_secret" {
  secret_id = "${var.name_prefix}-webhook-secret"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "webhook_secret" {
  secret      = google_secret_manager_secret.webhook_secret.id
  secret_data = random_password.webhook_secret.result
}

locals {
  # Secret and pinned version of each, for the functions' secret environment variables.
  secrets = {
    db_password = {
      secret  = google_secret_manager_secret.db_password.secret_id
      version = google_secret_manager_secret_version.db_password.version
    }
    api_token = {
      secret  = google_secret_manager_secret.api_token.secret_id
      version = google_secret_manager_secret_version.api_token.version
    }
    webhook_secret = {
      secret  = google_secret_manager_secret.webhook_secret.secret_id
      version = google_secret_manager_secret_version.webhook_secret.version
    }
    api_tokens = {
      secret  = google_secret_manager_secret.api_tokens.secret_id
      version = google_secret_manager_secret_version.api_tokens.version
    }
  }
}
