# Cloud Scheduler re-runs the analysis of every running experiment: it publishes
# {"version":1} (shared/messages/message-schemas.ts `rerunSchema`, no experiment_id) to
# abtest.rerun, which the analyze-rerun subscription pushes to analyze.

resource "google_cloud_scheduler_job" "rerun" {
  name        = "${var.name_prefix}-rerun"
  description = "Re-analyse every running experiment."
  region      = var.region
  schedule    = var.rerun_schedule
  time_zone   = var.rerun_time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.chain["abtest.rerun"].id
    data       = base64encode(jsonencode({ version = 1 }))
  }

  depends_on = [google_project_service.enabled]
}

# The monitor's tick: {"version":1} (`monitorTickSchema`) to abtest.monitor.tick, pushed to the
# monitor function, which snapshots every experiment's streaming posterior to its sinks.
resource "google_cloud_scheduler_job" "tick" {
  name        = "${var.name_prefix}-monitor-tick"
  description = "Snapshot the streaming posteriors of every experiment."
  region      = var.region
  schedule    = var.tick_schedule
  time_zone   = var.rerun_time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.chain["abtest.monitor.tick"].id
    data       = base64encode(jsonencode({ version = 1 }))
  }

  depends_on = [google_project_service.enabled]
}
