//! Which Terraform resources the data plane backs, and what each apply does to its service.
//!
//! Called by the provider after an apply's state is complete (fakes filled in): the service is
//! created, changed or removed, and its real endpoint replaces the fake one in the new state.
//! Dependent resources (`scaleway_rdb_database`, `_user`, `_privilege`) find their instance's
//! service by `instance_id`; without one (binary missing, instance from before the data plane)
//! they keep the stand-in's behaviour.

use rmpv::Value;

use super::{postgres, redis, s3, s3_server, Kind, Services};
use crate::sandbox::provider::set_path;
use crate::sandbox::value::get;

/// The resource types with a data-plane effect.
pub fn backs(type_name: &str) -> bool {
    matches!(
        type_name,
        "scaleway_rdb_instance"
            | "scaleway_rdb_database"
            | "scaleway_rdb_user"
            | "scaleway_rdb_privilege"
            | "scaleway_redis_cluster"
            | "scaleway_object_bucket"
            | "scaleway_object_bucket_acl"
            | "scaleway_object_bucket_policy"
            | "scaleway_object_bucket_website_configuration"
            | "scaleway_iam_api_key"
    )
}

/// A bucket reference as the object resources take it: `name` or `region/name`.
fn bucket_name(v: &Value) -> String {
    let b = text(v, "bucket");
    b.rsplit_once('/')
        .map_or(b.clone(), |(_, name)| name.to_owned())
}

