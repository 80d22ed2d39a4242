# The buckets (DESIGN.md "The chain"): raw uploads and batches, curated Parquet, artifacts
# (reports and models), and the functions' source archives. Bucket names are global, so they
# carry the project ID.

locals {
  bucket_location = upper(var.region)
}

resource "google_storage_bucket" "raw" {
  name                        = "${var.name_prefix}-${var.project_id}-raw"
  location                    = local.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection

  # uploads/ is a spare copy once ingested (ingest writes batches/<batch_id>/source.<ext>).
  lifecycle_rule {
    condition {
      age            = var.raw_upload_retention_days
      matches_prefix = ["uploads/"]
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age            = var.rejection_retention_days
      matches_prefix = ["rejections/"]
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_storage_bucket" "curated" {
  name                        = "${var.name_prefix}-${var.project_id}-curated"
  location                    = local.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection

  depends_on = [google_project_service.enabled]
}

resource "google_storage_bucket" "artifacts" {
  name                        = "${var.name_prefix}-${var.project_id}-artifacts"
  location                    = local.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.artifact_noncurrent_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

# Source archives of the functions (source.tf). Old archives are not needed once built.
resource "google_storage_bucket" "sources" {
  name                        = "${var.name_prefix}-${var.project_id}-sources"
  location                    = local.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}
