//! The TLS backend of the client the builder makes. With the `rustls`
//! feature (the default) and not `rustls-aws-lc`, reqwest gets a rustls
//! configuration with the ring crypto provider and the platform's
//! certificate verifier, set on the builder rather than installed as the
//! process-wide default (a library should not choose that for its users).
//! `rustls-aws-lc` and `native-tls` leave it to reqwest.

use crate::Error;

/// A `reqwest::ClientBuilder` with this build's TLS backend set up, for
/// callers who configure their own client and pass it to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client).
///
/// With the default `rustls` feature reqwest has no crypto provider of its
/// own (`rustls-no-provider`, so that aws-lc-sys is not built): a client
/// from `reqwest::Client::new()` would panic unless the application installs
/// a rustls provider or enables one of reqwest's TLS features. This builder
/// carries the ring provider and the platform's certificate verifier.
///
/// ```no_run
/// # fn demo() -> certifyos::Result<()> {
/// let http = certifyos::http_client_builder()?
///     .pool_max_idle_per_host(4)
///     .build()
///     .map_err(|e| certifyos::Error::Config(e.to_string()))?;
/// let client = certifyos::Client::builder()
///     .organization_id("org_123")
///     .client_credentials("id", "secret")
///     .http_client(http)
///     .build()?;
/// # Ok(()) }
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    configure(reqwest::Client::builder())
}

#[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::Config(format!("cannot set up TLS (rustls with ring): {e}")))?
        .with_no_client_auth();
    // The client speaks HTTP/1.1 only (reqwest's http2 feature is off).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

#[cfg(not(all(feature = "rustls", not(feature = "rustls-aws-lc"))))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}
