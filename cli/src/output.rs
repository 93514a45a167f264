//! What a command prints: the decoded response as JSON on stdout.

use std::io::Write;

use futures_util::{Stream, StreamExt};
use serde::Serialize;

use crate::error::CliError;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Indented JSON (the default).
    Pretty,
    /// One line of JSON.
    Json,
    /// A list as one JSON value per line; anything else as one line.
    Ndjson,
}

/// How a command ended when it did not fail outright.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// A bulk operation answered 207: the failures are printed, exit 1.
    PartialFailure(String),
}

/// Standard output in the chosen format.
pub struct Output {
    format: Format,
    out: Box<dyn Write>,
}

impl Output {
    pub fn new(format: Format, out: Box<dyn Write>) -> Output {
        Output { format, out }
    }

    /// Prints a decoded response.
    pub fn value<T: Serialize>(&mut self, value: &T) -> Result<Outcome, CliError> {
        let json = serde_json::to_value(value).map_err(|e| CliError::Io(e.into()))?;
        match (self.format, &json) {
            (Format::Pretty, _) => {
                serde_json::to_writer_pretty(&mut self.out, &json)
                    .map_err(|e| CliError::Io(e.into()))?;
                writeln!(self.out)?;
            }
            (Format::Ndjson, serde_json::Value::Array(items)) => {
                for item in items {
                    self.line(item)?;
                }
            }
            _ => self.line(&json)?,
        }
        self.out.flush()?;
        Ok(Outcome::Ok)
    }

    /// Prints every item of a paginated operation as NDJSON, as it arrives.
    pub async fn stream<T, S>(&mut self, stream: S) -> Result<Outcome, CliError>
    where
        T: Serialize,
        S: Stream<Item = certifyos::Result<T>>,
    {
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            let json = serde_json::to_value(item?).map_err(|e| CliError::Io(e.into()))?;
            self.line(&json)?;
        }
        self.out.flush()?;
        Ok(Outcome::Ok)
    }

    /// Prints a bulk operation's outcome; a 207 is a partial failure.
    pub fn bulk<T: Serialize>(
        &mut self,
        outcome: certifyos::extras::BulkOutcome<T>,
    ) -> Result<Outcome, CliError> {
        match outcome {
            certifyos::extras::BulkOutcome::AllSucceeded { status, value } => {
                let value = serde_json::to_value(value).map_err(|e| CliError::Io(e.into()))?;
                self.value(&serde_json::json!({
                    "all_succeeded": true,
                    "status": status.as_u16(),
                    "value": value,
                }))
            }
            certifyos::extras::BulkOutcome::Partial(partial) => {
                let failures: Vec<serde_json::Value> = partial
                    .failures
                    .iter()
                    .map(|f| serde_json::json!({"id": f.id, "reason": f.reason, "raw": f.raw.value()}))
                    .collect();
                self.value(&serde_json::json!({
                    "all_succeeded": false,
                    "status": 207,
                    "failures": failures,
                    "succeeded": partial.succeeded,
                }))?;
                Ok(Outcome::PartialFailure(format!(
                    "partial failure: {partial}"
                )))
            }
        }
    }

    fn line(&mut self, json: &serde_json::Value) -> Result<(), CliError> {
        serde_json::to_writer(&mut self.out, json).map_err(|e| CliError::Io(e.into()))?;
        writeln!(self.out)?;
        Ok(())
    }
}
