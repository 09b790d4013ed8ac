//! go-plugin's controller service (`plugin.GRPCController/Shutdown`), written by hand.
//!
//! Terraform ends a provider by calling this method and only kills the process if it does not
//! exit in time; answering it makes every command end promptly and cleanly. The service has one
//! method taking and returning an empty message, so a few lines of tonic plumbing replace a
//! generated stub (and keep go-plugin's .proto files out of the project).

use std::convert::Infallible;
use std::task::{Context, Poll};

use tonic::codegen::{http, Body, BoxFuture, Service, StdError};

/// The empty message of `plugin.GRPCController/Shutdown`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Empty {}

/// Serves `plugin.GRPCController`; `Shutdown` flips the watch channel the server waits on.
#[derive(Clone, Debug)]
pub struct ControllerServer {
    shutdown: tokio::sync::watch::Sender<bool>,
}

impl ControllerServer {
    pub fn new(shutdown: tokio::sync::watch::Sender<bool>) -> ControllerServer {
        ControllerServer { shutdown }
    }
}

impl tonic::server::NamedService for ControllerServer {
    const NAME: &'static str = "plugin.GRPCController";
}

struct ShutdownSvc(tokio::sync::watch::Sender<bool>);

impl tonic::server::UnaryService<Empty> for ShutdownSvc {
    type Response = Empty;
    type Future = BoxFuture<tonic::Response<Empty>, tonic::Status>;

    fn call(&mut self, _request: tonic::Request<Empty>) -> Self::Future {
        let tx = self.0.clone();
        Box::pin(async move {
            // Answer first, then stop: the server finishes in-flight responses before exiting.
            let _ = tx.send(true);
            Ok(tonic::Response::new(Empty {}))
        })
    }
}

impl<B> Service<http::Request<B>> for ControllerServer
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        if req.uri().path() == "/plugin.GRPCController/Shutdown" {
            let svc = ShutdownSvc(self.shutdown.clone());
            Box::pin(async move {
                let mut grpc = tonic::server::Grpc::new(tonic::codec::ProstCodec::default());
                Ok(grpc.unary(svc, req).await)
            })
        } else {
            Box::pin(async move {
                let mut response = http::Response::new(tonic::body::Body::default());
                let headers = response.headers_mut();
                headers.insert(
                    tonic::Status::GRPC_STATUS,
                    (tonic::Code::Unimplemented as i32).into(),
                );
                headers.insert(
                    http::header::CONTENT_TYPE,
                    tonic::metadata::GRPC_CONTENT_TYPE,
                );
                Ok(response)
            })
        }
    }
}
