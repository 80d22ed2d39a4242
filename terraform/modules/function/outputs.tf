output "url" {
  description = "The function's URL."
  value       = google_cloudfunctions2_function.function.service_config[0].uri
}

output "name" {
  description = "The function's name (also its Cloud Run service's)."
  value       = google_cloudfunctions2_function.function.name
}

output "service_account_email" {
  description = "The account the function runs as."
  value       = google_service_account.function.email
}
