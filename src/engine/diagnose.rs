//! Failure lines that say what the user must do, built from Terraform's diagnostic and the preset.
//!
//! Why: Terraform's Kubernetes provider reports a rollout that never finished as
//! "Waiting for rollout to finish: 0 of 2 updated replicas are available", at the Deployment's
//! address, without the image — and the usual cause on a first rollout is an image CI has not
//! pushed yet, or one the cluster cannot pull. The preset knows which image each Deployment runs,
//! so the failure line names it (pure: the engine passes the diagnostic and the preset).

use crate::preset::Preset;
use crate::terraform::Diagnostic;

/// The address of the backend's Deployment in the generated tree.
const BACKEND_DEPLOYMENT: &str = "module.app_backend.kubernetes_deployment_v1.this";
/// The workers' Deployments: `…this["<worker>"]`.
const WORKER_DEPLOYMENT: &str = "module.app_workers.kubernetes_deployment_v1.this[";

/// `image:tag` of the Deployment at `address`, per the preset.
pub fn deployment_image(preset: &Preset, address: &str) -> Option<String> {
    if address == BACKEND_DEPLOYMENT {
        return Some(format!("{}:{}", preset.backend.image, preset.backend.tag));
    }
    let key = address
        .strip_prefix(WORKER_DEPLOYMENT)?
        .strip_suffix(']')?
        .trim_matches('"');
    let w = preset.workers.get(key)?;
    Some(format!("{}:{}", w.image, w.tag))
}

/// The hint appended to a failure line when the diagnostic is a rollout that did not finish.
pub fn rollout_hint(preset: &Preset, d: &Diagnostic) -> Option<String> {
    let text = format!("{} {}", d.summary, d.detail).to_ascii_lowercase();
    if !text.contains("rollout") {
        return None;
    }
    let image = deployment_image(preset, d.address.as_deref()?)?;
    Some(format!(
        "waited for image {image}: check that CI pushed it and that the cluster can pull it \
         (kubectl describe pod); kubernetes.wait_for_rollout = false lets the infrastructure apply \
         finish before the images exist"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev() -> Preset {
        crate::questions::dev_preset().expect("dev preset")
    }

    fn rollout(address: &str) -> Diagnostic {
        Diagnostic {
            severity: "error".into(),
            summary: "Waiting for rollout to finish: 0 of 1 updated replicas are available..."
                .into(),
            address: Some(address.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_stuck_backend_rollout_names_the_backend_image() {
        let h = rollout_hint(&dev(), &rollout(BACKEND_DEPLOYMENT)).expect("hint");
        assert!(
            h.starts_with("waited for image rg.fr-par.scw.cloud/mobi/backend:0.1.0:"),
            "{h}"
        );
    }

    #[test]
    fn a_stuck_worker_rollout_names_that_worker_image() {
        let d = rollout(r#"module.app_workers.kubernetes_deployment_v1.this["ipod"]"#);
        let h = rollout_hint(&dev(), &d).expect("hint");
        assert!(
            h.contains("rg.fr-par.scw.cloud/mobi/worker-photo:0.1.0"),
            "{h}"
        );
    }

    #[test]
    fn other_errors_and_unknown_addresses_get_no_hint() {
        let mut d = rollout(BACKEND_DEPLOYMENT);
        d.summary = "Unauthorized".into();
        assert_eq!(rollout_hint(&dev(), &d), None);
        let d = rollout(r#"module.app_workers.kubernetes_deployment_v1.this["nope"]"#);
        assert_eq!(rollout_hint(&dev(), &d), None);
        let mut d = rollout(BACKEND_DEPLOYMENT);
        d.address = None;
        assert_eq!(rollout_hint(&dev(), &d), None);
    }
}
