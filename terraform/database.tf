# Cloud SQL for PostgreSQL: one instance, the abtest database and its user. The functions reach
# it through the Cloud SQL Node.js connector (shared/adapters/database/cloud-sql-database.ts):
# public IP but no authorised networks, and only connections bearing a connector certificate
# are accepted. Migrations (sql/) run when a function instance starts.

resource "google_sql_database_instance" "main" {
  name                = "${var.name_prefix}-pg"
  database_version    = var.database_version
  region              = var.region
  deletion_protection = var.deletion_protection

  settings {
    edition           = "ENTERPRISE"
    tier              = var.database_tier
    availability_type = "ZONAL"
    disk_type         = "PD_SSD"
    disk_size         = var.database_disk_gb
    disk_autoresize   = true

    deletion_protection_enabled = var.deletion_protection

    ip_configuration {
      ipv4_enabled = true
      ssl_mode     = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    }

    backup_configuration {
      enabled                        = true
      start_time                     = "03:00"
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = 7

      backup_retention_settings {
        retained_backups = 7
      }
    }

    database_flags {
      name  = "max_connections"
      value = tostring(var.database_max_connections)
    }

    insights_config {
      query_insights_enabled = true
    }
  }

  lifecycle {
    precondition {
      condition = (
        sum([for sizing in values(var.function_sizing) : sizing.max_instances]) * var.database_pool_max
        <= var.database_max_connections * 0.8
      )
      error_message = "The functions could open more connections than 80% of database_max_connections: lower max_instances or database_pool_max, or raise database_max_connections (and the tier)."
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_sql_database" "app" {
  name     = "abtest"
  instance = google_sql_database_instance.main.name
}

resource "random_password" "database" {
  length  = 32
  special = false
}

resource "google_sql_user" "app" {
  name     = "abtest"
  instance = google_sql_database_instance.main.name
  password = random_password.database.result
}

resource "google_secret_manager_secret" "db_password" {
  secret_id = "${var.name_prefix}-db-password"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "db_password" {
  secret      = google_secret_manager_secret.db_password.id
  secret_data = random_password.database.result
}