/// `block[0].attr` as text (`index_document { suffix = ... }`).
fn block_text(v: &Value, block: &str, attr: &str) -> Option<String> {
    let first = match get(v, block)? {
        Value::Array(items) => items.first()?,
        other => other,
    };
    get(first, attr)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The Object Storage part of an apply (see [`s3`]), run on a blocking thread: files and the
/// server's process, no network.
fn object_storage(
    services: &Services,
    type_name: &str,
    prior: &Value,
    state: &mut Value,
) -> Result<bool, super::ServiceError> {
    let (create, delete) = (prior.is_nil(), state.is_nil());
    match type_name {
        "scaleway_iam_api_key" if delete => {
            s3::remove_key(services, &text(prior, "access_key"))?;
            Ok(false)
        }
        "scaleway_iam_api_key" => {
            let (access, secret) = (text(state, "access_key"), text(state, "secret_key"));
            if !create && text(prior, "access_key") != access {
                s3::remove_key(services, &text(prior, "access_key"))?;
            }
            if !access.is_empty() && !secret.is_empty() {
                s3::put_key(services, &access, &secret)?;
            }
            Ok(false)
        }
        "scaleway_object_bucket" if delete => {
            s3::delete_bucket(services, &text(prior, "name"))?;
            Ok(false)
        }
        "scaleway_object_bucket" => {
            let name = text(state, "name");
            let r = s3::create_bucket(services, &name)?;
            let api = s3::api_endpoint(&r);
            set_path(state, &["endpoint"], Value::from(format!("{api}/{name}")));
            set_path(state, &["api_endpoint"], Value::from(api));
            Ok(true)
        }
        "scaleway_object_bucket_acl" => {
            let v: &Value = if delete { prior } else { state };
            let acl = if delete {
                "private".to_owned()
            } else {
                text(state, "acl")
            };
            s3::update_meta(services, &bucket_name(v), |m| m.acl = acl)?;
            Ok(false)
        }
        "scaleway_object_bucket_policy" => {
            let v: &Value = if delete { prior } else { state };
            let policy = (!delete).then(|| text(state, "policy"));
            s3::update_meta(services, &bucket_name(v), |m| m.policy = policy)?;
            Ok(false)
        }
        "scaleway_object_bucket_website_configuration" => {
            let v: &Value = if delete { prior } else { state };
            let bucket = bucket_name(v);
            let site = (!delete).then(|| s3_server::Website {
                index: block_text(state, "index_document", "suffix")
                    .unwrap_or_else(|| "index.html".into()),
                error: block_text(state, "error_document", "key"),
            });
            let Some(r) = s3::set_website(services, &bucket, site)? else {
                return Ok(false);
            };
            if delete {
                return Ok(false);
            }
            let endpoint = s3::website_endpoint(&r, &bucket);
            let domain = endpoint.split('/').next().unwrap_or_default().to_owned();
            set_path(state, &["website_endpoint"], Value::from(endpoint));
            set_path(state, &["website_domain"], Value::from(domain));
            Ok(true)
        }
        _ => Ok(false),
    }
}

fn text(v: &Value, name: &str) -> String {
    get(v, name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn boolean(v: &Value, name: &str) -> bool {
    get(v, name).and_then(Value::as_bool).unwrap_or(false)
}

/// Applies one change. `prior` is `Nil` on create, `state` is `Nil` on delete. Returns whether
/// the new state was changed (real endpoints replacing fakes), or the one-line reason the
/// service refused the change.
pub async fn apply(
    services: &Services,
    type_name: &str,
    prior: &Value,
    state: &mut Value,
) -> Result<bool, String> {
    let blocking = |f: Box<dyn FnOnce() -> Result<bool, String> + Send>| async move {
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| format!("sandbox service task: {e}"))?
    };
    let create = prior.is_nil();
    let delete = state.is_nil();
    // A dependent resource's instance server is started again first if a reboot or a kill
    // stopped it (the SQL below needs it).
    let pg_of = |v: &Value| {
        let r = services.find(Kind::Postgres, &text(v, "instance_id"))?;
        if r.missing.is_none() && services.health(&r) == super::Health::Stopped {
            let _ = services.start(&r);
        }
        Some(r)
    };
    let err = |e: super::ServiceError| e.to_string();
    if type_name.starts_with("scaleway_object_bucket") || type_name == "scaleway_iam_api_key" {
        let (s, t, p) = (services.clone(), type_name.to_owned(), prior.clone());
        let mut st = std::mem::replace(state, Value::Nil);
        let (changed, st) = tokio::task::spawn_blocking(move || {
            let changed = s3::locked(&s, || object_storage(&s, &t, &p, &mut st));
            (changed, st)
        })
        .await
        .map_err(|e| format!("sandbox service task: {e}"))?;
        *state = st;
        return changed.map_err(err);
    }
    match type_name {
        "scaleway_rdb_instance" if delete => {
            if let Some(r) = services.find(Kind::Postgres, &text(prior, "id")) {
                let s = services.clone();
                return blocking(Box::new(move || s.remove(&r).map(|_| false).map_err(err))).await;
            }
            Ok(false)
        }
        "scaleway_rdb_instance" if create => {
            let (id, user, pw) = (
                text(state, "id"),
                text(state, "user_name"),
                text(state, "password"),
            );
            let s = services.clone();
            let ep = tokio::task::spawn_blocking(move || postgres::create(&s, &id, &user, &pw))
                .await
                .map_err(|e| e.to_string())?
                .map_err(err)?;
            let Some(ep) = ep else { return Ok(false) };
            let port = Value::from(ep.port);
            set_path(state, &["private_network", "ip"], Value::from("127.0.0.1"));
            set_path(state, &["private_network", "port"], port.clone());
            set_path(state, &["endpoint_ip"], Value::from("127.0.0.1"));
            set_path(state, &["endpoint_port"], port);
            set_path(state, &["certificate"], Value::from(ep.certificate));
            Ok(true)
        }
        "scaleway_rdb_instance" => {
            let Some(r) = services.find(Kind::Postgres, &text(state, "id")) else {
                return Ok(false);
            };
            if r.missing.is_some() {
                return Ok(false);
            }
            let (user, pw) = (text(state, "user_name"), text(state, "password"));
            if pw != text(prior, "password") && !pw.is_empty() {
                postgres::exec(
                    &r,
                    "postgres",
                    &format!(
                        "ALTER ROLE {} PASSWORD {}",
                        postgres::ident(&user),
                        postgres::literal(&pw)
                    ),
                )
                .await
                .map_err(err)?;
            }
            Ok(false)
        }
        "scaleway_rdb_database" => {
            let v: &Value = if delete { prior } else { state };
            let Some(r) = pg_of(v).filter(|r| r.missing.is_none()) else {
                return Ok(false);
            };
            if delete {
                postgres::drop_database(&r, &text(prior, "name"))
                    .await
                    .map_err(err)?;
            } else if create {
                postgres::create_database(&r, &text(state, "name"))
                    .await
                    .map_err(err)?;
            }
            Ok(false)
        }
        "scaleway_rdb_user" => {
            let v: &Value = if delete { prior } else { state };
            let Some(r) = pg_of(v).filter(|r| r.missing.is_none()) else {
                return Ok(false);
            };
            if delete {
                postgres::drop_user(&r, &text(prior, "name"))
                    .await
                    .map_err(err)?;
            } else if create {
                postgres::create_user(
                    &r,
                    &text(state, "name"),
                    &text(state, "password"),
                    boolean(state, "is_admin"),
                )
                .await
                .map_err(err)?;
            } else {
                postgres::update_user(
                    &r,
                    &text(prior, "name"),
                    &text(state, "name"),
                    &text(state, "password"),
                )
                .await
                .map_err(err)?;
            }
            Ok(false)
        }
        "scaleway_rdb_privilege" => {
            let v: &Value = if delete { prior } else { state };
            let Some(r) = pg_of(v).filter(|r| r.missing.is_none()) else {
                return Ok(false);
            };
            if delete {
                // The user or database may already be gone with the same destroy.
                let _ =
                    postgres::revoke(&r, &text(prior, "database_name"), &text(prior, "user_name"))
                        .await;
            } else {
                postgres::set_privilege(
                    &r,
                    &text(state, "database_name"),
                    &text(state, "user_name"),
                    &text(state, "permission"),
                )
                .await
                .map_err(err)?;
            }
            Ok(false)
        }
        "scaleway_redis_cluster" if delete => {
            if let Some(r) = services.find(Kind::Redis, &text(prior, "id")) {
                let s = services.clone();
                return blocking(Box::new(move || s.remove(&r).map(|_| false).map_err(err))).await;
            }
            Ok(false)
        }
        "scaleway_redis_cluster" if create => {
            let (id, user, pw) = (
                text(state, "id"),
                text(state, "user_name"),
                text(state, "password"),
            );
            let s = services.clone();
            let ep = tokio::task::spawn_blocking(move || redis::create(&s, &id, &user, &pw))
                .await
                .map_err(|e| e.to_string())?
                .map_err(err)?;
            let Some((port, cert)) = ep else {
                return Ok(false);
            };
            set_path(
                state,
                &["private_network", "ips"],
                Value::Array(vec![Value::from("127.0.0.1")]),
            );
            set_path(state, &["private_network", "port"], Value::from(port));
            set_path(state, &["certificate"], Value::from(cert));
            Ok(true)
        }
        "scaleway_redis_cluster" => {
            let Some(r) = services.find(Kind::Redis, &text(state, "id")) else {
                return Ok(false);
            };
            let (user, pw) = (text(state, "user_name"), text(state, "password"));
            if r.missing.is_none()
                && (user != text(prior, "user_name") || pw != text(prior, "password"))
            {
                blocking(Box::new(move || {
                    redis::update(&r, &user, &pw).map(|_| false).map_err(err)
                }))
                .await?;
            }
            Ok(false)
        }
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_reaches_into_the_first_block_element() {
        let mut v = Value::Map(vec![(
            Value::from("private_network"),
            Value::Array(vec![Value::Map(vec![(
                Value::from("port"),
                Value::from(1),
            )])]),
        )]);
        set_path(&mut v, &["private_network", "port"], Value::from(5432));
        let pn = get(&v, "private_network").unwrap().as_array().unwrap()[0].clone();
        assert_eq!(get(&pn, "port"), Some(&Value::from(5432)));
        assert!(backs("scaleway_rdb_user") && !backs("scaleway_k8s_cluster"));
    }
}
