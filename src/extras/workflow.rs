//! POST /v2/provider/{providerId}/credentialing-workflows declares a 200 with
//! a body and a 201 without: the caller gets the status and the body when
//! there is one.

use reqwest::{Method, StatusCode};

use crate::error::Error;
use crate::Client;

/// What the 200 answer of the operation carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct CredentialingWorkflowRef {
    /// The credentialing workflow's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The provider's id.
    #[serde(
        default,
        rename = "providerId",
        skip_serializing_if = "Option::is_none"
    )]
    pub provider_id: Option<String>,
}

/// Which success the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialingWorkflowCreated {
    /// 200 or 201.
    pub status: StatusCode,
    /// The workflow reference of a 200; `None` for a 201, which has no body.
    pub workflow: Option<CredentialingWorkflowRef>,
}

impl Client {
    /// `POST /v2/provider/{providerId}/credentialing-workflows`
    /// (`ProviderV2Controller_createCredentialingWorkflow`).
    pub async fn provider_v2_create_credentialing_workflow(
        &self,
        provider_id: &str,
    ) -> Result<CredentialingWorkflowCreated, Error> {
        let path = format!(
            "/v2/provider/{}/credentialing-workflows",
            super::segment(provider_id)
        );
        let request = self.request(Method::POST, &path);
        let (status, body) = self
            .send_hand_written("provider_v2_create_credentialing_workflow", request, |s| {
                s.is_success()
            })
            .await?;
        let workflow = if status == StatusCode::OK || !body.is_empty() {
            Some(
                serde_json::from_slice(&body)
                    .map_err(|e| Error::decode(Some(status), body.clone(), e))?,
            )
        } else {
            None
        };
        Ok(CredentialingWorkflowCreated { status, workflow })
    }
}
