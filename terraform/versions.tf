# Pinned versions (CONVENTIONS "Terraform"). Bump them deliberately: run `terraform init -upgrade`
# and commit the regenerated .terraform.lock.hcl with the change.
terraform {
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "7.31.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "2.7.1"
    }
    random = {
      source  = "hashicorp/random"
      version = "3.7.2"
    }
  }

  # State lives in a Cloud Storage bucket created once by hand (docs/deploy.md "Prerequisites"):
  # terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=abtest"
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}
