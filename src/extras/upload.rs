//! A document for the multipart/form-data uploads: the generated builders
//! of those operations take an [`Upload`] for each binary part.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use reqwest::multipart::Part;

use crate::error::Error;

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

    pub(crate) async fn into_part(self) -> Result<Part, Error> {
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
