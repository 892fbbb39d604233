variable "hub_principal_arn" {
  description = "ARN of the principal Orgwarden runs as (ORGWARDEN_HUB_ROLE_ARN, or the role of its containers/instances). The only principal the role trusts."
  type        = string
}

variable "external_id" {
  description = "ORGWARDEN_EXTERNAL_ID; null when Orgwarden runs without one."
  type        = string
  default     = null
  sensitive   = true
}

variable "role_name" {
  description = "ORGWARDEN_AUDIT_ROLE_NAME; the same in every account."
  type        = string
  default     = "OrgwardenAudit"
}

variable "read_config_aggregator" {
  description = "true only in the account that holds the organization's AWS Config aggregator."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
