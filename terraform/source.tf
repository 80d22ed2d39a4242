# The functions' source: one archive of `npm run package:functions`' output (compiled
# JavaScript in dist/, the sql/ migrations, package.json and package-lock.json), shared by every
# function; each picks its entry point. The archive's name carries its MD5, so a new build
# redeploys and an unchanged one does not. Cloud Build installs the production dependencies
# from package-lock.json and skips `npm run build` (package.json's empty "gcp-build").

locals {
  function_source_dir = coalesce(var.function_source_dir, "${path.root}/../dist/function-source")
}

data "archive_file" "function_source" {
  type        = "zip"
  source_dir  = local.function_source_dir
  output_path = "${path.root}/.terraform/function-source.zip"
}

resource "google_storage_bucket_object" "function_source" {
  name   = "function-source-${data.archive_file.function_source.output_md5}.zip"
  bucket = google_storage_bucket.sources.name
  source = data.archive_file.function_source.output_path
}

# The identity the functions' builds run as (instead of the project's default compute account).
resource "google_service_account" "build" {
  account_id   = "${var.name_prefix}-build"
  display_name = "abtest function builds"

  depends_on = [google_project_service.enabled]
}

resource "google_project_iam_member" "build_builder" {
  project = var.project_id
  role    = "roles/cloudbuild.builds.builder"
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_storage_bucket_iam_member" "build_reads_sources" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.build.email}"
}
