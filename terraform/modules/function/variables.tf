# Inputs of one function and its trigger.

variable "project_id" {
  type        = string
  description = "The project of the function."
}

variable "region" {
  type        = string
  description = "The region of the function and of its Cloud Storage trigger."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the deployment, for the push subscriptions' names."
}

variable "name" {
  type        = string
  description = "Name of the function and of its service account (at most 30 characters)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.name))
    error_message = "name must be 6-30 lower-case letters, digits and hyphens."
  }
}

variable "description" {
  type        = string
  description = "What the function does, shown in the console."
}

variable "entry_point" {
  type        = string
  description = "The name the code registers with functions-framework (functions.http / functions.cloudEvent in functions/*/index.ts)."
}

variable "runtime" {
  type        = string
  description = "The Cloud Functions runtime, e.g. nodejs22."
}

variable "source_archive" {
  type = object({
    bucket = string
    object = string
  })
  description = "The zipped source in Cloud Storage (source.tf)."
}

variable "build_service_account" {
  type        = string
  description = "Full resource name of the service account the build runs as."
}

variable "memory" {
  type        = string
  description = "Memory of one instance, e.g. 2Gi (Cloud Run derives the CPU from it)."
}

variable "request_concurrency" {
  type        = number
  description = "Requests one instance serves at once. 1 for the stages (each holds a batch in memory); more for I/O-bound work such as webhook deliveries, which then needs a whole vCPU (`cpu`)."
  default     = 1

  validation {
    condition     = var.request_concurrency >= 1 && var.request_concurrency <= 80
    error_message = "request_concurrency is between 1 and 80."
  }
}

variable "cpu" {
  type        = string
  description = "vCPUs of one instance, e.g. \"1\"; null lets Cloud Run derive it from the memory. Cloud Run serves concurrent requests only with at least one vCPU."
  default     = null
}

variable "timeout_seconds" {
  type        = number
  description = "How long one request or event may run."
}

variable "max_instances" {
  type        = number
  description = "The most instances at once. The minimum is always 0."
}

variable "trigger" {
  type = object({
    type                  = string
    bucket                = optional(string)
    service_account_email = optional(string)
  })
  description = "How the function is called: `http` (public or IAM-guarded URL), `pubsub-push` (the push_subscriptions post to its URL; internal ingress) or `storage` (Cloud Storage finalize events of `bucket`, delivered by Eventarc as `service_account_email`)."

  validation {
    condition     = contains(["http", "pubsub-push", "storage"], var.trigger.type)
    error_message = "trigger.type is http, pubsub-push or storage."
  }

  validation {
    condition     = var.trigger.type != "storage" || (var.trigger.bucket != null && var.trigger.service_account_email != null)
    error_message = "A storage trigger needs bucket and service_account_email."
  }
}

variable "push_subscriptions" {
  type        = map(string)
  description = "For a pubsub-push trigger: topic name by subscription name (shared/stages/chain-subscriptions.ts); each becomes <name_prefix>-<subscription>."
  default     = {}
}

variable "push_delivery" {
  type = object({
    service_account_email = string
    dead_letter_topic     = string
    max_delivery_attempts = number
    pubsub_service_agent  = string
  })
  description = "For a pubsub-push trigger: the account push requests are signed as (it is granted roles/run.invoker), the dead-letter topic's ID, the delivery attempts before it, and Pub/Sub's service agent (member form)."
  default     = null
}

variable "environment" {
  type        = map(string)
  description = "Environment variables every function shares (the settings loadConfig reads)."
}

variable "extra_environment" {
  type        = map(string)
  description = "Environment variables of this function only; they win over `environment`."
  default     = {}
}

variable "secret_environment" {
  type = map(object({
    secret  = string
    version = string
  }))
  description = "Environment variables read from Secret Manager, by variable name. The function's account may access exactly these secrets."
  default     = {}
}

variable "invokers" {
  type        = map(string)
  description = "IAM members allowed to call the function's URL (roles/run.invoker), under static keys."
  default     = {}
}

variable "bucket_roles" {
  type = list(object({
    bucket = string
    role   = string
  }))
  description = "Roles of the function's account on buckets: what the code reads and writes."
  default     = []
}

variable "publishes_to" {
  type        = list(string)
  description = "Names of the topics the function's account may publish to."
  default     = []
}

variable "database_instance" {
  type        = string
  description = "Name of the Cloud SQL instance the function may connect to (roles/cloudsql.client, limited to it)."
}

variable "sign_urls" {
  type        = bool
  description = "Let the function sign Cloud Storage URLs as itself (roles/iam.serviceAccountTokenCreator on its own account: iam.serviceAccounts.signBlob), for downloads and direct uploads."
  default     = false
}

variable "tracing" {
  type        = string
  description = "ABTEST_TRACING of the function: with `cloud-trace` its account may write spans (roles/cloudtrace.agent)."
  default     = "off"
}
