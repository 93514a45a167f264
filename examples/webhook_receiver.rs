//! Receive CertifyOS's webhook deliveries: serve the OAuth token endpoint and
//! the delivery endpoint with hyper, and print every delivery.
//!
//! ```sh
//! HOOK_CLIENT_SECRET=$(openssl rand -hex 32) \
//! cargo run --example webhook_receiver --features webhook-receiver -- \
//!     0.0.0.0:8080 https://hooks.example.com
//! ```
//!
//! The second argument is the public base URL CertifyOS reaches this
//! process at (behind your TLS terminator). With `--register`, and the
//! client configured from the environment (`certifyos::env`), it also
//! registers the webhook: the registration comes from the receiver, so the
//! secret CertifyOS sends and the secret checked here are the same.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use certifyos::types::EventType;
use certifyos::webhook::{Rejection, WebhookDelivery, WebhookReceiver};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(listen), Some(public)) = (args.next(), args.next()) else {
        return Err(
            "usage: webhook_receiver <listen address> <public base URL> [--register]".into(),
        );
    };
    let register = args.next().as_deref() == Some("--register");
    let secret = std::env::var("HOOK_CLIENT_SECRET").map_err(|_| {
        "HOOK_CLIENT_SECRET is not set (the OAuth client secret CertifyOS will use)"
    })?;
    let public = public.trim_end_matches('/');

    let receiver = Arc::new(
        WebhookReceiver::builder(format!("{public}/certifyos/deliveries"))
            .description("certifyos webhook_receiver example")
            .event_types([
                EventType::PsvCompleted,
                EventType::CredentialingCompleted,
                EventType::ProviderTerminated,
            ])
            .oauth("certifyos", secret, format!("{public}/certifyos/token"))
            .build()?,
    );
    if register {
        let client = certifyos::Client::from_env()?;
        let created = client
            .webhooks_create()
            .body(receiver.registration())
            .send()
            .await?;
        println!("registered webhook {}", created.id);
    }

    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on {listen}: {receiver:?}");
    loop {
        let (stream, _) = listener.accept().await?;
        let receiver = receiver.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let receiver = receiver.clone();
                async move { Ok::<_, Infallible>(handle(&receiver, request).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await
            {
                eprintln!("connection: {e}");
            }
        });
    }
}

async fn handle(receiver: &WebhookReceiver, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let route = (parts.method.clone(), parts.uri.path().to_string());
    let answer = match (&route.0, route.1.as_str()) {
        (&Method::POST, "/certifyos/token") => {
            let body = match read(receiver, body).await {
                Ok(body) => body,
                Err(answer) => return answer,
            };
            receiver.token_response(&parts.headers, &body)
        }
        (&Method::POST, "/certifyos/deliveries") => {
            // Authenticate before reading the body: a stranger's request
            // costs a header check, not a body upload.
            if let Err(rejected) = receiver.authenticate(&parts.headers) {
                eprintln!("{rejected}");
                rejected.to_response()
            } else {
                let body = match read(receiver, body).await {
                    Ok(body) => body,
                    Err(answer) => return answer,
                };
                match WebhookDelivery::parse(&body) {
                    Ok(delivery) => {
                        match &delivery.event_type {
                            Some(event) => println!("{event}: {}", delivery.raw),
                            None => println!("(no event type): {}", delivery.raw),
                        }
                        return status(StatusCode::NO_CONTENT);
                    }
                    Err(rejected) => {
                        eprintln!("{rejected}");
                        rejected.to_response()
                    }
                }
            }
        }
        _ => return status(StatusCode::NOT_FOUND),
    };
    answer.map(|body| Full::new(Bytes::from(body)))
}

/// The body, read only up to the receiver's limit: 413 past it, 400 when
/// the connection fails.
async fn read(receiver: &WebhookReceiver, body: Incoming) -> Result<Bytes, Response<Full<Bytes>>> {
    let limit = receiver.max_body_bytes();
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(Rejection::BodyTooLarge { limit }
                .to_response()
                .map(|body| Full::new(Bytes::from(body))))
        }
        Err(_) => Err(status(StatusCode::BAD_REQUEST)),
    }
}

fn status(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}
