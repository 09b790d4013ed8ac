output "frontend_url" {
  description = "Public URL of the frontend (the custom domain with the CDN, else the bucket website endpoint)."
  value       = local.frontend_url
}

output "bucket_name" {
  description = "Frontend bucket CI uploads the built site to."
  value       = var.bucket_name
}

output "website_endpoint" {
  description = "Website endpoint of the bucket (<bucket>.s3-website.<region>.scw.cloud)."
  value       = local.website_endpoint
}

output "cdn_fqdn" {
  description = "Default FQDN of the Edge Services pipeline (CNAME target), or null without CDN."
  value       = local.cdn_fqdn
}

output "cname_target" {
  description = "What the domain's CNAME must point to (the CDN's default FQDN; with a trailing dot in the zone file), or null without CDN: the bucket website cannot serve a custom domain."
  value       = local.cname_target
}

output "dns_record_fqdn" {
  description = "FQDN of the managed CNAME record, or null when DNS is managed elsewhere."
  value       = try(scaleway_domain_record.this[0].fqdn, null)
}
