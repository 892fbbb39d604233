# Orgwarden audit role: read-only, least privilege (exactly the calls Orgwarden makes), trusted
# only by the Orgwarden hub principal, with ExternalId when one is configured. Apply it in every
# account of the organization, the management account included (one provider per account, or
# through your account-vending pipeline).

data "aws_partition" "current" {}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "TrustOrgwardenHubOnly"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.hub_principal_arn]
    }
    dynamic "condition" {
      for_each = var.external_id == null ? [] : [var.external_id]
      content {
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = [condition.value]
      }
    }
  }
}

data "aws_iam_policy_document" "read" {
  statement {
    sid    = "IamAccountState"
    effect = "Allow"
    actions = [
      "iam:GetAccountAuthorizationDetails",
      "iam:GenerateCredentialReport",
      "iam:GetCredentialReport",
      "iam:GetAccountPasswordPolicy",
      "iam:GetAccountSummary",
      "iam:ListVirtualMFADevices",
      "iam:ListServerCertificates",
      "iam:ListPolicies",
    ]
    resources = ["*"]
  }
  statement {
    sid    = "AwsManagedPolicyDocuments"
    effect = "Allow"
    actions = [
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/*"]
  }
  statement {
    sid    = "RegionalLoggingAndAnalyzers"
    effect = "Allow"
    actions = [
      "cloudtrail:DescribeTrails",
      "cloudtrail:GetTrailStatus",
      "config:DescribeConfigurationRecorders",
      "config:DescribeConfigurationRecorderStatus",
      "access-analyzer:ListAnalyzers",
    ]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "aggregator" {
  statement {
    sid    = "AggregatedIamRuleCompliance"
    effect = "Allow"
    actions = [
      "config:DescribeConfigurationAggregators",
      "config:DescribeAggregateComplianceByConfigRules",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "audit" {
  name        = var.role_name
  description = "Orgwarden read-only audit role"
  # Role chaining (hub role -> audit role) caps sessions at one hour anyway.
  max_session_duration = 3600
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  tags                 = var.tags
}

resource "aws_iam_role_policy" "read" {
  name   = "orgwarden-audit-read"
  role   = aws_iam_role.audit.id
  policy = data.aws_iam_policy_document.read.json
}

resource "aws_iam_role_policy" "aggregator" {
  count  = var.read_config_aggregator ? 1 : 0
  name   = "orgwarden-config-aggregator-read"
  role   = aws_iam_role.audit.id
  policy = data.aws_iam_policy_document.aggregator.json
}
