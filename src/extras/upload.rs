//! The two multipart/form-data uploads.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};

use crate::error::Error;
use crate::types;
use crate::Client;

/// A document to upload: bytes in memory, or a file streamed from disk
/// (never read whole into memory).
#[derive(Debug, Clone)]
pub struct Upload {
    source: Source,
    filename: String,
    content_type: String,
}

#[derive(Debug, Clone)]
enum Source {
    Bytes(Bytes),
    File(PathBuf),
}

impl Upload {
    /// A document held in memory.
    pub fn from_bytes(
        bytes: impl Into<Bytes>,
        filename: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Upload {
        Upload {
            source: Source::Bytes(bytes.into()),
            filename: filename.into(),
            content_type: content_type.into(),
        }
    }

    /// A file streamed from `path` when the request is sent; the filename
    /// sent is the path's last component.
    pub fn from_path(path: impl Into<PathBuf>, content_type: impl Into<String>) -> Upload {
        let path = path.into();
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".into());
        Upload {
            source: Source::File(path),
            filename,
            content_type: content_type.into(),
        }
    }

    /// Sends another filename than the file's own.
    pub fn with_filename(mut self, filename: impl Into<String>) -> Upload {
        self.filename = filename.into();
        self
    }

    async fn into_part(self) -> Result<Part, Error> {
        let part = match self.source {
            Source::Bytes(bytes) => {
                Part::stream_with_length(reqwest::Body::from(bytes.clone()), bytes.len() as u64)
            }
            Source::File(path) => {
                let (file, length) = open(&path).await?;
                let stream = tokio_util::io::ReaderStream::new(file);
                Part::stream_with_length(reqwest::Body::wrap_stream(stream), length)
            }
        };
        part.file_name(self.filename)
            .mime_str(&self.content_type)
            .map_err(|e| {
                Error::InvalidRequest(format!("content type {:?}: {e}", self.content_type))
            })
    }
}

async fn open(path: &Path) -> Result<(tokio::fs::File, u64), Error> {
    let unreadable = |e: std::io::Error| {
        Error::InvalidRequest(format!("{}: cannot read the upload: {e}", path.display()))
    };
    let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
    let length = file.metadata().await.map_err(unreadable)?.len();
    Ok((file, length))
}

impl Client {
    /// `POST /providers/{id}/supporting-documents`
    /// (`SupportingDocumentsController_upload`): upload a supporting document
    /// of type `file_type`, for a US state where it applies.
    ///
    /// Uploads are POSTs with a streamed body: sent once, never retried.
    pub async fn supporting_documents_upload(
        &self,
        provider_id: &str,
        file: Upload,
        file_type: &str,
        state: Option<types::UsState>,
    ) -> Result<StatusCode, Error> {
        let mut form = Form::new()
            .part("file", file.into_part().await?)
            .text("fileType", file_type.to_string());
        if let Some(state) = state {
            form = form.text("state", state.as_str().to_string());
        }
        let path = format!(
            "/providers/{}/supporting-documents",
            super::segment(provider_id)
        );
        let request = self.request(Method::POST, &path).multipart(form);
        let (status, _) = self
            .send_hand_written("supporting_documents_upload", request, |s| s.is_success())
            .await?;
        Ok(status)
    }

    /// `POST /v2/provider/{providerId}/attested-data/documents`
    /// (`ProviderV2Controller_uploadProviderDocuments`): upload a provider
    /// document for a credentialing workflow. The form's `organizationId` is
    /// this client's organization.
    ///
    /// Uploads are POSTs with a streamed body: sent once, never retried.
    pub async fn provider_v2_upload_provider_documents(
        &self,
        provider_id: &str,
        workflow_id: &str,
        file_type: &str,
        file: Upload,
    ) -> Result<StatusCode, Error> {
        let form = Form::new()
            .text("fileType", file_type.to_string())
            .text("organizationId", self.organization_id().to_string())
            .text("workflowId", workflow_id.to_string())
            .part("file", file.into_part().await?);
        let path = format!(
            "/v2/provider/{}/attested-data/documents",
            super::segment(provider_id)
        );
        let request = self.request(Method::POST, &path).multipart(form);
        let (status, _) = self
            .send_hand_written("provider_v2_upload_provider_documents", request, |s| {
                s.is_success()
            })
            .await?;
        Ok(status)
    }
}
